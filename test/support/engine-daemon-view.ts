import type { EngineInput } from "../../src/engine/engine-input.js";
import type { RepoSnapshot } from "../../src/engine/repo-snapshot.js";
import { EventBus } from "../../src/events/event-bus.js";
import { systemClock } from "../../src/runtime/clock.js";
import type { DaemonView } from "../../src/ui/daemon-view.js";
import type { EngineSimulator } from "./engine-simulator.js";

/**
 * The real engine behind the UI, on the simulator's fake time line: the UI's requests are
 * `step` inputs, its snapshots the engine's own, its log the engine's events. For UI tests
 * whose point is what the engine does with a key press.
 */
export class EngineDaemonView implements DaemonView {
  readonly bus: EventBus;
  private published = 0;

  constructor(readonly sim: EngineSimulator) {
    this.bus = new EventBus({ ...systemClock, now: () => sim.now });
  }

  snapshots(): RepoSnapshot[] {
    this.forwardEvents();
    return [this.sim.snapshot()];
  }

  request(repo: string | undefined, input: EngineInput): void {
    if (repo !== undefined && repo !== this.sim.state.config.repo)
      throw new Error(`unknown repository ${repo}`);
    this.sim.send(input);
    this.forwardEvents();
  }

  async stop(): Promise<void> {
    this.sim.send({ type: "shutdownRequested" });
  }

  private forwardEvents(): void {
    for (const event of this.sim.events.slice(this.published)) this.bus.publish(event);
    this.published = this.sim.events.length;
  }
}
