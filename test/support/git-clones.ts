import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { resolveConfigObject } from "../../src/config/load-config.js";
import type { ResolvedConfig } from "../../src/config/resolved-config.js";
import { makeTempDir } from "./temp-dir.js";

const run = promisify(execFile);

/**
 * A bare git remote with a first commit and `count` clones, each with its own identity in its
 * repository config, under one temp dir. For in-process runtime tests (startDaemon, runners):
 * the black-box tests use sync-fixture.ts instead.
 */
export interface GitClones {
  dir: string;
  remote: string;
  clones: string[];
  home: string;
  git(cwd: string, ...args: string[]): Promise<string>;
  cleanup(): Promise<void>;
}

/** Isolates git from the machine's global and system config for the whole test process. */
export function isolateGitEnvironment(home: string): void {
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = join(home, ".config");
  process.env.GIT_CONFIG_NOSYSTEM = "1";
  process.env.GIT_CONFIG_GLOBAL = join(home, ".gitconfig");
}

export async function makeGitClones(
  count: number,
  prefix = "autosync-clones-",
): Promise<GitClones> {
  const { dir, cleanup } = await makeTempDir(prefix);
  const home = join(dir, "home");
  await mkdir(home, { recursive: true });
  await writeFile(join(home, ".gitconfig"), "");
  isolateGitEnvironment(home);
  const git = async (cwd: string, ...args: string[]): Promise<string> =>
    (await run("git", args, { cwd, env: process.env })).stdout;
  const remote = join(dir, "remote.git");
  await git(dir, "init", "-q", "--bare", "-b", "main", remote);
  const clones: string[] = [];
  for (let i = 0; i < count; i++) {
    const clone = join(dir, `clone-${String.fromCharCode(97 + i)}`);
    await git(dir, "clone", "-q", remote, clone);
    await git(clone, "config", "user.name", `Test ${i}`);
    await git(clone, "config", "user.email", `test${i}@example.invalid`);
    await git(clone, "checkout", "-q", "-B", "main");
    if (i === 0) {
      await writeFile(join(clone, "README.md"), "seed\n");
      await git(clone, "add", "README.md");
      await git(clone, "commit", "-q", "-m", "seed");
      await git(clone, "push", "-q", "-u", "origin", "main");
    } else {
      await git(clone, "pull", "-q", "origin", "main");
      await git(clone, "branch", "-q", "--set-upstream-to=origin/main", "main");
    }
    clones.push(clone);
  }
  return { dir, remote, clones, home, git, cleanup };
}

export interface CloneConfigOptions {
  host: string;
  clone: string;
  name?: string;
  timers?: Record<string, string>;
  watcher?: Record<string, unknown>;
  pidfile: string;
  /** Merged into `defaults`. */
  extra?: Record<string, unknown>;
  /** Merged into the config's top level (e.g. `channels`). */
  top?: Record<string, unknown>;
}

/** A ResolvedConfig for one clone, built the way `autosync run` builds it (schema, defaults). */
export async function configForClone(
  dir: string,
  options: CloneConfigOptions,
): Promise<ResolvedConfig> {
  const result = await resolveConfigObject(
    {
      version: 1,
      host: options.host,
      defaults: {
        recipe: "git",
        timers: options.timers ?? {},
        ...(options.watcher ? { watcher: options.watcher } : {}),
        ...options.extra,
      },
      repositories: [{ path: options.clone, name: options.name ?? "notes" }],
      pidfile: options.pidfile,
      controlSocket: join(dir, `${options.host}.sock`),
      ...options.top,
    },
    { cwd: dir, env: process.env },
  );
  if (!result.ok) throw new Error(`test config invalid: ${JSON.stringify(result.diagnostics)}`);
  return result.config;
}
