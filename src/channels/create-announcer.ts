import type { Announcer } from "./announcer.js";
import type { ResolvedChannels } from "../config/resolved-config.js";
import { resolveSecret } from "../config/secret.js";
import type { EventBus } from "../events/event-bus.js";
import { type Clock, systemClock } from "../runtime/clock.js";
import type { Channel } from "./channel.js";
import { ChannelHub, type ChannelHubOptions } from "./channel-hub.js";
import { LazyChannel } from "./lazy-channel.js";

export interface AnnouncerOptions {
  /** This machine's name (ResolvedConfig.host). */
  host: string;
  /** Unique per running daemon: tells its own echoes apart from another daemon's pushes. */
  instanceId: string;
  bus: EventBus;
  /** Where `{ env }` secrets are read and `{ command }` secrets run. */
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  backoff?: ChannelHubOptions["backoff"];
  queueLimit?: number;
  connectTimeoutMs?: number;
  /** XMPP server pings that detect a dead connection; default every 60 s, 20 s to answer. */
  xmppKeepalive?: { intervalMs: number; timeoutMs: number };
}

/**
 * The daemon's announcer: one hub over every configured channel (none configured is fine:
 * announcements then go nowhere and the pull interval does the work). Secrets are read at
 * each connect, never at construction, so building an announcer never runs a command; the
 * transport modules are imported at the first connect too, so an unconfigured channel costs
 * no memory.
 */
export function createAnnouncer(
  channels: ResolvedChannels,
  options: AnnouncerOptions,
): Announcer & { queued(channelName: string): number } {
  const built: Channel[] = [];
  const disabled: string[] = [];
  const { xmpp, mqtt } = channels;
  if (xmpp) {
    built.push(
      new LazyChannel("xmpp", async () => {
        const { XmppChannel } = await import("./xmpp-channel.js");
        return new XmppChannel(xmpp, {
          host: options.host,
          password: () => resolveSecret(xmpp.password, options.env),
          ...(options.xmppKeepalive !== undefined && { keepalive: options.xmppKeepalive }),
          ...(options.connectTimeoutMs !== undefined && {
            connectTimeoutMs: options.connectTimeoutMs,
          }),
        });
      }),
    );
  } else {
    disabled.push("xmpp");
  }
  if (mqtt) {
    const password = mqtt.password;
    built.push(
      new LazyChannel("mqtt", async () => {
        const { MqttChannel } = await import("./mqtt-channel.js");
        return new MqttChannel(mqtt, {
          instanceId: options.instanceId,
          ...(password !== undefined && { password: () => resolveSecret(password, options.env) }),
          ...(options.connectTimeoutMs !== undefined && {
            connectTimeoutMs: options.connectTimeoutMs,
          }),
        });
      }),
    );
  } else {
    disabled.push("mqtt");
  }
  const secret = channels.secret;
  return new ChannelHub(built, {
    host: options.host,
    instanceId: options.instanceId,
    bus: options.bus,
    clock: options.clock ?? systemClock,
    disabledChannels: disabled,
    ...(secret !== undefined && { secret: () => resolveSecret(secret, options.env) }),
    ...(options.backoff !== undefined && { backoff: options.backoff }),
    ...(options.queueLimit !== undefined && { queueLimit: options.queueLimit }),
  });
}
