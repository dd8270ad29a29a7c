import { engineMessages } from "../messages/engine-messages.js";
import type { PausedState } from "./engine-state.js";
import { hasPending } from "./pending-changes.js";
import { cancelQuietPeriods, fireTrigger } from "./rules.js";
import type { StepContext } from "./step-context.js";
import { INTERVAL_TIMER, RETRY_TIMER, cancelTimer, startTimer } from "./step-context.js";

/**
 * A paused repository commits nothing and pulls nothing until the user resumes it: after the
 * deletion guard tripped, a pull could carry the other machines' files into a folder whose
 * state nobody understands yet. Changes still collect, so resume knows to look.
 */
export function enterPause(ctx: StepContext, paused: PausedState): void {
  const { s } = ctx;
  s.paused = paused;
  // Changes made while paused may be reported late or not at all: resume looks at everything.
  s.treeClean = false;
  s.queue = [];
  cancelQuietPeriods(ctx);
  if (s.intervalAt !== undefined) {
    cancelTimer(ctx, INTERVAL_TIMER);
    s.intervalAt = undefined;
  }
  if (s.offline) cancelTimer(ctx, RETRY_TIMER);
}

export function pauseRequested(ctx: StepContext): void {
  if (ctx.s.paused) return;
  enterPause(ctx, {
    reason: "user",
    message: engineMessages.pausedByUser(),
    hint: engineMessages.pausedByUserHint(ctx.s.config.repo),
  });
}

export function resumeRequested(ctx: StepContext, allowDeletions: boolean): void {
  const { s } = ctx;
  if (!s.paused) {
    // `--allow-deletions` on a running repository still means "I meant those deletions".
    if (allowDeletions) s.allowDeletionsOnce = true;
    return;
  }
  s.paused = undefined;
  s.allowDeletionsOnce = allowDeletions;
  startIntervalTimer(ctx);
  if (s.offline) startTimer(ctx, RETRY_TIMER, s.offline.retryAt - ctx.now);
  // Catch up as after `autosync sync`: what changed meanwhile, what others pushed, our commits.
  fireTrigger(ctx, "manual");
  if (hasPending(s.pending)) fireTrigger(ctx, "change");
}

export function startIntervalTimer(ctx: StepContext): void {
  const { s } = ctx;
  const every = s.config.timers.pullIntervalMs;
  if (!s.started || every <= 0 || s.paused || s.shuttingDown || s.stopped) return;
  s.intervalAt = ctx.now + every;
  startTimer(ctx, INTERVAL_TIMER, every);
}
