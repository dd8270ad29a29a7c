import type { LogEntry } from "../recipes/log-parsers/index.js";

export type RevisionLookup =
  | { found: LogEntry; problem?: undefined }
  | { found?: undefined; problem: "unknown" | "ambiguous"; candidates?: LogEntry[] }
  | { found?: undefined; problem: "before-history"; first: LogEntry | undefined };

/**
 * A revision as the user typed it: the full id, the short id `history` prints (git/hg: the
 * first 12 hex digits; brz: the revno), or an unambiguous hex prefix of at least 4 digits.
 */
export function findRevisionById(entries: readonly LogEntry[], text: string): RevisionLookup {
  const exact = entries.find((entry) => entry.id === text || entry.shortId === text);
  if (exact) return { found: exact };
  if (!/^[0-9a-f]{4,}$/i.test(text)) return { problem: "unknown" };
  const lower = text.toLowerCase();
  const matches = entries.filter((entry) => entry.id.toLowerCase().startsWith(lower));
  if (matches.length === 1 && matches[0]) return { found: matches[0] };
  return matches.length > 1
    ? { problem: "ambiguous", candidates: matches }
    : { problem: "unknown" };
}

/**
 * The change with the latest time at or before `timeMs`. By time, not by log position: a
 * machine whose clock ran ahead may have committed "in the future" of a later commit.
 * Among changes of the same second the log's (newest-first) order decides.
 */
export function findRevisionAt(entries: readonly LogEntry[], timeMs: number): RevisionLookup {
  let found: LogEntry | undefined;
  for (const entry of entries)
    if (entry.timeMs <= timeMs && (found === undefined || entry.timeMs > found.timeMs))
      found = entry;
  if (found) return { found };
  let first: LogEntry | undefined;
  for (const entry of entries)
    if (first === undefined || entry.timeMs < first.timeMs) first = entry;
  return { problem: "before-history", first };
}
