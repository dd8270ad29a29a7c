import type { AnnouncementInfo, Announcer, ReceivedAnnouncement } from "./announcer.js";
import type { EventBus } from "../events/event-bus.js";
import type { Clock, TimerHandle } from "../runtime/clock.js";
import { channelMessages } from "../messages/channel-messages.js";
import {
  type Announcement,
  decodeAnnouncement,
  encodeAnnouncement,
  normalizeRemoteUrl,
  stripPassword,
} from "./announcement.js";
import { type Channel, ChannelError } from "./channel.js";

export interface ChannelHubOptions {
  host: string;
  instanceId: string;
  bus: EventBus;
  clock: Clock;
  /** Resolves the shared HMAC secret once, at start; undefined when none is configured. */
  secret?: () => Promise<string | undefined>;
  /** Reconnect delays: doubled per failed attempt up to maxMs, with jitter. */
  backoff?: { initialMs: number; maxMs: number };
  /** Announcements kept per channel while it is down; the newest win. */
  queueLimit?: number;
  /** Randomness for jitter, in [0, 1). Injected so backoff tests are exact. */
  random?: () => number;
  /** Channels known but not configured; reported once as `disabled`. */
  disabledChannels?: readonly string[];
}

interface ChannelSlot {
  channel: Channel;
  state: "idle" | "connecting" | "connected" | "waiting" | "stopped";
  /** Latest announcement per repository, oldest first: only the newest head matters. */
  outbox: Map<string, Announcement>;
  failures: number;
  retryTimer?: TimerHandle;
  flushing: boolean;
}

const seenLimit = 2000;
const warningRepeatMs = 60_000;

/**
 * The Announcer: every configured channel behind one face. Sends each announcement over all
 * channels, hears each push once however many channels carry it, never crashes on a
 * stranger's bytes, and keeps the latest head per repository while a channel is down.
 */
export class ChannelHub implements Announcer {
  private readonly slots: ChannelSlot[];
  private readonly listeners = new Set<(announcement: ReceivedAnnouncement) => void>();
  private repositories = new Set<string>();
  /** Repository id → display name, so bus events name the repository as the UI does. */
  private readonly names = new Map<string, string>();
  private readonly seen = new Set<string>();
  private readonly lastWarning = new Map<string, number>();
  private secret: string | undefined;
  private secretReady = false;
  private stopped = false;
  private unsubscribeBus: (() => void) | undefined;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly queueLimit: number;
  private readonly random: () => number;

  constructor(
    channels: readonly Channel[],
    private readonly options: ChannelHubOptions,
  ) {
    this.backoff = options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    this.queueLimit = options.queueLimit ?? 100;
    this.random = options.random ?? Math.random;
    this.slots = channels.map((channel) => ({
      channel,
      state: "idle",
      outbox: new Map(),
      failures: 0,
      flushing: false,
    }));
    for (const slot of this.slots) {
      slot.channel.attach({
        received: (payload, from, trusted) => this.received(slot, payload, from, trusted),
        disconnected: (reason) => this.dropped(slot, reason),
      });
    }
  }

  async start(): Promise<void> {
    // alsoNotify recipients hear about pushes and conflicts straight from the bus, so the
    // runtime needs no extra call and every conflict is told, however it arose.
    this.unsubscribeBus ??= this.options.bus.subscribe((event) => {
      if (event.type === "pushed") {
        this.tellHumans(channelMessages.humanPushed(event.repo, this.options.host, event.head));
      } else if (event.type === "conflict") {
        const paths = event.conflicts.map((conflict) => conflict.path);
        this.tellHumans(channelMessages.humanConflict(event.repo, this.options.host, paths));
      }
    });
    for (const name of this.options.disabledChannels ?? []) {
      this.options.bus.publish({ type: "channelStatus", channel: name, status: "disabled" });
    }
    try {
      this.secret = await this.options.secret?.();
      this.secretReady = true;
    } catch (error) {
      // Without its secret the hub can neither sign nor verify: stay silent rather than
      // announce unsigned or accept forgeries. The error says what to fix.
      this.options.bus.publish({
        type: "error",
        message: channelMessages.secretFailed(describe(error)),
      });
      return;
    }
    for (const slot of this.slots) void this.connect(slot);
  }

