import { readdir, readFile, writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import { SyncFixture, writeFileIn } from "../test/support/sync-fixture.js";
import { withScope } from "./bench-scope.js";
import { channelConfig, type ChannelName } from "./channels.js";
import { sampleProc } from "./proc-stats.js";

export type WatcherBackend = "native" | "chokidar";
export type IdleSync = "startup" | "change";

/** Issue 10, targets 4 and 5. */
export const IDLE_TARGETS = { cpuSPerMin: 0.05, rssMbAt20k: 100 } as const;

/** One thread's share of the idle window: how often it woke, and its CPU. */
export interface ThreadWakes {
  /** /proc/<pid>/task/<tid>/comm and the tid: "MainThread#1234", "libuv-worker#1240", … */
  name: string;
  /** Context switches (voluntary + involuntary) in the window: a sleeping thread has none. */
  wakes: number;
  cpuS: number;
}

export interface IdleResult {
  backend: WatcherBackend;
  /** The announcement channel the daemon kept open, if any. */
  channel?: ChannelName;
  files: number;
  sync: IdleSync;
  /** Start until the measured sync ended. */
  syncMs: number;
  /** The window starts this long after that sync: idle as a user's machine is, not settled. */
  afterSyncMs: number;
  windowS: number;
  /** CPU seconds per minute over the idle window: the process alone, and with its children. */
  selfCpuSPerMin: number;
  totalCpuSPerMin: number;
  rssMb: number;
  /** Threads that woke in the window, most wakes first. */
  threads: ThreadWakes[];
  targets: typeof IDLE_TARGETS;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function seedFiles(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  // 100 files per directory, like a notes vault or a source tree.
  for (let i = 0; i < count; i++) files[`tree/d${Math.floor(i / 100)}/f${i}.md`] = `${i}\n`;
  return files;
}

interface ThreadSample {
  name: string;
  switches: number;
  /** From /proc/…/schedstat, in ns: /proc/…/stat counts 10 ms ticks, and 0.05 s/min over a 20 s window is under 2 ticks. */
  cpuNs: number;
}

/** Every thread of `pid`: name, context switches so far, CPU so far. */
async function sampleThreads(pid: number): Promise<Map<string, ThreadSample>> {
  const threads = new Map<string, ThreadSample>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      const [comm, status, schedstat] = await Promise.all([
        readFile(`/proc/${pid}/task/${tid}/comm`, "utf8"),
        readFile(`/proc/${pid}/task/${tid}/status`, "utf8"),
        readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8"),
      ]);
      const count = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      threads.set(tid, {
        name: comm.trim(),
        switches: count("voluntary_ctxt_switches") + count("nonvoluntary_ctxt_switches"),
        cpuNs: Number(schedstat.split(" ")[0]),
      });
    } catch {
      // The thread ended between readdir and read.
    }
  }
  return threads;
}

/** CPU of the threads alive at the end, in seconds (a thread that ended meanwhile is missed). */
function threadsCpuS(before: Map<string, ThreadSample>, after: Map<string, ThreadSample>): number {
  let ns = 0;
  for (const [tid, end] of after) ns += end.cpuNs - (before.get(tid)?.cpuNs ?? 0);
  return ns / 1e9;
}

function threadWakes(
  before: Map<string, ThreadSample>,
  after: Map<string, ThreadSample>,
): ThreadWakes[] {
  const woke: ThreadWakes[] = [];
  for (const [tid, end] of after) {
    const start = before.get(tid) ?? { switches: 0, cpuNs: 0 };
    const wakes = end.switches - start.switches;
    const cpuS = (end.cpuNs - start.cpuNs) / 1e9;
    // Threads inherit the creator's name ("MainThread" for @parcel/watcher's): the tid tells them apart.
    if (wakes > 0 || cpuS > 0) woke.push({ name: `${end.name}#${tid}`, wakes, cpuS });
  }
  return woke.sort((a, b) => b.wakes - a.wakes);
}

/**
 * Idle as issue 10 measures it: autosync with production timers and a 60 s pull interval,
 * watching `files` files; one change is made and synced (committed and pushed), and CPU is read
 * over `windowS` seconds starting 2 s after that push, without waiting for it to settle: a
 * user's machine never waits. RSS at the end of the window; per-thread wakes say what woke.
 */
export async function measureIdle(
  backend: WatcherBackend,
  files: number,
  windowS: number,
  {
    afterSyncMs = 2000,
    channel,
    sync = "change",
    env = {},
  }: {
    afterSyncMs?: number;
    channel?: ChannelName;
    /** The sync the window follows: the startup sync, or a change committed and pushed later. */
    sync?: IdleSync;
    /** Extra environment for the daemon (e.g. NODE_OPTIONS, to compare V8 flags). */
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<IdleResult> {
  return withScope(async (scope) => {
    // The server first: scope cleanups run in reverse, so the daemon stops before it goes.
    const announce = channel ? await channelConfig(scope, channel) : undefined;
    const fixture = await SyncFixture.create(scope, {
      prefix: "autosync-bench-idle-",
      copies: 1,
      seed: seedFiles(files),
      timers: { commitDelay: "2s", maxCommitDelay: "60s", pushDelay: "0s", pullInterval: "60s" },
      defaults: { watcher: { backend } },
    });
    const copy = fixture.copy(0);
    if (announce) {
      await writeFile(
        copy.configPath,
        stringify({ ...fixture.configFor(copy), channels: announce.channels(copy.host) }),
      );
    }
    const started = performance.now();
    const proc = await fixture.start(0, { env: { ...announce?.env, ...env } });
    await proc.waitStartupSync(120_000);
    // The startup sync pushes too (nothing to push here); the change below is the measured sync.
    await proc.waitForEvent(
      "the startup push",
      (event) => event.type === "operationFinished" && event.operation === "push",
      { timeoutMs: 120_000 },
    );
    if (sync === "change") {
      const since = proc.events.length;
      await writeFileIn(copy.path, "idle-bench.md", `${Date.now()}\n`);
      await proc.waitForEvent("the change to be pushed", (event) => event.type === "pushed", {
        since,
        timeoutMs: 120_000,
      });
    }
    const syncMs = performance.now() - started;
    await sleep(afterSyncMs);
    const [first, firstThreads] = await Promise.all([
      sampleProc(proc.pid),
      sampleThreads(proc.pid),
    ]);
    await sleep(windowS * 1000);
    const [last, lastThreads] = await Promise.all([sampleProc(proc.pid), sampleThreads(proc.pid)]);
    const minutes = (last.atMs - first.atMs) / 60_000;
    const self = threadsCpuS(firstThreads, lastThreads);
    const children = last.totalCpuS - last.selfCpuS - (first.totalCpuS - first.selfCpuS);
    if (!proc.running)
      throw new Error(`autosync exited during the idle window\n${proc.describe()}`);
    return {
      backend,
      ...(channel ? { channel } : {}),
      files,
      sync,
      syncMs,
      afterSyncMs,
      windowS,
      selfCpuSPerMin: self / minutes,
      // Children (the DVCS commands) only in /proc/<pid>/stat's 10 ms ticks.
      totalCpuSPerMin: (self + children) / minutes,
      rssMb: last.rssMb,
      threads: threadWakes(firstThreads, lastThreads),
      targets: IDLE_TARGETS,
    };
  });
}

export { seedFiles };
