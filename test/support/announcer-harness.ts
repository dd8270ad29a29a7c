import type { ReceivedAnnouncement } from "../../src/channels/announcer.js";
import { createAnnouncer } from "../../src/channels/create-announcer.js";
import type { ResolvedChannels } from "../../src/config/resolved-config.js";
import type { AutosyncEvent } from "../../src/events/autosync-event.js";
import { EventBus } from "../../src/events/event-bus.js";
import { systemClock } from "../../src/runtime/clock.js";

export type HarnessChannels = Partial<Omit<ResolvedChannels, "peers">>;

/** A real announcer (real channels, real clock) plus what it heard and published. */
export function startAnnouncer(
  channels: HarnessChannels,
  {
    instanceId,
    host = instanceId,
    repositories = ["repo-1"],
    backoff = { initialMs: 200, maxMs: 1000 },
  }: {
    instanceId: string;
    host?: string;
    repositories?: string[];
    backoff?: { initialMs: number; maxMs: number };
  },
) {
  const bus = new EventBus(systemClock);
  const events: AutosyncEvent[] = [];
  const received: (ReceivedAnnouncement & { at: number })[] = [];
  bus.subscribe((event) => events.push(event));
  const announcer = createAnnouncer(
    { peers: { pullFromOrigin: false }, ...channels },
    {
      host,
      instanceId,
      bus,
      env: {},
      // Short delays: outage tests wait for reconnects in real time.
      backoff,
      connectTimeoutMs: 5000,
      xmppKeepalive: { intervalMs: 300, timeoutMs: 1000 },
    },
  );
  announcer.onAnnouncement((announcement) =>
    received.push({ ...announcement, at: performance.now() }),
  );
  announcer.setRepositories(repositories);
  const statusOf = (channel: string) => {
    const last = events.filter((e) => e.type === "channelStatus" && e.channel === channel).at(-1);
    return last?.type === "channelStatus" ? last : undefined;
  };
  /** The last reported failure (a status with a retry delay), not a retry's "reconnecting". */
  const failureOf = (channel: string) => {
    const last = events
      .filter(
        (e) => e.type === "channelStatus" && e.channel === channel && e.retryInMs !== undefined,
      )
      .at(-1);
    return last?.type === "channelStatus" ? last : undefined;
  };
  return { announcer, bus, events, received, statusOf, failureOf };
}

export function warnings(events: AutosyncEvent[]): string[] {
  return events.flatMap((e) => (e.type === "warning" ? [e.message] : []));
}

/** Median of a list of milliseconds, rounded to 0.01 ms. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 100) / 100;
}
