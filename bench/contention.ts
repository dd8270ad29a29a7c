import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { SyncFixture } from "../test/support/sync-fixture.js";
import { withScope } from "./bench-scope.js";

/**
 * Issue 10's question, measured with raw git so the answer does not depend on autosync's own
 * per-operation cost: n machines commit the same new file at the same moment; how long until
 * every machine holds one head with everybody's commit, by two designs?
 *
 * - `serial`: one contended branch. Every machine pushes; each loser fetches, merges keeping
 *   both sides, pushes again, until it wins. One winner per round: n − 1 rounds.
 * - `synced`: one push sends main and the machine's own `synced/<host>` ref (never contended,
 *   as git-annex's synced/ branches). A loser fetches main and every synced ref; the loser with
 *   the lowest host among the heads main lacks merges main and all of them and pushes main;
 *   the others wait until main holds their head (an announcement would tell them; here they
 *   poll), then fast-forward. About two rounds whatever n is.
 */

export type ContentionDesign = "serial" | "synced";

export interface ContentionResult {
  design: ContentionDesign;
  machines: number;
  /** From the moment all commits exist until every machine's HEAD is the remote's final main. */
  ms: number;
  pushes: number;
  rejected: number;
  merges: number;
}

const run = promisify(execFile);

/** Sequential rounds in the design are bounded; a machine that never wins is a bug here. */
const MAX_ATTEMPTS = 100;

async function git(cwd: string, env: NodeJS.ProcessEnv, args: string[]) {
  return run("git", args, { cwd, env, maxBuffer: 16 << 20 });
}

async function tryGit(cwd: string, env: NodeJS.ProcessEnv, args: string[]): Promise<boolean> {
  try {
    await git(cwd, env, args);
    return true;
  } catch {
    return false;
  }
}

/** The careful loop's keep-both: theirs at the path, ours in a conflict copy. */
async function mergeKeepingBoth(
  cwd: string,
  env: NodeJS.ProcessEnv,
  host: string,
  rev: string,
): Promise<void> {
  if (await tryGit(cwd, env, ["merge", "-q", "--no-edit", rev])) return;
  const { stdout } = await git(cwd, env, ["diff", "--name-only", "--diff-filter=U", "-z"]);
  for (const path of stdout.split("\0").filter(Boolean)) {
    const dot = path.lastIndexOf(".");
    // A merger may meet the same path once per head it merges: a new name each time.
    let copy = "";
    for (let n = 1; !copy || existsSync(join(cwd, copy)); n++) {
      copy = `${path.slice(0, dot)} (conflict ${host} ${n})${path.slice(dot)}`;
    }
    await writeFile(join(cwd, copy), (await git(cwd, env, ["show", `:2:${path}`])).stdout);
    await writeFile(join(cwd, path), (await git(cwd, env, ["show", `:3:${path}`])).stdout);
    await git(cwd, env, ["add", "--", path, copy]);
  }
  await git(cwd, env, ["commit", "-q", "--no-edit"]);
}

interface Counters {
  pushes: number;
  rejected: number;
}

async function serialMachine(
  cwd: string,
  env: NodeJS.ProcessEnv,
  host: string,
  counters: Counters,
  _remote: string,
): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    counters.pushes++;
    if (await tryGit(cwd, env, ["push", "-q", "origin", "HEAD:main"])) return;
    counters.rejected++;
    await git(cwd, env, ["fetch", "-q", "origin"]);
    await mergeKeepingBoth(cwd, env, host, "origin/main");
  }
  throw new Error(`${host} never won a push`);
}

async function isAncestor(cwd: string, env: NodeJS.ProcessEnv, a: string, b: string) {
  return tryGit(cwd, env, ["merge-base", "--is-ancestor", a, b]);
}

/** The bare remote's main, read from its ref file (the fixture's remote is local). */
async function mainOf(remote: string): Promise<string> {
  return (await readFile(join(remote, "refs", "heads", "main"), "utf8").catch(() => "")).trim();
}

