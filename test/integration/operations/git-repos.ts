import assert from "node:assert/strict";
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { execa } from "execa";
import { parse } from "yaml";
import { createOperations } from "../../../src/operations/create-operations.js";
import type { RepoOperations } from "../../../src/operations/repo-operations.js";
import type { Recipe } from "../../../src/recipes/recipe.js";
import { processRunner, type CommandRunner } from "../../../src/runtime/command-runner.js";
import { makeTempDir } from "../../support/temp-dir.js";

/**
 * Real git repositories for the operations tests: a bare remote and clones in one temp dir
 * that `t.after` removes. HOME points into the temp dir, so the machine's global git config
 * (identity, hooks, default branch) never leaks in.
 */
export interface GitWorld {
  dir: string;
  env: Record<string, string>;
  remote: string;
  recipe: Recipe;
  runner: CommandRunner;
  git(cwd: string, ...args: string[]): Promise<string>;
  clone(name: string, options?: { host?: string; identity?: boolean }): Promise<Clone>;
}

export interface Clone {
  dir: string;
  ops: RepoOperations;
  git(...args: string[]): Promise<string>;
}

export async function loadGitRecipe(): Promise<Recipe> {
  const text = await readFile(new URL("../../../recipes/git.yaml", import.meta.url), "utf8");
  return parse(text) as Recipe;
}

export async function gitWorld(t: TestContext): Promise<GitWorld> {
  const { dir, cleanup } = await makeTempDir("autosync-git-ops-");
  t.after(cleanup);
  const home = join(dir, "home");
  await mkdir(home);
  const env: Record<string, string> = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    LC_ALL: "C",
  };
  const runner: CommandRunner = {
    run: (argv, options) =>
      processRunner.run(argv, { ...options, env: { ...env, ...options.env } }),
  };
  const git = async (cwd: string, ...args: string[]) => {
    const result = await execa("git", args, {
      cwd,
      env,
      extendEnv: true,
      stripFinalNewline: false,
    });
    return result.stdout;
  };
  const remote = join(dir, "remote.git");
  await git(dir, "init", "--quiet", "--bare", "--initial-branch=main", remote);
  const recipe = await loadGitRecipe();
  return {
    dir,
    env,
    remote,
    recipe,
    runner,
    git,
    async clone(name, options = {}) {
      const cloneDir = join(dir, name);
      await git(dir, "clone", "--quiet", remote, cloneDir);
      if (options.identity !== false) {
        await git(cloneDir, "config", "user.name", `Tester ${name}`);
        await git(cloneDir, "config", "user.email", `${name}@example.test`);
      }
      const ops = createOperations({
        root: cloneDir,
        recipe,
        runner,
        host: options.host ?? name,
      });
      return { dir: cloneDir, ops, git: (...args: string[]) => git(cloneDir, ...args) };
    },
  };
}

/** Runs an operation and fails the test with the whole result when the outcome differs. */
export async function expectOutcome<K extends string>(
  ops: RepoOperations,
  request: Parameters<RepoOperations["run"]>[0],
  outcome: K,
) {
  const result = await ops.run(request);
  if (result.outcome !== outcome) {
    throw new Error(
      `expected ${request.kind} → ${outcome}, got ${JSON.stringify(result, null, 2)}`,
    );
  }
  return result;
}

/** status → commit of everything; returns the commit result. */
export async function commitAll(ops: RepoOperations, message = "autosync test commit") {
  const status = await ops.run({ kind: "status" });
  if (status.kind !== "status" || status.outcome !== "ok") throw new Error(JSON.stringify(status));
  return ops.run({ kind: "commit", entries: status.entries, message });
}

/** Pull request with a fixed clock and host. */
export function pullRequest(host = "laptop", nowMs = Date.UTC(2026, 10, 25, 13, 45, 1)) {
  return {
    kind: "pull",
    commitMessage: `autosync: local changes on ${host}`,
    host,
    nowMs,
  } as const;
}

/**
 * The never-lose-data invariants after any pull: not mid-merge, nothing unmerged, and no
 * conflict marker in any committed file.
 */
export async function assertNotMidMerge(clone: Clone) {
  const gitDir = (await clone.git("rev-parse", "--absolute-git-dir")).trim();
  await assert.rejects(access(join(gitDir, "MERGE_HEAD")), "MERGE_HEAD must not exist");
  assert.equal(await clone.git("ls-files", "--unmerged"), "", "no unmerged paths");
  const grep = await execa("git", ["grep", "-I", "-l", "-e", "<<<<<<<", "HEAD", "--"], {
    cwd: clone.dir,
    reject: false,
  });
  assert.equal(grep.stdout, "", "no conflict markers committed");
}

/** Commits the given files in `clone`, then pushes; throws unless both worked. */
export async function commitAndPush(clone: Clone, files: Record<string, string | Uint8Array>) {
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(clone.dir, name), content);
  }
  const commit = await commitAll(clone.ops);
  if (commit.outcome !== "committed") throw new Error(JSON.stringify(commit));
  await expectOutcome(clone.ops, { kind: "push" }, "pushed");
}

/** All tracked files of HEAD with their bytes, for comparing clones. */
export async function treeOf(clone: Clone): Promise<Map<string, string>> {
  const files = (await clone.git("ls-files", "-z")).split("\0").filter(Boolean);
  const tree = new Map<string, string>();
  for (const file of files.sort()) {
    tree.set(file, (await readFile(join(clone.dir, file))).toString("base64"));
  }
  return tree;
}
