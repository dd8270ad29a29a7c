/** "4s", "1m 05s", "2h 03m", "3d": short enough for an 80-column panel. */
export function shortDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, "0")}m`;
  return `${Math.floor(hours / 24)}d`;
}

/** A due time as seen from `now`: "in 4s", or "now" once due (the engine is about to act). */
export function untilText(dueAt: number, now: number): string {
  return dueAt - now <= 500 ? "now" : `in ${shortDuration(dueAt - now)}`;
}

/** A past time as seen from `now`: "just now", "12s ago". */
export function agoText(at: number, now: number): string {
  return now - at < 1000 ? "just now" : `${shortDuration(now - at)} ago`;
}
