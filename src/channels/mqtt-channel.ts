import { readFile } from "node:fs/promises";
import { createConnection } from "node:net";
import mqtt, { MqttClient, type IClientOptions } from "mqtt";
import type { ResolvedChannels } from "../config/resolved-config.js";
import { channelMessages } from "../messages/channel-messages.js";
import { type Channel, ChannelError, type ChannelSink, failureOfSocketError } from "./channel.js";

type MqttConfig = NonNullable<ResolvedChannels["mqtt"]>;

export interface MqttChannelOptions {
  instanceId: string;
  /** Resolves the configured password (config/secret.ts); called on each connect. */
  password?: () => Promise<string>;
  connectTimeoutMs?: number;
}

/** Broker refusals (CONNACK return codes of MQTT 3.1.1 and reason codes of 5) that mean "login". */
const authCodes = new Set([4, 5, 134, 135]);

/**
 * MQTT: one topic per repository (`<prefix>/<id>`), QoS 1 so the broker acknowledges each
 * announcement, not retained (a stale head replayed to every new subscriber would only cause
 * needless pulls). mqtt.js' own reconnect is off: the hub owns backoff and the queue, so the
 * library never replays a stale backlog behind the hub's back.
 */
export class MqttChannel implements Channel {
  readonly name = "mqtt";
  private client: MqttClient | undefined;
  private sink: ChannelSink | undefined;
  private subscribed = new Set<string>();
  private wanted = new Set<string>();

  constructor(
    private readonly config: MqttConfig,
    private readonly options: MqttChannelOptions,
  ) {}

  attach(sink: ChannelSink): void {
    this.sink = sink;
  }

  topicOf(repositoryId: string): string {
    // `+`, `#` and `/` would change the topic's meaning; an id with them is escaped, not split.
    return `${this.config.topicPrefix}/${encodeURIComponent(repositoryId)}`;
  }

  async connect(): Promise<void> {
    const url = this.config.url;
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const clientOptions: IClientOptions = {
      clientId: `autosync-${this.options.instanceId}`.slice(0, 64),
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      clean: true,
      keepalive: 30,
      protocolVersion: 4,
      // By default mqtt-packet pre-builds a Buffer for each of the 65,536 message ids on the first
      // packet: 6.8 MB of heap (65,673 Buffers in a heap snapshot) for a daemon that publishes a
      // few announcements a minute. Without the cache a 2-byte id is built per packet instead.
      writeCache: false,
    };
    if (this.config.username !== undefined) clientOptions.username = this.config.username;
    if (this.options.password) clientOptions.password = await this.options.password();
    if (this.config.caFile !== undefined) {
      try {
        // Node's `ca` replaces the built-in CAs: keep them, so the file adds one, as documented.
        // node:tls only here: a plain mqtt:// daemon never needs it (+2.5 MB RSS when loaded).
        const { rootCertificates } = await import("node:tls");
        clientOptions.ca = [
          ...rootCertificates.map((pem) => Buffer.from(pem)),
          await readFile(this.config.caFile),
        ];
      } catch (error) {
        throw new ChannelError(
          "config",
          channelMessages.mqtt.caFile(this.config.caFile, (error as Error).message),
        );
      }
    }
    const tcp = plainTcpBroker(url);
    const client = tcp ? connectPlainTcp(tcp, clientOptions) : mqtt.connect(url, clientOptions);
    await new Promise<void>((resolve, reject) => {
      let failure: ChannelError | undefined;
      const onError = (error: Error) => {
        failure ??= classify(url, error, timeoutMs);
      };
      const onClose = () => {
        cleanup();
        client.end(true);
        reject(failure ?? new ChannelError("tcp", channelMessages.mqtt.timeout(url, timeoutMs)));
      };
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        client.removeListener("error", onError);
        client.removeListener("close", onClose);
        client.removeListener("connect", onConnect);
      };
      client.on("error", onError);
      client.on("close", onClose);
      client.on("connect", onConnect);
    });
    this.client = client;
    this.subscribed = new Set();
    client.on("message", (topic, payload) => {
      // MQTT carries no sender identity: the broker's login and the HMAC are the trust.
      this.sink?.received(payload.toString("utf8"), `${url} ${topic}`, true);
    });
    client.on("error", () => {
      // Reported through "close" below; an unhandled "error" would crash the process.
    });
    client.on("close", () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end(true);
      this.sink?.disconnected(channelMessages.notConnected(this.name));
    });
    await this.syncSubscriptions();
  }

  setRepositories(repositoryIds: readonly string[]): void {
    this.wanted = new Set(repositoryIds.map((id) => this.topicOf(id)));
    void this.syncSubscriptions().catch(() => {
      // A failed subscribe means a dead connection; the close handler reconnects.
    });
  }

  async send(repositoryId: string, payload: string): Promise<void> {
    const client = this.client;
    if (!client?.connected) throw new Error(channelMessages.notConnected(this.name));
    await client.publishAsync(this.topicOf(repositoryId), payload, { qos: 1, retain: false });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync(true);
  }

  private async syncSubscriptions(): Promise<void> {
    const client = this.client;
    if (!client?.connected) return;
    const add = [...this.wanted].filter((topic) => !this.subscribed.has(topic));
    const remove = [...this.subscribed].filter((topic) => !this.wanted.has(topic));
    for (const topic of add) this.subscribed.add(topic);
    for (const topic of remove) this.subscribed.delete(topic);
    if (add.length > 0) await client.subscribeAsync(add, { qos: 1 });
    if (remove.length > 0) await client.unsubscribeAsync(remove);
  }
}

