import { readFile } from "node:fs/promises";
import { client, jid as parseJid, xml, type XmlElement, type XmppClient } from "@xmpp/client";
import type { ResolvedChannels } from "../config/resolved-config.js";
import { channelMessages } from "../messages/channel-messages.js";
import { type Channel, ChannelError, type ChannelSink, failureOfSocketError } from "./channel.js";
import { trustCertificateAuthority } from "./xmpp-tls-trust.js";

type XmppConfig = NonNullable<ResolvedChannels["xmpp"]>;

/** The payload element's namespace; human clients ignore elements they do not know. */
export const announceNamespace = "urn:autosync:announce:1";

export interface XmppChannelOptions {
  /** This machine's name, for the short body human clients may show. */
  host: string;
  /** Resolves the password (config/secret.ts); called on each connect. */
  password: () => Promise<string>;
  connectTimeoutMs?: number;
  /**
   * Ping the server this often (ms) and treat no answer within `timeoutMs` as a lost
   * connection: a NAT or a frozen server can leave a dead TCP connection looking open for
   * many minutes, and announcements sent into it vanish.
   */
  keepalive?: { intervalMs: number; timeoutMs: number };
  /**
   * Log in and ping, but send no presence: `autosync doctor` checks the login without showing
   * up as one more machine that the daemons would announce to.
   */
  withoutPresence?: boolean;
}

/**
 * XMPP, the seed's channel: every machine logs in to one account with its own resource.
 *
 * Delivery to the other machines goes to the FULL JID of each sibling resource seen in
 * presence. A message to the bare JID (the seed's "message to self") reaches only the
 * highest-priority resource on prosody, and none at all when every resource has a negative
 * priority (RFC 6121 §8.5.2.1.1), so it misses machines. The daemons announce priority -1 so a
 * human's chat client on the same account keeps receiving chat. Announcements are `headline`
 * messages (no carbons, no offline storage, no chat window) with the payload in their own
 * element and a short body for clients that show headlines anyway.
 */
