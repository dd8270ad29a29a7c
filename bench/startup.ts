import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SyncFixture, type AutosyncProcess } from "../test/support/sync-fixture.js";
import { withScope } from "./bench-scope.js";
import { seedFiles, type WatcherBackend } from "./idle.js";
import { sampleProc } from "./proc-stats.js";

export interface StartupResult {
  files: number;
  backend: WatcherBackend;
  /** Building the tree (write, git add, commit, clone): not autosync's time, shown for scale. */
  setupMs: number;
  /** Spawn until the first event. */
  firstEventMs: number | null;
  /** Spawn until the commit of the change made while it was down. */
  firstCommitMs: number | null;
  rssMbAfterCommit: number | null;
}

/**
 * A 100,000-file working copy with one local change made while autosync was down: the time
 * from spawning it to the `committed` event (startup scan, status, commit).
 */
export async function measureStartup(
  files: number,
  backend: WatcherBackend,
): Promise<StartupResult> {
  return withScope(async (scope) => {
    const setupStarted = performance.now();
    const fixture = await SyncFixture.create(scope, {
      prefix: "autosync-bench-startup-",
      copies: 1,
      seed: seedFiles(files),
      timers: { commitDelay: "2s", maxCommitDelay: "60s", pushDelay: "5s", pullInterval: "10m" },
      defaults: { watcher: { backend } },
    });
    const copy = fixture.copy(0);
    await writeFile(join(copy.path, "changed-while-down.md"), "edited while autosync was down\n");
    const setupMs = performance.now() - setupStarted;
    const spawned = performance.now();
    const proc: AutosyncProcess = await fixture.start(copy, { waitReady: false });
    let firstEventMs: number | null = null;
    let firstCommitMs: number | null = null;
    const deadline = spawned + 180_000;
    while (performance.now() < deadline && proc.running) {
      if (firstEventMs === null && proc.events.length > 0)
        firstEventMs = performance.now() - spawned;
      if (proc.events.some((event) => event.type === "committed")) {
        firstCommitMs = performance.now() - spawned;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    let rssMbAfterCommit: number | null = null;
    if (proc.running) {
      rssMbAfterCommit = (await sampleProc(proc.pid)).rssMb;
    } else {
      process.stderr.write(`autosync exited during the startup run\n${proc.describe()}\n`);
    }
    return { files, backend, setupMs, firstEventMs, firstCommitMs, rssMbAfterCommit };
  });
}
