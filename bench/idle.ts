import { SyncFixture } from "../test/support/sync-fixture.js";
import { withScope } from "./bench-scope.js";
import { sampleProc } from "./proc-stats.js";

export type WatcherBackend = "native" | "chokidar";

export interface IdleResult {
  backend: WatcherBackend;
  files: number;
  /** Start until CPU use settled (the watcher is set up and the startup sync is done). */
  settleMs: number;
  windowS: number;
  /** CPU seconds per minute over the idle window: the process alone, and with its children. */
  selfCpuSPerMin: number;
  totalCpuSPerMin: number;
  rssMb: number;
  targets: { cpuSPerMin: number; rssMbAt20k: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function seedFiles(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  // 100 files per directory, like a notes vault or a source tree.
  for (let i = 0; i < count; i++) files[`tree/d${Math.floor(i / 100)}/f${i}.md`] = `${i}\n`;
  return files;
}

/**
 * A settled autosync with the default (production) timers, watching `files` files: CPU over an
 * idle window and the resident memory at its end.
 */
export async function measureIdle(
  backend: WatcherBackend,
  files: number,
  windowS: number,
): Promise<IdleResult> {
  return withScope(async (scope) => {
    const fixture = await SyncFixture.create(scope, {
      prefix: "autosync-bench-idle-",
      copies: 1,
      seed: seedFiles(files),
      timers: { commitDelay: "2s", maxCommitDelay: "60s", pushDelay: "5s", pullInterval: "10m" },
      defaults: { watcher: { backend } },
    });
    const started = performance.now();
    const proc = await fixture.start(0);
    // Settled: one whole second with under 10 ms of CPU (or give up after 90 s).
    let previous = await sampleProc(proc.pid);
    for (;;) {
      await sleep(1000);
      const now = await sampleProc(proc.pid);
      const used = now.totalCpuS - previous.totalCpuS;
      previous = now;
      if (used < 0.01 || performance.now() - started > 90_000) break;
    }
    const settleMs = performance.now() - started;
    const first = await sampleProc(proc.pid);
    await sleep(windowS * 1000);
    const last = await sampleProc(proc.pid);
    const minutes = (last.atMs - first.atMs) / 60_000;
    if (!proc.running)
      throw new Error(`autosync exited during the idle window\n${proc.describe()}`);
    return {
      backend,
      files,
      settleMs,
      windowS,
      selfCpuSPerMin: (last.selfCpuS - first.selfCpuS) / minutes,
      totalCpuSPerMin: (last.totalCpuS - first.totalCpuS) / minutes,
      rssMb: last.rssMb,
      targets: { cpuSPerMin: 0.1, rssMbAt20k: 120 },
    };
  });
}

export { seedFiles };
