/**
 * One transport (XMPP, MQTT) as the hub sees it. A channel only moves opaque payloads; the hub
 * owns everything that is policy: encoding and signatures, queueing while down, reconnect
 * backoff, dedupe, echo suppression and status events. That keeps each transport small and
 * lets the hub's rules be tested without a server.
 */
export interface Channel {
  /** "xmpp" or "mqtt"; appears in events and log lines. */
  readonly name: string;
  /**
   * One connection attempt. Resolves once the channel can send and receive; rejects with a
   * `ChannelError` that says which step failed. The hub retries with backoff.
   */
  connect(): Promise<void>;
  /**
   * Sends one payload; rejects when the connection is gone (the hub queues and retries).
   * Resolves with the number of recipients when the transport knows it (XMPP sends to each
   * sibling resource; an MQTT broker does not say who is subscribed).
   */
  send(repositoryId: string, payload: string): Promise<{ recipients: number } | void>;
  /** The repositories whose announcements this process wants (MQTT subscribes per id). */
  setRepositories(repositoryIds: readonly string[]): void;
  /** A short human-readable line for the channel's `alsoNotify` recipients, if it has any. */
  tellHumans?(text: string): Promise<void>;
  /** Closes the connection; no `disconnected` callback follows a close. */
  close(): Promise<void>;
  /** Wires the hub in; called once before the first `connect`. */
  attach(sink: ChannelSink): void;
}

export interface ChannelSink {
  /** A payload arrived. `trusted` is false when the sender may not trigger pulls. */
  received(payload: string, from: string, trusted: boolean): void;
  /** An established connection dropped; the hub schedules a reconnect. */
  disconnected(reason: string): void;
}

/** Why a connection attempt failed, so a login problem names the step that broke. */
export type ChannelFailure = "config" | "dns" | "tcp" | "tls" | "auth" | "protocol";

export class ChannelError extends Error {
  constructor(
    readonly failure: ChannelFailure,
    message: string,
  ) {
    super(message);
    this.name = "ChannelError";
  }
}

/** Maps Node socket error codes to the step that failed; undefined when the code says nothing. */
export function failureOfSocketError(error: unknown): ChannelFailure | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  if (
    code === "ENOTFOUND" ||
    code === "EAI_AGAIN" ||
    code === "EAI_FAIL" ||
    code === "EAI_NONAME"
  ) {
    return "dns";
  }
  if (
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "ETIMEDOUT",
      "EHOSTUNREACH",
      "ENETUNREACH",
      "EPIPE",
      "ECONNABORTED",
    ].includes(code)
  ) {
    return "tcp";
  }
  if (
    code.startsWith("ERR_TLS") ||
    code.startsWith("ERR_SSL") ||
    code.includes("CERT") ||
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT"
  ) {
    return "tls";
  }
  return undefined;
}
