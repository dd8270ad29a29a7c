import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { demoMessages } from "../../messages/ui-messages.js";

const execFileAsync = promisify(execFile);

export interface DemoRepositories {
  remote: string;
  left: string;
  right: string;
}

/** Files of the first commit: the script renames one, deletes one and conflicts on one. */
export const DEMO_SEED: Record<string, string> = {
  "README.md": demoMessages.readmeText,
  "notes/todo.md": "- try autosync\n",
  "old name.txt": "this file will be renamed\n",
  "remove-me.txt": "this file will be deleted\n",
  "shared.md": "one line both copies will edit\n",
};

/**
 * Identity and settings each copy carries in its own config, so the demo works the same on a
 * machine with no git identity or with commit signing turned on globally.
 */
const LOCAL_CONFIG: [string, string][] = [
  ["user.name", "autosync demo"],
  ["user.email", "demo@autosync.invalid"],
  ["commit.gpgsign", "false"],
];

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("git", args, { cwd, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** A bare remote with one commit and two clones of it, `left` and `right`, under `dir`. */
export async function createDemoRepositories(dir: string): Promise<DemoRepositories> {
  const remote = join(dir, "remote.git");
  const left = join(dir, "left");
  const right = join(dir, "right");
  await git(dir, "init", "--quiet", "--bare", "--initial-branch=main", remote);
  for (const copy of [left, right]) {
    await git(dir, "clone", "--quiet", remote, copy);
    for (const [key, value] of LOCAL_CONFIG) await git(copy, "config", key, value);
    await git(copy, "checkout", "--quiet", "-B", "main");
  }
  for (const [path, content] of Object.entries(DEMO_SEED)) {
    await mkdir(join(left, path, ".."), { recursive: true });
    await writeFile(join(left, path), content);
  }
  await git(left, "add", "--all");
  await git(left, "commit", "--quiet", "-m", "Start the autosync demo");
  await git(left, "push", "--quiet", "--set-upstream", "origin", "main");
  await git(right, "pull", "--quiet", "origin", "main");
  await git(right, "branch", "--quiet", "--set-upstream-to=origin/main", "main");
  return { remote, left, right };
}
