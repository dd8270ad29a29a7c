import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SyncFixture } from "../test/support/sync-fixture.js";
import { withScope, type BenchScope } from "./bench-scope.js";
import { summarize, type Summary } from "./percentiles.js";

/** The timers of the latency runs: short, so the overhead is not lost in the delays. */
export const LATENCY_TIMERS = {
  commitDelay: "100ms",
  maxCommitDelay: "2s",
  pushDelay: "0ms",
  pullInterval: "200ms",
};
const DELAYS_MS = { commitDelay: 100, pushDelay: 0, pullInterval: 200 };

export interface RawGitResult {
  perCommand: Record<string, Summary>;
  total: Summary;
}

export interface LatencyResult {
  runs: number;
  latency: Summary;
  delays: typeof DELAYS_MS & {
    /** commitDelay + pushDelay + half the pull interval (the mean wait for the next pull). */
    expectedMs: number;
  };
  rawGit: RawGitResult;
  /** latency p50 − expected delays − raw git p50: what autosync itself adds. */
  overheadP50Ms: number;
  overheadP95Ms: number;
  targetOverheadP50Ms: number;
  failures: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The raw chain a person would type for one change, with the same process spawning cost:
 * `git add -A`, `git commit`, `git push` in one clone, `git pull` in the other. Not the recipe's
 * own command list: a baseline made of autosync's commands would hide any command too many.
 */
export async function measureRawGit(runs: number): Promise<RawGitResult> {
  return withScope(async (scope) => {
    const chain = await rawChain(scope);
    for (let i = 0; i < runs; i++) await chain.once();
    return chain.result();
  });
}

/** The raw chain in its own two clones, one sample at a time (to alternate with autosync's). */
export async function rawChain(scope: BenchScope) {
  const fixture = await SyncFixture.create(scope, { prefix: "autosync-bench-raw-" });
  const [a, b] = [fixture.copy(0).path, fixture.copy(1).path];
  const steps: Record<string, number[]> = { add: [], commit: [], push: [], pull: [] };
  const totals: number[] = [];
  const timed = async (name: string, cwd: string, args: string[]) => {
    const started = performance.now();
    await fixture.run("git", args, cwd);
    const ms = performance.now() - started;
    steps[name]!.push(ms);
    return ms;
  };
  return {
    async once(): Promise<void> {
      const i = totals.length;
      await writeFile(join(a, `raw-${i}.txt`), `raw ${i}\n`);
      let total = 0;
      total += await timed("add", a, ["add", "-A"]);
      total += await timed("commit", a, ["commit", "--quiet", "-m", `bench raw ${i}`]);
      total += await timed("push", a, ["push", "--quiet", "origin", "HEAD:refs/heads/main"]);
      total += await timed("pull", b, ["pull", "--quiet", "--no-rebase", "origin", "main"]);
      totals.push(total);
    },
    result(): RawGitResult {
      return {
        perCommand: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, summarize(v)])),
        total: summarize(totals),
      };
    },
  };
}

/** Write in A, poll B every 2 ms until the content is there. */
export async function measureLatency(runs: number): Promise<LatencyResult> {
  const rawGit = await measureRawGit(runs);
  return withScope(async (scope) => {
    const fixture = await SyncFixture.create(scope, {
      prefix: "autosync-bench-latency-",
      timers: LATENCY_TIMERS,
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();
    const samples: number[] = [];
    let failures = 0;
    for (let i = 0; i < runs; i++) {
      const name = `latency-${i}.txt`;
      const content = `run ${i} ${Date.now()}\n`;
      const started = performance.now();
      await writeFile(join(a.path, name), content);
      // 10 s is fifty times the expected latency: a run that takes longer is a failure (and
      // counted), not a sample.
      const deadline = started + 10_000;
      let arrived = false;
      while (performance.now() < deadline) {
        const seen = await readFile(join(b.path, name), "utf8").catch(() => undefined);
        if (seen === content) {
          arrived = true;
          break;
        }
        await sleep(2);
      }
      if (arrived) samples.push(performance.now() - started);
      else failures++;
      // Let both sides settle (push finished, pull landed) so runs do not overlap.
      await sleep(300);
    }
    const latency = summarize(samples);
    const expectedMs = DELAYS_MS.commitDelay + DELAYS_MS.pushDelay + DELAYS_MS.pullInterval / 2;
    return {
      runs,
      latency,
      delays: { ...DELAYS_MS, expectedMs },
      rawGit,
      overheadP50Ms: latency.p50 - expectedMs - rawGit.total.p50,
      overheadP95Ms: latency.p95 - expectedMs - rawGit.total.p95,
      targetOverheadP50Ms: 150,
      failures,
    };
  });
}
