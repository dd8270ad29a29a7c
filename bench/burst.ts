import { SyncFixture, writeBurst } from "../test/support/sync-fixture.js";
import { withScope } from "./bench-scope.js";

export interface BurstResult {
  files: number;
  /** Time to write the files (part of the total). */
  writeMs: number;
  /** From the first write until every file is on the remote. */
  toRemoteMs: number | null;
  commits: number;
  timedOut: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One running copy; a burst of `count` new files; poll the bare remote until all are there. */
export async function measureBurst(count: number, timeoutMs: number): Promise<BurstResult> {
  return withScope(async (scope) => {
    const fixture = await SyncFixture.create(scope, {
      prefix: "autosync-bench-burst-",
      copies: 1,
      timers: { commitDelay: "300ms", maxCommitDelay: "3s", pushDelay: "100ms", pullInterval: "0" },
    });
    const proc = await fixture.start(0);
    const before = await fixture.remoteCommitCount();
    const started = performance.now();
    await writeBurst(fixture.copy(0).path, count);
    const writeMs = performance.now() - started;
    const deadline = started + timeoutMs;
    let toRemoteMs: number | null = null;
    let lastHead = "";
    while (performance.now() < deadline) {
      const head = await fixture.remoteHead();
      if (head !== lastHead) {
        lastHead = head;
        const tree = await fixture.remoteTree();
        let onRemote = 0;
        for (const path of tree.keys()) if (path.startsWith("burst/")) onRemote++;
        if (onRemote >= count) {
          toRemoteMs = performance.now() - started;
          break;
        }
      }
      await sleep(50);
    }
    if (toRemoteMs === null)
      process.stderr.write(`burst of ${count} timed out\n${proc.describe(40)}\n`);
    return {
      files: count,
      writeMs,
      toRemoteMs,
      commits: (await fixture.remoteCommitCount()) - before,
      timedOut: toRemoteMs === null,
    };
  });
}
