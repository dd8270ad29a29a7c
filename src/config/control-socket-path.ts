import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { CONFIG_DEFAULTS } from "./config-defaults.js";
import { expandPath } from "./expand-path.js";

export interface SocketPlace {
  /** Absolute path of the config file; undefined for an embedded config. */
  file?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The socket a daemon listens on when the config names none: one per config file (its path
 * hashed), in $XDG_RUNTIME_DIR, else beside the pidfile.
 */
export function defaultControlSocket(place: SocketPlace, pidfile: string): string {
  const identity = place.file ?? `embedded:${place.cwd}`;
  const hash = createHash("sha256").update(identity).digest("hex").slice(0, 12);
  const dir = place.env.XDG_RUNTIME_DIR || dirname(pidfile);
  return join(dir, `autosync-${hash}.sock`);
}

/**
 * The socket of a config that may not validate (`autosync reload` of a broken file must still
 * reach the daemon, which then refuses it): its `controlSocket` and `pidfile` strings as
 * resolve-config.ts reads them, else the defaults.
 */
export function controlSocketOfValue(value: unknown, place: SocketPlace): string {
  const record =
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const baseDir = place.file ? dirname(place.file) : place.cwd;
  const path = (text: string) => expandPath(text, { env: place.env, baseDir }).path;
  if (typeof record.controlSocket === "string" && record.controlSocket)
    return path(record.controlSocket);
  const pidfile = path(
    typeof record.pidfile === "string" && record.pidfile ? record.pidfile : CONFIG_DEFAULTS.pidfile,
  );
  return defaultControlSocket(place, pidfile);
}
