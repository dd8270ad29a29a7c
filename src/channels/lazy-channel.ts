import type { Channel, ChannelSink } from "./channel.js";

/**
 * A channel whose transport module is imported on the first connect. The XMPP and MQTT clients
 * with their dependency trees cost megabytes of resident memory each; a daemon without that
 * channel configured never loads them, and one with it loads them when the hub first connects.
 *
 * What the hub hands over before the load (the sink, the wanted repositories) is kept and
 * passed on, in the hub's order, once the real channel exists.
 */
export class LazyChannel implements Channel {
  private loading: Promise<Channel> | undefined;
  private loaded: Channel | undefined;
  private sink: ChannelSink | undefined;
  private repositoryIds: readonly string[] | undefined;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<Channel>,
  ) {}

  attach(sink: ChannelSink): void {
    this.sink = sink;
  }

  setRepositories(repositoryIds: readonly string[]): void {
    this.repositoryIds = repositoryIds;
    this.loaded?.setRepositories(repositoryIds);
  }

  async connect(): Promise<void> {
    return (await this.channel()).connect();
  }

  async send(repositoryId: string, payload: string): Promise<{ recipients: number } | void> {
    return (await this.channel()).send(repositoryId, payload);
  }

  /** Only a transport that reaches people (XMPP's alsoNotify) does anything here. */
  async tellHumans(text: string): Promise<void> {
    await (await this.channel()).tellHumans?.(text);
  }

  async close(): Promise<void> {
    // Never loaded (or the load failed): nothing is open, and closing must not load it.
    const channel = await this.loading?.catch(() => undefined);
    await channel?.close();
  }

  private channel(): Promise<Channel> {
    this.loading ??= this.load().then(
      (channel) => {
        if (this.sink) channel.attach(this.sink);
        if (this.repositoryIds) channel.setRepositories(this.repositoryIds);
        this.loaded = channel;
        return channel;
      },
      (error: unknown) => {
        // Not cached: the hub's next attempt imports again.
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }
}
