import { engineMessages } from "../messages/engine-messages.js";
import type { ChangeAction, StatusEntry } from "./status-entry.js";

/** Lines listing single files; a 2,000-file burst gets these plus one summary line. */
export const LISTED_PATHS = 20;

export function countActions(
  entries: readonly StatusEntry[],
): Partial<Record<ChangeAction, number>> {
  const counts: Partial<Record<ChangeAction, number>> = {};
  for (const entry of entries) counts[entry.action] = (counts[entry.action] ?? 0) + 1;
  return counts;
}

/**
 * A path as one line: file names may hold newlines or control characters, which would otherwise
 * forge extra lines in the message (and in `git log --oneline` readers).
 */
function quotePath(path: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

function entryLine(entry: StatusEntry): string {
  if (entry.action === "renamed" && entry.from !== undefined) {
    return `renamed ${quotePath(entry.from)} → ${quotePath(entry.path)}`;
  }
  return `${entry.action} ${quotePath(entry.path)}`;
}

/**
 * "autosync laptop: 3 added, 1 modified", a blank line, then one line per file (the first
 * `LISTED_PATHS`) and a count of the rest. A user's message replaces the subject line.
 */
export function buildCommitMessage(
  host: string,
  entries: readonly StatusEntry[],
  userMessage?: string,
): string {
  const subject = userMessage?.trim()
    ? `${userMessage.trim()}\n\n${engineMessages.commitByUser(host)}`
    : engineMessages.commitSubject(host, countActions(entries));
  const listed = entries.slice(0, LISTED_PATHS).map(entryLine);
  const rest = entries.slice(LISTED_PATHS);
  if (rest.length > 0) listed.push(engineMessages.commitMore(rest.length, countActions(rest)));
  return listed.length > 0 ? `${subject}\n\n${listed.join("\n")}` : subject;
}
