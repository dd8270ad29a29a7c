import type { Clock } from "../runtime/clock.js";
import type { AutosyncEvent, AutosyncEventBody } from "./autosync-event.js";

export type EventListener = (event: AutosyncEvent) => void;

/**
 * The bus: stamps each event with a sequence number and time, keeps the recent ones so a late
 * reader (the UI, `autosync status`) can catch up, and never lets a failing reader stop syncing.
 */
export class EventBus {
  private seq = 0;
  private readonly listeners = new Set<EventListener>();
  private readonly recentEvents: AutosyncEvent[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly keep = 500,
    private readonly onListenerError: (error: unknown) => void = () => {},
  ) {}

  publish(body: AutosyncEventBody): AutosyncEvent {
    const event = { ...body, seq: ++this.seq, time: this.clock.now() } as AutosyncEvent;
    this.recentEvents.push(event);
    if (this.recentEvents.length > this.keep) this.recentEvents.shift();
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
    return event;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `seq` (all kept ones by default), oldest first. */
  since(seq = 0): AutosyncEvent[] {
    return this.recentEvents.filter((event) => event.seq > seq);
  }
}
