import { randomBytes } from "node:crypto";
import type { Channel } from "../channels/channel.js";
import { ChannelError } from "../channels/channel.js";
import type { ResolvedChannels } from "../config/resolved-config.js";
import { resolveSecret, SecretError } from "../config/secret.js";
import { doctorMessages as messages } from "../messages/doctor-messages.js";
import { type CheckResult, ok } from "./check-result.js";

export interface ChannelCheckOptions {
  env: NodeJS.ProcessEnv;
  host: string;
  timeoutMs: number;
}

/**
 * One login, then a clean close. The doctor logs in under a name of its own (MQTT client id, XMPP
 * resource): the daemon's name would make the server kick the running daemon off.
 */
async function probe(
  subject: "mqtt" | "xmpp",
  target: string,
  build: () => Promise<Channel>,
): Promise<CheckResult> {
  let channel: Channel | undefined;
  try {
    channel = await build();
    channel.attach({ received: () => {}, disconnected: () => {} });
    await channel.connect();
    return ok(subject, subject, messages.channelConnected(subject, target));
  } catch (error) {
    if (error instanceof ChannelError) {
      return {
        subject,
        check: subject,
        status: "problem",
        failure: error.failure,
        ...messages.channelFailed(subject, error.failure, error.message),
      };
    }
    if (error instanceof SecretError) {
      return {
        subject,
        check: subject,
        status: "problem",
        failure: "config",
        ...messages.channelFailed(subject, "config", error.message),
      };
    }
    throw error;
  } finally {
    await channel?.close().catch(() => {});
  }
}

const doctorSuffix = () => `doctor-${randomBytes(3).toString("hex")}`;

/** MQTT: the broker accepts our login (mqtt-channel.ts); nothing is subscribed or published. */
export function checkMqtt(
  mqtt: NonNullable<ResolvedChannels["mqtt"]>,
  options: ChannelCheckOptions,
): Promise<CheckResult> {
  const password = mqtt.password;
  return probe("mqtt", mqtt.url, async () => {
    const { MqttChannel } = await import("../channels/mqtt-channel.js");
    return new MqttChannel(mqtt, {
      instanceId: `${options.host}-${doctorSuffix()}`,
      connectTimeoutMs: options.timeoutMs,
      ...(password !== undefined && { password: () => resolveSecret(password, options.env) }),
    });
  });
}

/**
 * XMPP: the server resolves, accepts TCP and TLS, and the login succeeds (xmpp-channel.ts names
 * the step that failed), under a resource of its own and without presence, so the daemons never
 * see the doctor as another machine.
 */
export function checkXmpp(
  xmpp: NonNullable<ResolvedChannels["xmpp"]>,
  options: ChannelCheckOptions,
): Promise<CheckResult> {
  return probe("xmpp", xmpp.service ?? xmpp.jid, async () => {
    const { XmppChannel } = await import("../channels/xmpp-channel.js");
    return new XmppChannel(
      { ...xmpp, resource: `${xmpp.resource}-${doctorSuffix()}` },
      {
        host: options.host,
        password: () => resolveSecret(xmpp.password, options.env),
        connectTimeoutMs: options.timeoutMs,
        withoutPresence: true,
      },
    );
  });
}
