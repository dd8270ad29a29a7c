import type { EngineConfig } from "../engine/engine-config.js";
import type { NoticeKind } from "../engine/pipeline.js";
import type { Recipe } from "../recipes/recipe.js";
import type { Diagnostic } from "./diagnostic.js";

/**
 * The config after validation and resolution: defaults merged into each repository, durations in
 * ms, paths absolute with `~` and `$VARS` expanded. Nothing downstream re-parses a string.
 * Built by config/resolve-config.ts; read by the runtime, channels, notify and the UI.
 */
export interface ResolvedConfig {
  /** The file it came from; undefined for an embedded config (the demo). */
  file: string | undefined;
  /** This machine's name: `host` key, else AUTOSYNC_HOST, else the OS host name. */
  host: string;
  repositories: ResolvedRepository[];
  channels: ResolvedChannels;
  notify: ResolvedNotify;
  /** Absolute path of the pidfile. */
  pidfile: string;
  /** Absolute path of the control socket (`autosync status`, `sync`, `pause`…). */
  controlSocket: string;
  /** Non-fatal findings (inline secrets in a readable file, unset env vars…). */
  warnings: Diagnostic[];
}

export interface ResolvedRepository {
  /** Display name, unique within the config (defaults to the root's base name). */
  name: string;
  /** Absolute path of the watch root. */
  path: string;
  /** The recipe with the config's command overrides applied. */
  recipe: Recipe;
  /** Timers, pipeline (recipe's unless the config overrides it), guards; `host` filled in. */
  engine: EngineConfig;
  ignore: {
    /** Ignore files in gitignore syntax, relative to the root (the recipe adds its own). */
    files: string[];
    /** Extra patterns in gitignore syntax. */
    patterns: string[];
  };
  watcher: {
    /** "native" = @parcel/watcher (one watch per directory), "chokidar" = one per file. */
    backend: "native" | "chokidar";
    /** Periodic full status when watching is impossible (watch limit hit); ms. */
    rescanIntervalMs: number;
  };
  /** Overrides the derived repository id used in announcements. */
  repositoryId?: string;
  /** This machine's own pull URL for this repository, announced to peers (LAN pulls). */
  pullUrl?: string;
}

/** A secret is never required inline; resolve it when needed with config/secret.ts. */
export type SecretRef = { env: string } | { command: string } | { value: string };

export interface ResolvedChannels {
  xmpp?: {
    jid: string;
    password: SecretRef;
    /** Resource for this machine; defaults to `autosync-<host>`. */
    resource: string;
    /** Direct server address (`xmpp://host:port` or `xmpps://host:port`), skipping DNS SRV. */
    service?: string;
    /** CA file to trust for the server's certificate (a private CA or a self-signed server). */
    caFile?: string;
    /** JIDs that get a short human-readable line after pushes and on conflicts. */
    alsoNotify: string[];
    /** JIDs besides the account's own whose announcements may trigger a pull. */
    allowFrom: string[];
  };
  mqtt?: {
    url: string;
    username?: string;
    password?: SecretRef;
    topicPrefix: string;
    /** CA file for mqtts:// with a private CA. */
    caFile?: string;
  };
  /** Shared secret that signs announcements (HMAC); receivers with one drop unsigned ones. */
  secret?: SecretRef;
  peers: {
    /** Fetch from the announcing machine's pullUrl first, then the central remote. */
    pullFromOrigin: boolean;
  };
}

export interface ResolvedNotify {
  desktop: {
    enabled: boolean;
    kinds: Record<NoticeKind, boolean>;
    /** At most one popup per kind per window; ms. */
    coalesceMs: number;
  };
}
