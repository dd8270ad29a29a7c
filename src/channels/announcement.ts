import { createHmac, timingSafeEqual } from "node:crypto";
import { isSafePullUrl } from "../engine/pull-origin.js";

/**
 * The one message a channel carries: "repository X was pushed". Versioned so an older daemon
 * can tell a newer payload from garbage, signed (optionally) so a shared account or broker
 * cannot make machines pull on a stranger's word.
 */
export interface Announcement {
  v: 1;
  type: "pushed";
  repositoryId: string;
  /** Normalized remote URL: no user, no password, no trailing `.git` or slash. */
  remoteUrl?: string;
  host: string;
  instanceId: string;
  head: string;
  /** Sender's clock, ms since the epoch. */
  time: number;
  pullUrl?: string;
  /** Hex HMAC-SHA256 over `canonicalAnnouncement` with the shared secret. */
  sig?: string;
}

export type AnnouncementRejection =
  | "tooLarge"
  | "notJson"
  | "notObject"
  | "unknownVersion"
  | "unknownType"
  | "badField"
  | "unsigned"
  | "badSignature";

export type DecodedAnnouncement =
  | { ok: true; announcement: Announcement }
  | { ok: false; reason: AnnouncementRejection; detail: string };

/** Payloads are a few hundred bytes; anything far bigger is not ours and not worth parsing. */
export const maxAnnouncementBytes = 8192;

const requiredStrings = ["repositoryId", "host", "instanceId", "head"] as const;
const optionalStrings = ["remoteUrl", "pullUrl", "sig"] as const;
const knownKeys = new Set<string>(["v", "type", "time", ...requiredStrings, ...optionalStrings]);

/**
 * Strips what must not travel to a channel (user, password) and the spellings that differ
 * between clones of one remote (`.git`, trailing slash, host case). scp-like `git@host:path`
 * becomes `ssh://host/path` so both spellings of one remote compare equal. Local paths stay as
 * they are; a string that is no URL at all is returned trimmed.
 */
export function normalizeRemoteUrl(url: string): string {
  const trimmed = url.trim();
  const scpLike = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(trimmed);
  // A Windows drive letter ("C:\\x") looks scp-like; one letter is never a host we care about.
  if (scpLike && scpLike[1] && scpLike[1].length > 1 && scpLike[2] !== undefined) {
    const path = scpLike[2].replace(/^\/+/, "");
    return stripTail(`ssh://${scpLike[1].toLowerCase()}/${path}`);
  }
  if (!trimmed.includes("://")) return stripTail(trimmed);
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return stripTail(trimmed);
  }
  if (parsed.protocol === "file:") return stripTail(trimmed);
  parsed.username = "";
  parsed.password = "";
  parsed.search = "";
  parsed.hash = "";
  return stripTail(parsed.toString());
}

function stripTail(url: string): string {
  let result = url;
  for (;;) {
    const next = result.replace(/\/+$/, "").replace(/\.git$/, "");
    if (next === result || next === "") return result;
    result = next;
  }
}

/** Removes a password but keeps the user: an ssh pull URL needs its user, never a secret. */
export function stripPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * The bytes the signature covers: every field but `sig`, keys sorted, no whitespace. Sorting
 * makes sender and receiver agree regardless of how a JSON encoder orders keys.
 */
export function canonicalAnnouncement(announcement: Announcement): string {
  const entries = Object.entries(announcement)
    .filter(([key, value]) => key !== "sig" && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(entries));
}

export function signatureOf(announcement: Announcement, secret: string): string {
  return createHmac("sha256", secret).update(canonicalAnnouncement(announcement)).digest("hex");
}

export function encodeAnnouncement(announcement: Announcement, secret?: string): string {
  const { sig: _ignored, ...unsigned } = announcement;
  const body: Announcement =
    secret === undefined ? unsigned : { ...unsigned, sig: signatureOf(unsigned, secret) };
  return JSON.stringify(body);
}

/**
 * Parses and checks a received payload. Never throws: a stranger's bytes become a typed
 * rejection the hub logs once. With a secret, unsigned and badly signed payloads are rejected;
 * without one, a signature is ignored (the receiver cannot check it).
 */
export function decodeAnnouncement(text: string, secret?: string): DecodedAnnouncement {
  if (Buffer.byteLength(text, "utf8") > maxAnnouncementBytes) {
    return reject("tooLarge", `payload larger than ${maxAnnouncementBytes} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return reject("notJson", "payload is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return reject("notObject", "payload is not a JSON object");
  }
  const record = value as Record<string, unknown>;
  if (record.v !== 1) return reject("unknownVersion", `unsupported version ${String(record.v)}`);
  if (record.type !== "pushed") return reject("unknownType", `unknown type ${String(record.type)}`);
  for (const key of requiredStrings) {
    const field = record[key];
    if (typeof field !== "string" || field.length === 0 || field.length > 1024) {
      return reject("badField", `field '${key}' must be a non-empty string`);
    }
  }
  for (const key of optionalStrings) {
    const field = record[key];
    if (field !== undefined && (typeof field !== "string" || field.length > 2048)) {
      return reject("badField", `field '${key}' must be a string`);
    }
  }
  if (typeof record.time !== "number" || !Number.isFinite(record.time)) {
    return reject("badField", "field 'time' must be a number");
  }
  const unknown = Object.keys(record).find((key) => !knownKeys.has(key));
  if (unknown !== undefined) return reject("badField", `unknown field '${unknown}'`);

  const announcement = record as unknown as Announcement;
  if (secret !== undefined) {
    if (announcement.sig === undefined) return reject("unsigned", "announcement is not signed");
    const expected = Buffer.from(signatureOf(announcement, secret), "hex");
    const actual = Buffer.from(announcement.sig, "hex");
    // Compare equal lengths only: timingSafeEqual throws on a length mismatch.
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      return reject("badSignature", "signature does not match the shared secret");
    }
  }
  // A pull URL is run by git/hg/brz on the receiver: one that could be an option or a helper
  // transport is dropped here (the push itself is still worth a pull from the remote).
  if (announcement.pullUrl !== undefined && !isSafePullUrl(announcement.pullUrl)) {
    const { pullUrl: _unsafe, ...safe } = announcement;
    return { ok: true, announcement: safe };
  }
  return { ok: true, announcement };
}

function reject(reason: AnnouncementRejection, detail: string): DecodedAnnouncement {
  return { ok: false, reason, detail };
}
