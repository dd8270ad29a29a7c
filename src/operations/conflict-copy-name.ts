import { createHash } from "node:crypto";
import { posix } from "node:path";

/**
 * Name of the copy that keeps the local side of a conflict:
 * `notes.md` → `notes (conflict laptop 2026-11-25 134501 3fa2c1).md`.
 *
 * - The time is UTC, so every machine computes the same name for the same moment.
 * - The 6 hex digits are the start of the SHA-256 of the copy's content. They are always
 *   there: cloned VMs and containers often share a host name, and two machines with one name
 *   resolving in the same second must never produce one name for different contents (one
 *   would overwrite the other in the merge). Identical contents give identical names, which
 *   is harmless: the bytes are the same.
 * - Only the last extension moves behind the marker (Syncthing's rule): `a.tar.gz` →
 *   `a.tar (conflict …).gz`, so the copy still opens with the same program; a leading dot is
 *   not an extension (`.bashrc` → `.bashrc (conflict …)`).
 * - The name stays within 255 bytes by shortening the stem.
 */
export function conflictCopyName(
  path: string,
  host: string,
  nowMs: number,
  content: Uint8Array,
  attempt = 1,
): string {
  const dir = posix.dirname(path);
  const base = posix.basename(path);
  const dot = base.lastIndexOf(".");
  const hasExt = dot > 0 && dot < base.length - 1;
  const stem = hasExt ? base.slice(0, dot) : base;
  const ext = hasExt ? base.slice(dot) : "";
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 6);
  const counter = attempt > 1 ? ` ${attempt}` : "";
  const marker = ` (conflict ${safeHost(host)} ${formatUtc(nowMs)} ${hash}${counter})`;
  const room = 255 - Buffer.byteLength(marker + ext);
  const name = shortenToBytes(stem, room) + marker + ext;
  return dir === "." ? name : `${dir}/${name}`;
}

const COPY_PATTERN =
  / \(conflict .* \d{4}-\d{2}-\d{2} \d{6}(?: [0-9a-f]{6})?(?: \d+)?\)(?:\.[^.]*)?$/;

/** Whether a path is a conflict copy; a copy is never conflicted again (Syncthing's rule). */
export function isConflictCopy(path: string): boolean {
  return COPY_PATTERN.test(posix.basename(path));
}

const COPY_PARTS =
  /^(.*) \(conflict (.*) (\d{4}-\d{2}-\d{2}) (\d{2})(\d{2})(\d{2})(?: ([0-9a-f]{6}))?(?: \d+)?\)((?:\.[^.]*)?)$/;

/** What a conflict copy's name says: the path it belongs to, the machine and the moment. */
export interface ConflictCopyParts {
  /** The conflicted path (the copy's name without the marker). */
  path: string;
  host: string;
  /** When the copy was made (UTC, second precision). */
  timeMs: number;
}

export function parseConflictCopyName(path: string): ConflictCopyParts | undefined {
  const base = posix.basename(path);
  const match = COPY_PARTS.exec(base);
  if (!match || !isConflictCopy(path)) return undefined;
  const [, stem, host, day, hh, mm, ss, , ext] = match as unknown as string[];
  const dir = posix.dirname(path);
  const name = `${stem}${ext}`;
  return {
    path: dir === "." ? name : `${dir}/${name}`,
    host: host as string,
    timeMs: Date.parse(`${day}T${hh}:${mm}:${ss}Z`),
  };
}

function safeHost(host: string): string {
  // A host name ends up inside a file name: no separators, no control characters.
  // eslint-disable-next-line no-control-regex
  const cleaned = host.replace(/[/\\\u0000-\u001f\u007f]/g, "-").trim();
  return cleaned === "" ? "unknown" : cleaned;
}

function formatUtc(nowMs: number): string {
  const iso = new Date(nowMs).toISOString(); // 2026-11-25T13:45:01.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

function shortenToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let result = "";
  for (const char of text) {
    if (Buffer.byteLength(result + char) > Math.max(maxBytes, 1)) break;
    result += char;
  }
  return result;
}
