import type { RecipeKind } from "../recipes/recipe.js";
import { RecipeCommands, splitNul } from "../operations/recipe-commands.js";
import { commandFailure } from "../operations/operation-failure.js";
import type { OperationsOptions } from "../operations/operations-options.js";

/** One revision from a path's history, the same shape for git, hg and brz. */
export interface Revision {
  id: string;
  parents: string[];
  timeMs: number;
  author: string;
  message: string;
}

/**
 * What `autosync conflicts` reads from the DVCS, built from the recipe's `trackedFiles`,
 * `pathLog`, `mergeBase` and `showVersion` commands. Only the parsing differs per kind.
 */
export class VersionHistory {
  private readonly commands: RecipeCommands;
  private readonly contents = new Map<string, Promise<Buffer | undefined>>();

  constructor(options: Pick<OperationsOptions, "root" | "recipe" | "runner">) {
    this.commands = new RecipeCommands(options);
  }

  get kind(): RecipeKind {
    return this.commands.recipe.kind;
  }

  async trackedFiles(): Promise<string[]> {
    const result = await this.commands.read("trackedFiles");
    if (result.failed) throw commandFailure(result);
    return splitNul(result.stdout);
  }

  async head(): Promise<string | undefined> {
    const result = await this.commands.read("head");
    if (result.failed) return undefined;
    const text = result.stdout.trim();
    if (this.kind === "bzr") return text.split(/\s+/)[1];
    return text === "" || /^0+$/.test(text) ? undefined : text;
  }

  /** The revisions that changed `path`, newest first. */
  async pathLog(path: string, rev?: string): Promise<Revision[]> {
    const from = rev ?? (await this.head());
    if (from === undefined) return [];
    const result = await this.commands.read("pathLog", { rev: from, path });
    if (result.failed) return [];
    return this.kind === "bzr" ? parseBzrLog(result.stdout) : parseRecords(result.stdout);
  }

  private graphOnce: Promise<Revision[]> | undefined;

  private graph(): Promise<Revision[]> {
    this.graphOnce ??= this.pathLog(".");
    return this.graphOnce;
  }

  /** The bytes `path` had at `rev`; undefined when it did not exist there. */
  contentAt(rev: string, path: string): Promise<Buffer | undefined> {
    const key = `${rev}\0${path}`;
    let cached = this.contents.get(key);
    if (!cached) {
      const values: Record<string, string> =
        this.kind === "git"
          ? { object: `${rev}:${path}`, path }
          : { rev: this.kind === "bzr" ? `revid:${rev}` : rev, path };
      cached = this.commands
        .read("showVersion", values, { binaryOutput: true })
        .then((result) =>
          result.failed ? undefined : Buffer.from(result.stdoutBytes ?? result.stdout),
        );
      this.contents.set(key, cached);
    }
    return cached;
  }

  /**
   * The common ancestor of two revisions: the recipe's `mergeBase`, else (brz has no such
   * command for revisions) computed from the graph of the whole tree's `pathLog`.
   */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    if (!this.commands.has("mergeBase")) return nearestCommonAncestor(await this.graph(), a, b);
    const result = await this.commands.read("mergeBase", { from: a, to: b });
    const id = result.stdout.trim().split("\n")[0];
    return result.failed || !id ? undefined : id;
  }
}

const NULL_ID = /^0+$/;

/**
 * The newest revision that is an ancestor of both `a` and `b` (each counts as its own
 * ancestor): every ancestor of `a`, then a walk back from `b`, newest first.
 */
export function nearestCommonAncestor(
  revisions: readonly Revision[],
  a: string,
  b: string,
): string | undefined {
  const byId = new Map(revisions.map((revision) => [revision.id, revision]));
  const ofA = new Set<string>();
  const stack = [a];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (ofA.has(id)) continue;
    ofA.add(id);
    stack.push(...(byId.get(id)?.parents ?? []));
  }
  const seen = new Set<string>();
  let frontier = [b];
  while (frontier.length > 0) {
    const found = frontier
      .filter((id) => ofA.has(id))
      .sort((x, y) => (byId.get(y)?.timeMs ?? 0) - (byId.get(x)?.timeMs ?? 0))[0];
    if (found !== undefined) return found;
    const next: string[] = [];
    for (const id of frontier) {
      if (seen.has(id)) continue;
      seen.add(id);
      next.push(...(byId.get(id)?.parents ?? []));
    }
    frontier = next;
  }
  return undefined;
}

/** git and hg: NUL-terminated fields, five per revision (see the recipes' `pathLog`). */
export function parseRecords(stdout: string): Revision[] {
  const fields = stdout.split("\0");
  const revisions: Revision[] = [];
  for (let index = 0; index + 4 < fields.length; index += 5) {
    const [id, parents, time, author, message] = fields.slice(index, index + 5) as [
      string,
      string,
      string,
      string,
      string,
    ];
    revisions.push({
      id: id.trim(),
      parents: parents.split(" ").filter((parent) => parent !== "" && !NULL_ID.test(parent)),
      timeMs: Number(time.trim().split(" ")[0]) * 1000,
      author: author.trim(),
      message: message.trim(),
    });
  }
  return revisions;
}

/** brz `log --long --show-ids --levels=0`: indented blocks separated by dashed lines. */
export function parseBzrLog(stdout: string): Revision[] {
  const revisions: Revision[] = [];
  let current: Revision | undefined;
  let messageIndent: number | undefined;
  let message: string[] = [];
  const finish = () => {
    if (current) revisions.push({ ...current, message: message.join("\n").trim() });
    current = undefined;
    messageIndent = undefined;
    message = [];
  };
  for (const line of stdout.split("\n")) {
    const trimmed = line.trimStart();
    if (/^-{20,}$/.test(trimmed)) {
      finish();
      current = { id: "", parents: [], timeMs: 0, author: "", message: "" };
      continue;
    }
    if (!current) continue;
    if (messageIndent !== undefined) {
      message.push(line.slice(messageIndent));
      continue;
    }
    const field = /^([a-z -]+): ?(.*)$/.exec(trimmed);
    if (trimmed === "message:") {
      messageIndent = line.length - trimmed.length + 2;
    } else if (field) {
      const [, key, value = ""] = field;
      if (key === "revision-id") current.id = value;
      else if (key === "parent") current.parents.push(value);
      else if (key === "committer") current.author = value.replace(/\s*<[^>]*>$/, "");
      else if (key === "timestamp") {
        const stamp = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})/.exec(value);
        if (stamp) current.timeMs = Date.parse(`${stamp[1]}T${stamp[2]}${stamp[3]}:${stamp[4]}`);
      }
    }
  }
  finish();
  return revisions.filter((revision) => revision.id !== "");
}
