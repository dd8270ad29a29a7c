import { commitHost } from "../conflicts/commit-host.js";
import type { LogEntry, LogFile } from "../recipes/log-parsers/index.js";

/** One change as `history --json` prints it (docs/history.md documents every field). */
export interface HistoryChange {
  repo: string;
  id: string;
  shortId: string;
  /** ISO 8601, UTC. */
  time: string;
  /** The machine autosync committed on; null for a commit made by hand. */
  host: string | null;
  author: string;
  merge: boolean;
  files: LogFile[];
  message: string;
}

export function toHistoryChange(repo: string, entry: LogEntry, files = entry.files): HistoryChange {
  return {
    repo,
    id: entry.id,
    shortId: entry.shortId,
    time: new Date(entry.timeMs).toISOString(),
    host: commitHost(entry.message) ?? null,
    author: entry.author,
    merge: entry.parents.length > 1,
    files,
    message: entry.message,
  };
}
