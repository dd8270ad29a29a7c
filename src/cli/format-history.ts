import { historyMessages, quoteName } from "../messages/history-messages.js";
import type { HistoryChange } from "../operations/history-change.js";

const pad = (n: number) => String(n).padStart(2, "0");

/** `2026-12-05 15:35:04` in the local time zone, the one `--since`/`--at` read. */
export function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The machine, or for a commit made by hand its author. */
export function changeOrigin(change: HistoryChange): string {
  return change.host ?? historyMessages.byAuthor(change.author);
}

/** The first line of a message autosync did not write itself (a user's words, a hand commit). */
function ownSubject(change: HistoryChange): string | undefined {
  const subject = change.message.split("\n")[0] ?? "";
  if (change.host !== null && /^autosync[ :]/.test(subject)) return undefined;
  return subject.trim() === "" ? undefined : subject;
}

/**
 * One change as text: `<id>  <local time>  <machine>  <own message>` and one line per file.
 * Stable and greppable; `--json` is the format for scripts.
 */
export function formatChange(change: HistoryChange): string {
  const head = [change.shortId, formatLocalTime(Date.parse(change.time)), changeOrigin(change)];
  const subject = ownSubject(change);
  if (subject !== undefined) head.push(quoteName(subject));
  const lines = [head.join("  ")];
  if (change.merge) lines.push(`    ${historyMessages.merge()}`);
  for (const file of change.files) {
    const name =
      file.action === "renamed" && file.from !== undefined
        ? `${quoteName(file.from)} → ${quoteName(file.path)}`
        : quoteName(file.path);
    lines.push(`    ${file.action.padEnd(9)} ${name}`);
  }
  return lines.join("\n");
}
