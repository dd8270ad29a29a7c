import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { demoMessages } from "../../messages/ui-messages.js";
import { git, type DemoRepositories } from "./demo-repositories.js";

/** A generous deadline: CI machines are slow and run other tests alongside. */
const STEP_DEADLINE_MS = 60_000;

export type Tree = Map<string, string>;

/** Every file under `root` except the metadata dir, by relative path → content. */
export async function readTree(root: string): Promise<Tree> {
  const tree: Tree = new Map();
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return [];
        throw error;
      },
    );
    for (const entry of entries) {
      if (entry.name === ".git") continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        // A pull may remove or replace the file between the listing and the read: the next
        // poll sees the settled tree.
        const content = await readFile(full, "utf8").catch((error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT") return undefined;
          throw error;
        });
        if (content !== undefined) tree.set(relative(root, full), content);
      }
    }
  };
  await walk(root);
  return tree;
}

export function sameTree(a: Tree, b: Tree): boolean {
  if (a.size !== b.size) return false;
  for (const [path, content] of a) if (b.get(path) !== content) return false;
  return true;
}

function differences(a: Tree, b: Tree): string {
  const paths = new Set([...a.keys(), ...b.keys()]);
  const differing = [...paths].filter((path) => a.get(path) !== b.get(path)).sort();
  return differing.length ? `differ: ${differing.slice(0, 5).join(", ")}` : "trees equal";
}

interface Check {
  ok: boolean;
  detail: string;
}

/**
 * Polls both copies until `check` passes on two identical trees, or the deadline passes. No
 * fixed sleeps: each step takes as long as syncing takes.
 */
async function converge(
  repos: DemoRepositories,
  check: (tree: Tree) => Check,
): Promise<{ ok: boolean; detail: string; tree: Tree }> {
  const deadline = Date.now() + STEP_DEADLINE_MS;
  for (;;) {
    const [tree, right] = await Promise.all([readTree(repos.left), readTree(repos.right)]);
    const verdict = check(tree);
    if (verdict.ok && sameTree(tree, right)) return { ok: true, detail: "", tree };
    const detail = !verdict.ok ? verdict.detail : differences(tree, right);
    if (Date.now() > deadline) return { ok: false, detail, tree };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const has =
  (path: string, content?: string) =>
  (tree: Tree): Check =>
    tree.has(path) && (content === undefined || tree.get(path) === content)
      ? { ok: true, detail: "" }
      : {
          ok: false,
          detail: `waiting for ${path}${content === undefined ? "" : " with the new content"}`,
        };

const lacks =
  (path: string) =>
  (tree: Tree): Check =>
    tree.has(path) ? { ok: false, detail: `waiting for ${path} to go` } : { ok: true, detail: "" };

const all =
  (...checks: ((tree: Tree) => Check)[]) =>
  (tree: Tree): Check => {
    for (const check of checks) {
      const verdict = check(tree);
      if (!verdict.ok) return verdict;
    }
    return { ok: true, detail: "" };
  };

export interface ScriptReport {
  ok: boolean;
  lines: string[];
}

/**
 * The demo performing by itself: edits on both sides, a rename, a delete, then the same file
 * edited in both copies at once. Passes only when both copies end identical, every edit is
 * there, both sides of the conflict are kept, no conflict marker is anywhere, and both copies
 * sit clean on the remote's head.
 */
export async function runDemoScript(
  repos: DemoRepositories,
  print: (line: string) => void,
): Promise<ScriptReport> {
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    print(line);
  };
  const todo = "- try autosync\n- watch it sync\n";
  const leftVersion = "left changed this line\n";
  const rightVersion = "right changed this line\n";
  const steps: { name: string; act: () => Promise<void>; until: (tree: Tree) => Check }[] = [
    {
      name: "edit and add in left",
      act: async () => {
        await writeFile(join(repos.left, "notes/todo.md"), todo);
        await writeFile(join(repos.left, "hello world.txt"), "a name with a space\n");
      },
      until: all(has("notes/todo.md", todo), has("hello world.txt")),
    },
    {
      name: "add in right",
      act: async () => {
        await mkdir(join(repos.right, "from right"), { recursive: true });
        await writeFile(join(repos.right, "from right/ünïcödé.md"), "written in right\n");
      },
      until: has("from right/ünïcödé.md", "written in right\n"),
    },
    {
      name: "rename in left",
      act: () => rename(join(repos.left, "old name.txt"), join(repos.left, "new name.txt")),
      until: all(has("new name.txt", "this file will be renamed\n"), lacks("old name.txt")),
    },
    {
      name: "delete in right",
      act: () => rm(join(repos.right, "remove-me.txt")),
      until: lacks("remove-me.txt"),
    },
    {
      name: "conflict: shared.md edited in both copies at once",
      act: async () => {
        await Promise.all([
          writeFile(join(repos.left, "shared.md"), leftVersion),
          writeFile(join(repos.right, "shared.md"), rightVersion),
        ]);
      },
      until: (tree) => {
        const contents = [...tree.values()];
        if (!contents.includes(leftVersion) || !contents.includes(rightVersion))
          return { ok: false, detail: "waiting for both versions of shared.md to be kept" };
        const marked = [...tree].find(([, content]) => /^(<{7}|>{7}|={7})( |$)/m.test(content));
        if (marked) return { ok: false, detail: `conflict markers in ${marked[0]}` };
        return { ok: true, detail: "" };
      },
    },
  ];

  for (const step of steps) {
    say(demoMessages.step(step.name));
    const startedAt = Date.now();
    await step.act();
    const result = await converge(repos, step.until);
    if (!result.ok) {
      say(demoMessages.stepFailed(step.name, result.detail));
      return { ok: false, lines };
    }
    say(demoMessages.stepDone(step.name, Date.now() - startedAt));
  }

  // Nothing left half-done: both copies committed, clean and on the remote's head.
  const settledName = "both copies clean on the remote's head";
  say(demoMessages.step(settledName));
  const startedAt = Date.now();
  const deadline = startedAt + STEP_DEADLINE_MS;
  for (;;) {
    const [leftHead, rightHead, remoteHead, leftStatus, rightStatus] = await Promise.all([
      git(repos.left, "rev-parse", "HEAD"),
      git(repos.right, "rev-parse", "HEAD"),
      git(repos.remote, "rev-parse", "main"),
      git(repos.left, "status", "--porcelain"),
      git(repos.right, "status", "--porcelain"),
    ]);
    if (leftHead === remoteHead && rightHead === remoteHead && !leftStatus && !rightStatus) break;
    const last = `left ${leftHead.slice(0, 8)} right ${rightHead.slice(0, 8)} remote ${remoteHead.slice(0, 8)}${leftStatus || rightStatus ? ", uncommitted changes" : ""}`;
    if (Date.now() > deadline) {
      say(demoMessages.stepFailed(settledName, last));
      return { ok: false, lines };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  say(demoMessages.stepDone(settledName, Date.now() - startedAt));
  const final = await readTree(repos.left);
  const copies = [...final.keys()].filter(
    (path) => path !== "shared.md" && path.startsWith("shared"),
  );
  say(demoMessages.converged(final.size));
  if (copies.length) say(`conflict copy: ${copies.join(", ")}`);
  return { ok: true, lines };
}
