import type { EngineInput } from "../../src/engine/engine-input.js";
import type { RepoSnapshot } from "../../src/engine/repo-snapshot.js";
import { EventBus } from "../../src/events/event-bus.js";
import type { Clock } from "../../src/runtime/clock.js";
import { systemClock } from "../../src/runtime/clock.js";
import type { DaemonView } from "../../src/ui/daemon-view.js";

/**
 * A daemon's outside as the UI and the control socket see it, kept in memory: a real EventBus,
 * snapshots a test sets, and a record of every request. Not a stand-in for the engine: tests of
 * the engine and the runtime drive the real ones.
 */
export class MemoryDaemonView implements DaemonView {
  readonly bus: EventBus;
  readonly requests: { repo: string | undefined; input: EngineInput }[] = [];
  stopCalls = 0;
  private stopGate: Promise<void> = Promise.resolve();

  constructor(
    public current: RepoSnapshot[],
    clock: Clock = systemClock,
  ) {
    this.bus = new EventBus(clock);
  }

  snapshots(): RepoSnapshot[] {
    return this.current;
  }

  request(repo: string | undefined, input: EngineInput): void {
    if (repo !== undefined && !this.current.some((snapshot) => snapshot.repo === repo))
      throw new Error(`unknown repository ${repo}`);
    this.requests.push({ repo, input });
  }

  /** Makes `stop()` wait for `gate`, as a daemon waits for the operation in flight. */
  holdStop(gate: Promise<void>): void {
    this.stopGate = gate;
  }

  /** Absent like the demo's; a test sets it to answer `reload`. */
  reload?: DaemonView["reload"];

  async stop(): Promise<void> {
    this.stopCalls += 1;
    await this.stopGate;
  }

  update(repo: string, change: Partial<RepoSnapshot>): void {
    this.current = this.current.map((snapshot) =>
      snapshot.repo === repo ? { ...snapshot, ...change } : snapshot,
    );
  }
}

export function snapshotOf(repo: string, change: Partial<RepoSnapshot> = {}): RepoSnapshot {
  return {
    repo,
    path: `/tmp/${repo}`,
    state: "idle",
    stateSince: Date.now() - 5_000,
    pendingCount: 0,
    pendingSample: [],
    ...change,
  };
}
