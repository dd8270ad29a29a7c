import type { QuietPeriod } from "./engine-state.js";
import type { Trigger } from "./pipeline.js";

/**
 * A quiet period that restarts on each trigger, so a burst of saves becomes one action after
 * the last of them; `maxWaitMs` (counted from the first trigger) keeps a file that is written
 * continuously (a log, a download) from postponing the action for ever.
 */
export function restartQuietPeriod(
  current: QuietPeriod | null | undefined,
  nowMs: number,
  quietMs: number,
  maxWaitMs: number | undefined,
  trigger: Trigger,
): QuietPeriod {
  const firstAt = current ? current.firstAt : nowMs;
  let dueAt = nowMs + Math.max(0, quietMs);
  if (maxWaitMs !== undefined) dueAt = Math.min(dueAt, firstAt + Math.max(0, maxWaitMs));
  const origin = current && current.origin !== "change" ? current.origin : trigger;
  return { firstAt, dueAt: Math.max(dueAt, nowMs), origin };
}

/**
 * A timer can arrive late, or twice if the runtime kept an older timer of the same id: only the
 * one at or after the recorded due time ends the period.
 */
export function quietPeriodEnded(period: QuietPeriod | null | undefined, nowMs: number): boolean {
  return period !== null && period !== undefined && nowMs >= period.dueAt;
}