function classify(url: string, error: Error, timeoutMs: number): ChannelError {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "number" && authCodes.has(code)) {
    return new ChannelError("auth", channelMessages.mqtt.auth(url, error.message));
  }
  // mqtt.js reports a broker that accepts TCP but never answers CONNECT this way.
  if (/connack timeout/i.test(error.message)) {
    return new ChannelError("tcp", channelMessages.mqtt.timeout(url, timeoutMs));
  }
  const failure = failureOfSocketError(error);
  if (failure === "dns")
    return new ChannelError("dns", channelMessages.mqtt.dns(url, error.message));
  if (failure === "tcp") {
    return (error as { code?: unknown }).code === "ETIMEDOUT"
      ? new ChannelError("tcp", channelMessages.mqtt.timeout(url, timeoutMs))
      : new ChannelError("tcp", channelMessages.mqtt.tcp(url, error.message));
  }
  if (failure === "tls")
    return new ChannelError("tls", channelMessages.mqtt.tls(url, error.message));
  return new ChannelError("protocol", channelMessages.mqtt.protocol(url, error.message));
}

/**
 * The broker of a plain `mqtt://host[:port]` URL, with no credentials or query in it and no
 * SOCKS proxy in the environment; otherwise undefined, and mqtt.connect handles the URL.
 */
export function plainTcpBroker(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
): { host: string; port: number } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "mqtt:" || parsed.username || parsed.password || parsed.search)
    return undefined;
  if (env.MQTTJS_SOCKS_PROXY) return undefined;
  // URL keeps an IPv6 literal's brackets; net.createConnection wants the bare address.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost";
  return { host, port: parsed.port ? Number(parsed.port) : 1883 };
}

/**
 * mqtt.connect loads every transport it knows (TLS, WebSocket, SOCKS) on its first call: 5–7 MB
 * of RSS in a daemon that talks plain TCP to its broker. This is mqtt's own TCP stream builder
 * (lib/connect/tcp.js) and the client mqtt.connect would build, without the others.
 */
function connectPlainTcp(
  broker: { host: string; port: number },
  options: IClientOptions,
): MqttClient {
  const client = new MqttClient(() => createConnection({ host: broker.host, port: broker.port }), {
    ...options,
    protocol: "mqtt",
    host: broker.host,
    hostname: broker.host,
    port: broker.port,
  });
  // As mqtt.connect does: "error" is reported through "close"; unheard it would crash.
  client.on("error", () => {});
  return client;
}
