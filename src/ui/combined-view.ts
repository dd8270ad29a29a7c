import type { EngineInput } from "../engine/engine-input.js";
import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import type { AutosyncEvent } from "../events/autosync-event.js";
import { EventBus } from "../events/event-bus.js";
import { systemClock, type Clock } from "../runtime/clock.js";
import type { DaemonView } from "./daemon-view.js";

export interface NamedView {
  /** Shown before channel names ("left mqtt"): each daemon has its own connections. */
  label: string;
  view: DaemonView;
}

/**
 * Several daemons in one process (the demo's "left" and "right") as one view: their events go
 * onto one bus, their snapshots side by side, and a request goes to the daemon that owns the
 * repository. Repository names must differ between the daemons.
 */
export function combineViews(
  parts: readonly NamedView[],
  clock: Clock = systemClock,
): DaemonView & { close(): void } {
  const bus = new EventBus(clock, 1000);
  const unsubscribe = parts.map(({ label, view }) => {
    const forward = (event: AutosyncEvent): void => {
      const { seq: _seq, time: _time, ...body } = event;
      bus.publish(
        body.type === "channelStatus" ? { ...body, channel: `${label} ${body.channel}` } : body,
      );
    };
    // What the daemon published while starting comes first, then everything live.
    for (const event of view.bus.since(0)) forward(event);
    return view.bus.subscribe(forward);
  });
  const owner = (repo: string): DaemonView | undefined =>
    parts.find(({ view }) => view.snapshots().some((snapshot) => snapshot.repo === repo))?.view;
  return {
    bus,
    snapshots: (): RepoSnapshot[] => parts.flatMap(({ view }) => view.snapshots()),
    request(repo: string | undefined, input: EngineInput): void {
      if (repo === undefined) {
        for (const { view } of parts) view.request(undefined, input);
        return;
      }
      const view = owner(repo);
      // The owner's own error names the repositories it knows.
      (view ?? parts[0]?.view)?.request(repo, input);
    },
    // The conflict desk (`x`) and the history (`h`) of a repository are its own daemon's.
    conflictDesk: (repo) => owner(repo)?.conflictDesk?.(repo),
    historyBrowser: (repo) => owner(repo)?.historyBrowser?.(repo),
    async stop(): Promise<void> {
      await Promise.all(parts.map(({ view }) => view.stop()));
    },
    close(): void {
      for (const stop of unsubscribe) stop();
    },
  };
}