  setRepositories(
    repositoryIds: readonly string[],
    names: Readonly<Record<string, string>> = {},
  ): void {
    this.repositories = new Set(repositoryIds);
    for (const [id, name] of Object.entries(names)) this.names.set(id, name);
    for (const slot of this.slots) slot.channel.setRepositories(repositoryIds);
  }

  announce(info: AnnouncementInfo): void {
    if (this.stopped) return;
    if (info.repo !== undefined) this.names.set(info.repositoryId, info.repo);
    const announcement: Announcement = {
      v: 1,
      type: "pushed",
      repositoryId: info.repositoryId,
      host: this.options.host,
      instanceId: this.options.instanceId,
      head: info.head,
      time: this.options.clock.now(),
      ...(info.remoteUrl !== undefined && { remoteUrl: normalizeRemoteUrl(info.remoteUrl) }),
      ...(info.pullUrl !== undefined && { pullUrl: stripPassword(info.pullUrl) }),
    };
    for (const slot of this.slots) {
      this.enqueue(slot, announcement);
      void this.flush(slot);
    }
  }

  onAnnouncement(listener: (announcement: ReceivedAnnouncement) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  tellHumans(text: string): void {
    for (const slot of this.slots) {
      if (slot.state !== "connected" || !slot.channel.tellHumans) continue;
      slot.channel.tellHumans(text).catch((error: unknown) => {
        this.warn(
          `tell:${slot.channel.name}`,
          channelMessages.tellHumansFailed(slot.channel.name, describe(error)),
        );
      });
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribeBus?.();
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.retryTimer) this.options.clock.clearTimeout(slot.retryTimer);
        slot.state = "stopped";
        try {
          await slot.channel.close();
        } catch {
          // Closing a dead connection may fail; there is nothing left to release.
        }
        this.options.bus.publish({
          type: "channelStatus",
          channel: slot.channel.name,
          status: "down",
          detail: channelMessages.stopped,
        });
      }),
    );
  }

  private nameOf(repositoryId: string): string {
    return this.names.get(repositoryId) ?? repositoryId;
  }

  /** Announcements waiting per channel (for status output and tests). */
  queued(channelName: string): number {
    return this.slots.find((slot) => slot.channel.name === channelName)?.outbox.size ?? 0;
  }

  private enqueue(slot: ChannelSlot, announcement: Announcement): void {
    // Re-inserting moves the repository to the back: the oldest repository is dropped first.
    slot.outbox.delete(announcement.repositoryId);
    slot.outbox.set(announcement.repositoryId, announcement);
    while (slot.outbox.size > this.queueLimit) {
      const oldest = slot.outbox.keys().next().value;
      if (oldest === undefined) break;
      slot.outbox.delete(oldest);
    }
  }

  private async connect(slot: ChannelSlot): Promise<void> {
    if (this.stopped || slot.state === "connecting" || slot.state === "connected") return;
    slot.state = "connecting";
    this.options.bus.publish({
      type: "channelStatus",
      channel: slot.channel.name,
      status: slot.failures === 0 ? "connecting" : "reconnecting",
    });
    try {
      await slot.channel.connect();
    } catch (error) {
      if (this.stopped) return;
      slot.failures += 1;
      this.scheduleRetry(slot, error);
      return;
    }
    if (this.stopped) {
      await slot.channel.close().catch(() => {});
      return;
    }
    slot.state = "connected";
    slot.failures = 0;
    slot.channel.setRepositories([...this.repositories]);
    this.options.bus.publish({
      type: "channelStatus",
      channel: slot.channel.name,
      status: "connected",
    });
    await this.flush(slot);
  }

  private scheduleRetry(slot: ChannelSlot, error: unknown): void {
    const exponent = Math.min(slot.failures - 1, 30);
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** exponent);
    // A refused login will not fix itself: wait the longest, and say "down", not "reconnecting".
    const auth = error instanceof ChannelError && error.failure === "auth";
    const base = auth ? this.backoff.maxMs : ceiling;
    // Equal jitter: machines that lost the server together do not all return in one instant.
    const retryInMs = Math.round(base / 2 + (this.random() * base) / 2);
    slot.state = "waiting";
    this.options.bus.publish({
      type: "channelStatus",
      channel: slot.channel.name,
      status: auth ? "down" : "reconnecting",
      detail: describe(error),
      retryInMs,
    });
    slot.retryTimer = this.options.clock.setTimeout(() => {
      slot.retryTimer = undefined;
      slot.state = "idle";
      void this.connect(slot);
    }, retryInMs);
  }

  private dropped(slot: ChannelSlot, reason: string): void {
    if (this.stopped || slot.state !== "connected") return;
    slot.failures = 1;
    void slot.channel.close().catch(() => {});
    this.scheduleRetry(slot, new Error(reason));
  }

  private async flush(slot: ChannelSlot): Promise<void> {
    if (slot.flushing || slot.state !== "connected" || !this.secretReady) return;
    slot.flushing = true;
    try {
      while (slot.state === "connected" && slot.outbox.size > 0) {
        const [repositoryId, announcement] = slot.outbox.entries().next().value as [
          string,
          Announcement,
        ];
        slot.outbox.delete(repositoryId);
        let sent: { recipients: number } | void;
        try {
          sent = await slot.channel.send(
            repositoryId,
            encodeAnnouncement(announcement, this.secret),
          );
        } catch (error) {
          // Keep it unless a newer head for the repository arrived meanwhile.
          if (!slot.outbox.has(repositoryId)) this.enqueue(slot, announcement);
          this.dropped(slot, describe(error));
          return;
        }
        this.options.bus.publish({
          type: "announcementSent",
          repo: this.nameOf(repositoryId),
          channel: slot.channel.name,
          head: announcement.head,
          ...(sent ? { recipients: sent.recipients } : {}),
        });
      }
    } finally {
      slot.flushing = false;
    }
  }

  private received(slot: ChannelSlot, payload: string, from: string, trusted: boolean): void {
    if (this.stopped) return;
    const channel = slot.channel.name;
    if (!trusted) {
      this.warn(
        `foreign:${channel}:${from}`,
        channelMessages.foreignSender(channel, from),
        channelMessages.foreignSenderHint,
      );
      return;
    }
    const decoded = decodeAnnouncement(payload, this.secret);
    if (!decoded.ok) {
      const signature = decoded.reason === "unsigned" || decoded.reason === "badSignature";
      this.warn(
        `${decoded.reason}:${channel}:${from}`,
        signature
          ? channelMessages.rejectedSignature(channel, from, decoded.detail)
          : channelMessages.malformed(channel, from, decoded.detail),
        signature ? channelMessages.rejectedSignatureHint : undefined,
      );
      return;
    }
    const announcement = decoded.announcement;
    if (announcement.instanceId === this.options.instanceId) return;
    if (!this.repositories.has(announcement.repositoryId)) return;
    const key = `${announcement.instanceId}\u0000${announcement.repositoryId}\u0000${announcement.head}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.seen.size > seenLimit) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.options.bus.publish({
      type: "announcementReceived",
      repo: this.nameOf(announcement.repositoryId),
      channel,
      fromHost: announcement.host,
      head: announcement.head,
    });
    // Delivered at once, every distinct push: the engine folds a storm into the pull that runs
    // and one queued behind it. A time window here held the next hop of a busy fleet back by
    // up to its length (measured: ~300 ms of a 2.7 s convergence) and saved no pull.
    this.deliver({
      repositoryId: announcement.repositoryId,
      channel,
      fromHost: announcement.host,
      instanceId: announcement.instanceId,
      head: announcement.head,
      ...(announcement.remoteUrl !== undefined && { remoteUrl: announcement.remoteUrl }),
      ...(announcement.pullUrl !== undefined && { pullUrl: announcement.pullUrl }),
    });
  }

  private deliver(received: ReceivedAnnouncement): void {
    for (const listener of this.listeners) {
      try {
        listener(received);
      } catch (error) {
        this.warn(`listener:${describe(error)}`, channelMessages.listenerFailed(describe(error)));
      }
    }
  }

  /** One log line per kind of problem and sender per minute: a flood cannot drown the log. */
  private warn(key: string, message: string, hint?: string): void {
    const now = this.options.clock.now();
    const last = this.lastWarning.get(key);
    if (last !== undefined && now - last < warningRepeatMs) return;
    if (this.lastWarning.size > seenLimit) this.lastWarning.clear();
    this.lastWarning.set(key, now);
    this.options.bus.publish({ type: "warning", message, ...(hint !== undefined && { hint }) });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
