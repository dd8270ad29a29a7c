import { useEffect, useRef, useState } from "react";
import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import type { AutosyncEvent } from "../events/autosync-event.js";
import { formatEvent, type LogLine } from "./format-event.js";
import type { DaemonView } from "./daemon-view.js";

export interface ChannelView {
  channel: string;
  status: "connecting" | "connected" | "reconnecting" | "down" | "disabled";
  detail?: string;
  /** Due time of the next reconnect attempt. */
  retryAt?: number;
}

export interface AnnouncementView {
  repo: string;
  channel: string;
  head?: string;
  fromHost?: string;
  at: number;
}

export interface DaemonState {
  now: number;
  /** Counts ticks: drives the spinner. */
  tick: number;
  snapshots: RepoSnapshot[];
  log: readonly LogLine[];
  channels: readonly ChannelView[];
  lastSent?: AnnouncementView;
  lastReceived?: AnnouncementView;
}

/**
 * Reads the bus and the snapshots, and re-renders on a clock instead of on every event: a burst of
 * thousands of events (a checkout touching 20,000 files) costs one render per tick, not one each.
 */
export function useDaemonState(
  view: DaemonView,
  { tickMs, logLimit, now }: { tickMs: number; logLimit: number; now: () => number },
): DaemonState {
  const log = useRef<LogLine[]>([]);
  const channels = useRef(new Map<string, ChannelView>());
  const sent = useRef<AnnouncementView | undefined>(undefined);
  const received = useRef<AnnouncementView | undefined>(undefined);
  const lastSeq = useRef(0);

  const read = (tick: number): DaemonState => {
    let snapshots: RepoSnapshot[];
    try {
      snapshots = view.snapshots();
    } catch {
      snapshots = [];
    }
    const state: DaemonState = {
      now: now(),
      tick,
      snapshots,
      log: log.current.slice(),
      channels: [...channels.current.values()],
    };
    if (sent.current) state.lastSent = sent.current;
    if (received.current) state.lastReceived = received.current;
    return state;
  };

  const absorb = (event: AutosyncEvent): void => {
    if (event.seq <= lastSeq.current) return;
    lastSeq.current = event.seq;
    log.current.push(formatEvent(event));
    if (log.current.length > logLimit) log.current.splice(0, log.current.length - logLimit);
    if (event.type === "channelStatus") {
      const entry: ChannelView = { channel: event.channel, status: event.status };
      if (event.detail) entry.detail = event.detail;
      if (event.retryInMs !== undefined) entry.retryAt = event.time + event.retryInMs;
      channels.current.set(event.channel, entry);
    } else if (event.type === "announcementSent") {
      sent.current = { repo: event.repo, channel: event.channel, head: event.head, at: event.time };
    } else if (event.type === "announcementReceived") {
      const entry: AnnouncementView = {
        repo: event.repo,
        channel: event.channel,
        fromHost: event.fromHost,
        at: event.time,
      };
      if (event.head) entry.head = event.head;
      received.current = entry;
    }
  };

  const [state, setState] = useState<DaemonState>(() => {
    for (const event of view.bus.since()) absorb(event);
    return read(0);
  });

  useEffect(() => {
    // Catch up on whatever was published between the first render and this subscription.
    for (const event of view.bus.since(lastSeq.current)) absorb(event);
    const unsubscribe = view.bus.subscribe(absorb);
    let tick = 0;
    const timer = setInterval(() => setState(read(++tick)), tickMs);
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
    // The view and the options are fixed for the life of the UI.
  }, [view]);

  return state;
}
