import type { NoticeKind } from "../engine/pipeline.js";

/** What a push tells the other machines. Channels add host, instance id, time and signature. */
export interface AnnouncementInfo {
  /** Stable id of the repository shared by all clones (root commit or configured). */
  repositoryId: string;
  /** Remote URL, credentials stripped. */
  remoteUrl?: string;
  head: string;
  /** This machine's own pull URL for the repository (LAN pulls), when configured. */
  pullUrl?: string;
  /** The repository's display name, for the `repo` of bus events (else the id is shown). */
  repo?: string;
}

export interface ReceivedAnnouncement {
  repositoryId: string;
  channel: string;
  fromHost: string;
  instanceId: string;
  head: string;
  remoteUrl?: string;
  pullUrl?: string;
}

/**
 * All channels behind one face for the daemon: announce after a push, hear other machines'
 * pushes. Deduplicates across channels, drops its own echoes, queues (bounded) while a channel is
 * down and reports channel status on the bus. Never throws into the engine.
 */
export interface Announcer {
  start(): Promise<void>;
  /**
   * The repository ids this process serves (MQTT subscribes per id; receivers filter).
   * `names` maps an id to its display name, used as `repo` in bus events.
   */
  setRepositories(repositoryIds: readonly string[], names?: Readonly<Record<string, string>>): void;
  announce(info: AnnouncementInfo): void;
  onAnnouncement(listener: (announcement: ReceivedAnnouncement) => void): () => void;
  /** A short human-readable line for `alsoNotify` recipients (after pushes, on conflicts). */
  tellHumans(text: string): void;
  stop(): Promise<void>;
}

/** Desktop popups (node-notifier), coalesced per kind. */
export interface Notifier {
  notify(kind: NoticeKind, title: string, body: string): void;
  stop(): void;
}
