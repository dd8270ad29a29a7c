import { findLogParser, type LogEntry, type LogFile } from "../recipes/log-parsers/index.js";
import { OperationFailure, commandFailure } from "./operation-failure.js";
import type { RecipeCommands } from "./recipe-commands.js";
import { operationsMessages } from "../messages/operations-messages.js";

/** One version of a file: the change and what it did to the file (its name then included). */
export interface FileVersion {
  entry: LogEntry;
  file: LogFile;
}

// A listing without `--limit` must still pass a number to `{limit}`.
const NO_LIMIT = 1_000_000_000;
// A file renamed more often than this is followed no further (a loop would be a parser bug).
const MAX_RENAME_HOPS = 1000;

/**
 * Reads a repository's history through its recipe's `log` and `fileAtRevision` templates. Pure
 * reading: nothing here changes the working copy or the repository.
 */
export class RepoHistory {
  constructor(private readonly commands: RecipeCommands) {}

  /** The recipe declares what history needs. */
  get supported(): boolean {
    const recipe = this.commands.recipe;
    return (
      recipe.logParser !== undefined &&
      findLogParser(recipe.logParser) !== undefined &&
      this.commands.has("log") &&
      this.commands.has("fileAtRevision")
    );
  }

  /** Changes newest first; with `paths`, those that touch them (with all their files). */
  async log(paths: readonly string[] = [], limit?: number): Promise<LogEntry[]> {
    const parser = findLogParser(this.commands.recipe.logParser ?? "");
    if (!parser)
      throw new OperationFailure(
        operationsMessages.commandMissing(this.commands.recipe.name, "log"),
      );
    const result = await this.commands.read("log", {
      limit: String(limit ?? NO_LIMIT),
      paths: paths.map((path) => this.pathArgument(path)),
    });
    if (result.failed) {
      // brz refuses a path unknown at the tip (a deleted file); the whole log has it.
      if (paths.length > 0)
        return (await this.log([], undefined)).filter((entry) => touches(entry, paths));
      // git refuses to log a repository without commits: its history is empty, not an error.
      if ((await this.commands.read("head")).failed) return [];
      throw commandFailure(result);
    }
    return parser(result.stdout);
  }

  /**
   * The versions of one file, newest first, across renames: where the file got its name by a
   * rename, the changes of the old name before that rename follow. Works the same for every
   * DVCS, and for a file deleted since. A directory gets the changes of the files below it.
   */
  async fileVersions(path: string): Promise<FileVersion[]> {
    const versions: FileVersion[] = [];
    const seen = new Set<string>();
    let name = path;
    let olderThan: LogEntry | undefined;
    for (let hop = 0; hop < MAX_RENAME_HOPS; hop++) {
      const entries = await this.log([name]);
      let renamedFrom: string | undefined;
      for (const entry of entries.slice(startAfter(entries, olderThan))) {
        const file =
          entry.files.find((f) => f.path === name) ??
          entry.files.find((f) => f.action === "renamed" && f.from === name);
        if (!file) continue;
        if (!seen.has(entry.id)) {
          seen.add(entry.id);
          versions.push({ entry, file });
        }
        if (file.path === name && file.action === "renamed" && file.from !== undefined) {
          renamedFrom = file.from;
          olderThan = entry;
          break;
        }
      }
      if (renamedFrom === undefined) break;
      name = renamedFrom;
    }
    if (versions.length > 0) return versions;
    const prefix = `${path.replace(/\/+$/, "")}/`;
    const below: FileVersion[] = [];
    for (const entry of await this.log([path])) {
      for (const file of entry.files)
        if (file.path.startsWith(prefix) || file.from?.startsWith(prefix))
          below.push({ entry, file });
    }
    return below;
  }

  /** The bytes `path` (its name in that revision) had in revision `id`; undefined if absent. */
  async content(id: string, path: string): Promise<Uint8Array | undefined> {
    const result = await this.commands.read(
      "fileAtRevision",
      { rev: id, path: this.pathArgument(path) },
      { binaryOutput: true },
    );
    if (result.failed) return undefined;
    return result.stdoutBytes ?? new TextEncoder().encode(result.stdout);
  }

  // hg reads a plain argument as a pattern (`glob:*`); `path:` makes it one exact file or folder.
  private pathArgument(path: string): string {
    return this.commands.recipe.kind === "hg" ? `path:${path}` : path;
  }
}

function touches(entry: LogEntry, paths: readonly string[]): boolean {
  return entry.files.some((file) =>
    paths.some(
      (path) =>
        file.path === path ||
        file.from === path ||
        file.path.startsWith(`${path}/`) ||
        file.from?.startsWith(`${path}/`) === true,
    ),
  );
}

/** Where to go on in a log after the change that renamed the file (older changes only). */
function startAfter(entries: readonly LogEntry[], olderThan: LogEntry | undefined): number {
  if (!olderThan) return 0;
  const index = entries.findIndex((entry) => entry.id === olderThan.id);
  if (index >= 0) return index + 1;
  const older = entries.findIndex((entry) => entry.timeMs <= olderThan.timeMs);
  return older >= 0 ? older : entries.length;
}