async function syncedMachine(
  cwd: string,
  env: NodeJS.ProcessEnv,
  host: string,
  counters: Counters,
  remote: string,
): Promise<void> {
  const fetchAll = [
    "fetch",
    "-q",
    "origin",
    "+refs/heads/main:refs/remotes/origin/main",
    "+refs/heads/synced/*:refs/remotes/origin/synced/*",
  ];
  const push = ["push", "-q", "origin", "HEAD:main", `+HEAD:refs/heads/synced/${host}`];
  counters.pushes++;
  if (await tryGit(cwd, env, push)) return;
  counters.rejected++;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const own = (await git(cwd, env, ["rev-parse", "HEAD"])).stdout.trim();
    await git(cwd, env, fetchAll);
    const main = (await git(cwd, env, ["rev-parse", "origin/main"])).stdout.trim();
    if (await isAncestor(cwd, env, own, main)) {
      await git(cwd, env, ["merge", "-q", "--ff-only", main]);
      return;
    }
    const { stdout } = await git(cwd, env, [
      "for-each-ref",
      "--format=%(refname:lstrip=4) %(objectname)",
      "refs/remotes/origin/synced/",
    ]);
    const pending: { host: string; head: string }[] = [];
    for (const line of stdout.split("\n").filter(Boolean)) {
      const [other, head] = line.split(" ") as [string, string];
      if (!(await isAncestor(cwd, env, head, main))) pending.push({ host: other, head });
    }
    pending.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
    if (pending[0]?.host === host || pending.length === 0) {
      // The merger: main and every head main lacks, in host order, then one push.
      await mergeKeepingBoth(cwd, env, host, main);
      for (const other of pending) {
        if (other.host !== host) await mergeKeepingBoth(cwd, env, host, other.head);
      }
      counters.pushes++;
      if (await tryGit(cwd, env, push)) return;
      counters.rejected++;
      continue;
    }
    // Not the merger: wait until main moves (the merger's announcement, which costs the
    // machine nothing: here a read of the bare remote's ref file stands in for it), then look
    // again. A head the merger did not see yet makes the next election.
    while ((await mainOf(remote)) === main) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error(`${host} never converged`);
}

export async function measureContention(
  design: ContentionDesign,
  machines: number,
): Promise<ContentionResult> {
  return withScope(async (scope) => {
    const hosts = Array.from({ length: machines }, (_, i) => `m${String(i + 1).padStart(2, "0")}`);
    const fixture = await SyncFixture.create(scope, {
      copies: machines,
      hosts,
      prefix: `autosync-bench-contention-${design}-`,
    });
    const env = { ...fixture.env, GIT_CONFIG_PARAMETERS: "'gc.auto=0'" };
    await Promise.all(
      fixture.copies.map(async (copy) => {
        await writeFile(join(copy.path, "shared.md"), `written by ${copy.host}\n`);
        await git(copy.path, env, ["add", "-A"]);
        await git(copy.path, env, ["commit", "-q", "-m", copy.host]);
      }),
    );
    const counters: Counters = { pushes: 0, rejected: 0 };
    const machine = design === "serial" ? serialMachine : syncedMachine;
    const started = performance.now();
    await Promise.all(
      fixture.copies.map((copy) => machine(copy.path, env, copy.host, counters, fixture.remote)),
    );
    // Everybody pulls the final main (what an announcement of the last push brings).
    await Promise.all(
      fixture.copies.map(async (copy) => {
        await git(copy.path, env, ["fetch", "-q", "origin", "main"]);
        await git(copy.path, env, ["merge", "-q", "--ff-only", "FETCH_HEAD"]);
      }),
    );
    const ms = performance.now() - started;
    const head = await fixture.remoteHead();
    const merges = await fixture.remoteMergeCount();
    const tree = await fixture.remoteTree();
    const copies = [...tree.keys()].filter((path) => path.startsWith("shared")).length;
    for (const copy of fixture.copies) {
      const own = (await git(copy.path, env, ["rev-parse", "HEAD"])).stdout.trim();
      if (own !== head) throw new Error(`${copy.host} is not at the final head`);
    }
    // Every machine's text is kept: at the path or in one conflict copy each.
    if (copies !== machines) throw new Error(`${copies} shared files for ${machines} machines`);
    return { design, machines, ms: Math.round(ms), ...counters, merges };
  });
}