export class XmppChannel implements Channel {
  readonly name = "xmpp";
  private xmpp: XmppClient | undefined;
  private sink: ChannelSink | undefined;
  private readonly siblings = new Set<string>();
  private ownFullJid = "";
  private readonly ownBare: string;
  private readonly domain: string;
  private readonly local: string;
  private readonly allowFrom: Set<string>;
  private keepaliveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: XmppConfig,
    private readonly options: XmppChannelOptions,
  ) {
    const at = config.jid.indexOf("@");
    this.local = at > 0 ? config.jid.slice(0, at) : "";
    this.domain =
      at > 0
        ? config.jid
            .slice(at + 1)
            .split("/")[0]!
            .toLowerCase()
        : "";
    this.ownBare = `${this.local.toLowerCase()}@${this.domain}`;
    this.allowFrom = new Set(config.allowFrom.map((entry) => entry.toLowerCase()));
  }

  attach(sink: ChannelSink): void {
    this.sink = sink;
  }

  /** Full JIDs of the other machines currently online (for status and tests). */
  get siblingResources(): string[] {
    return [...this.siblings];
  }

  async connect(): Promise<void> {
    if (!this.local || !this.domain) {
      throw new ChannelError("config", channelMessages.xmpp.badJid(this.config.jid));
    }
    const password = await this.options.password();
    const service = this.config.service ?? this.domain;
    const ca = await this.readCaFile();
    const timeoutMs = this.options.connectTimeoutMs ?? 15_000;
    const xmpp = client({
      service,
      domain: this.domain,
      username: this.local,
      password,
      resource: this.config.resource,
      timeout: timeoutMs,
    });
    if (ca) trustCertificateAuthority(xmpp, ca, this.domain);
    // The hub owns reconnects (backoff with jitter, queue flush); two reconnect loops would race.
    xmpp.reconnect.stop();
    let lastError: unknown;
    xmpp.on("error", (error: unknown) => {
      lastError ??= error;
    });
    xmpp.on("stanza", (stanza) => this.handle(stanza));

    let timer: NodeJS.Timeout | undefined;
    try {
      const address = await Promise.race([
        xmpp.start(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new ChannelError("tcp", channelMessages.xmpp.timeout(service, timeoutMs))),
            timeoutMs,
          );
        }),
      ]);
      this.ownFullJid = String(address);
    } catch (error) {
      // After our timeout the login may still complete in the background: close it then,
      // or an orphan session would sit among the siblings.
      xmpp.on("online", () => abandon(xmpp));
      abandon(xmpp);
      throw this.classify(service, lastError ?? error, error);
    } finally {
      clearTimeout(timer);
    }
    this.siblings.clear();
    try {
      // Negative priority: bare-JID chat keeps going to the human's client, never a daemon.
      if (!this.options.withoutPresence)
        await xmpp.send(xml("presence", {}, xml("priority", {}, "-1")));
      // The server answers our initial presence with the siblings' presence before it handles
      // the next stanza, so after this round-trip the siblings are known: a queued
      // announcement flushed right after connect reaches them instead of nobody.
      await this.ping(xmpp, timeoutMs);
    } catch (error) {
      abandon(xmpp);
      throw this.classify(service, error, error);
    }
    this.xmpp = xmpp;
    let streamError: string | undefined;
    xmpp.on("error", (error: unknown) => {
      const condition = (error as { condition?: unknown } | null)?.condition;
      // RFC 6120 4.9.3.3: another session bound the same full JID and the server kicked us.
      if (condition === "conflict") {
        streamError = channelMessages.xmpp.resourceConflict(
          `${this.ownBare}/${this.config.resource}`,
        );
      } else if (typeof condition === "string") {
        streamError = channelMessages.xmpp.protocol(service, describe(error));
      }
    });
    xmpp.on("offline", () => this.lost(xmpp, streamError));
    xmpp.on("disconnect", () => this.lost(xmpp, streamError));
    this.startKeepalive(xmpp);
  }

  /** Read at each connect, like the password: a renewed CA file is picked up on reconnect. */
  private async readCaFile(): Promise<Buffer | undefined> {
    const file = this.config.caFile;
    if (file === undefined) return undefined;
    try {
      return await readFile(file);
    } catch (error) {
      throw new ChannelError("config", channelMessages.xmpp.caFile(file, (error as Error).message));
    }
  }

  private ping(xmpp: XmppClient, timeoutMs: number): Promise<unknown> {
    return xmpp.iqCaller.request(
      xml("iq", { type: "get", to: this.domain }, xml("ping", { xmlns: "urn:xmpp:ping" })),
      timeoutMs,
    );
  }

  private startKeepalive(xmpp: XmppClient): void {
    const { intervalMs, timeoutMs } = this.options.keepalive ?? {
      intervalMs: 60_000,
      timeoutMs: 20_000,
    };
    clearInterval(this.keepaliveTimer);
    let inFlight = false;
    this.keepaliveTimer = setInterval(() => {
      if (inFlight || this.xmpp !== xmpp) return;
      inFlight = true;
      this.ping(xmpp, timeoutMs).then(
        () => (inFlight = false),
        (error: unknown) => {
          inFlight = false;
          // A server that answers with an error is alive; only silence means a dead link.
          if ((error as { name?: unknown } | null)?.name === "TimeoutError") this.lost(xmpp);
        },
      );
    }, intervalMs);
    this.keepaliveTimer.unref();
  }

  setRepositories(): void {
    // Every sibling gets every announcement; the hub filters by repository id.
  }

  async send(repositoryId: string, payload: string): Promise<{ recipients: number }> {
    const xmpp = this.xmpp;
    if (!xmpp) throw new Error(channelMessages.notConnected(this.name));
    // allowFrom entries with a resource are other accounts' daemons we can address directly.
    const targets = [
      ...this.siblings,
      ...this.config.allowFrom.filter((entry) => entry.includes("/")),
    ];
    // Nobody to tell: the others pull when they come online (startup and reconnect pulls).
    if (targets.length === 0) return { recipients: 0 };
    await xmpp.sendMany(
      targets.map((to) =>
        xml(
          "message",
          { to, type: "headline" },
          xml("body", {}, channelMessages.headlineBody(repositoryId, this.options.host)),
          xml("announce", { xmlns: announceNamespace }, payload),
          xml("no-store", { xmlns: "urn:xmpp:hints" }),
          xml("no-copy", { xmlns: "urn:xmpp:hints" }),
        ),
      ),
    );
    return { recipients: targets.length };
  }

  async tellHumans(text: string): Promise<void> {
    const xmpp = this.xmpp;
    if (!xmpp || this.config.alsoNotify.length === 0) return;
    await xmpp.sendMany(
      this.config.alsoNotify.map((to) =>
        xml("message", { to, type: "chat" }, xml("body", {}, text)),
      ),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.keepaliveTimer);
    const xmpp = this.xmpp;
    this.xmpp = undefined;
    this.siblings.clear();
    if (!xmpp) return;
    try {
      await xmpp.stop();
    } catch {
      // The socket may already be gone; stop() then has nothing left to close.
    } finally {
      xmpp.socket?.destroy();
    }
  }

  private lost(xmpp: XmppClient, reason?: string): void {
    if (this.xmpp !== xmpp) return;
    clearInterval(this.keepaliveTimer);
    this.xmpp = undefined;
    this.siblings.clear();
    abandon(xmpp);
    this.sink?.disconnected(reason ?? channelMessages.notConnected(this.name));
  }

  private handle(stanza: XmlElement): void {
    const from = stanza.attrs.from;
    if (!from) return;
    if (stanza.is("presence")) {
      if (bareOf(from) !== this.ownBare || from === this.ownFullJid) return;
      if (stanza.attrs.type === "unavailable") this.siblings.delete(from);
      else if (stanza.attrs.type === undefined) this.siblings.add(from);
      return;
    }
    if (!stanza.is("message") || stanza.attrs.type === "error") return;
    const element = stanza.getChild("announce", announceNamespace);
    // Plain chat (a human writing to the account) is not ours to judge.
    if (!element) return;
    this.sink?.received(element.text(), from, this.trusts(from));
  }

  private trusts(from: string): boolean {
    const bare = bareOf(from);
    return (
      bare === this.ownBare || this.allowFrom.has(bare) || this.allowFrom.has(from.toLowerCase())
    );
  }

  private classify(service: string, error: unknown, outer: unknown): ChannelError {
    if (outer instanceof ChannelError) return outer;
    const detail = describe(error);
    const name = (error as { name?: unknown } | null)?.name;
    const condition = (error as { condition?: unknown } | null)?.condition;
    if (name === "SASLError") {
      const text = typeof condition === "string" ? condition : detail;
      return new ChannelError("auth", channelMessages.xmpp.auth(this.config.jid, text));
    }
    const failure = failureOfSocketError(error);
    if (failure === "dns")
      return new ChannelError("dns", channelMessages.xmpp.dns(service, detail));
    if (failure === "tcp")
      return new ChannelError("tcp", channelMessages.xmpp.tcp(service, detail));
    if (failure === "tls")
      return new ChannelError("tls", channelMessages.xmpp.tls(service, detail));
    if (name === "TimeoutError") {
      return new ChannelError(
        "tcp",
        channelMessages.xmpp.timeout(service, this.options.connectTimeoutMs ?? 15_000),
      );
    }
    return new ChannelError("protocol", channelMessages.xmpp.protocol(service, detail));
  }
}

/**
 * Drops a failed or dead connection at once. A graceful stop() waits for a server that may
 * never answer (a frozen server, a silent port) and then leaves the socket half-open: one
 * leaked socket per reconnect attempt.
 */
function abandon(xmpp: XmppClient): void {
  xmpp.socket?.destroy();
  void xmpp.stop().catch(() => {});
}

function bareOf(full: string): string {
  try {
    return parseJid(full).bare().toString().toLowerCase();
  } catch {
    return full.split("/")[0]!.toLowerCase();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const condition = (error as { condition?: unknown }).condition;
    return typeof condition === "string" && !error.message.includes(condition)
      ? `${condition}: ${error.message}`
      : error.message || error.name;
  }
  return String(error);
}
