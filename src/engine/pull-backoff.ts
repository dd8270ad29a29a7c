import { backoffDelay, nextRandom } from "./backoff.js";
import type { ActionOrigin, QueuedAction } from "./engine-state.js";
import { enqueue } from "./rules.js";
import type { StepContext } from "./step-context.js";
import { PULL_RETRY_TIMER, cancelTimer, publish, startTimer } from "./step-context.js";

/**
 * A pull that failed (a merge that could not be completed and was undone, a broken recipe
 * command) fails the same way when it runs again at once. Its undo writes files, the watcher
 * reports them, and every trigger that pulls — the commit before a pull, a rejected push, the
 * interval, an announcement — would run it again: an error loop. So after a failure pulls
 * wait for an exponential backoff (the offline backoff's settings and seeded jitter), and so
 * do pushes that cannot succeed without that pull (a rejected one). Local commits go on: the
 * user's data is still committed locally. The user asking (`sync`) goes at once.
 */
export function pullFailed(ctx: StepContext, message: string, hint?: string): void {
  const { s } = ctx;
  const previous = s.pullBackoff;
  const attempt = previous?.attempt ?? 0;
  const random = nextRandom(s.rng);
  s.rng = random.rng;
  const delay = backoffDelay(attempt, s.config.retry, random.value);
  // The push queued to follow this pull (after a rejection) would only be rejected again.
  const pushNeedsPull = s.queue.some(
    (item) => item.action.type === "push" && item.origin === "rejected-push",
  );
  s.queue = s.queue.filter(
    (item) => !(item.action.type === "pull" || (pushNeedsPull && item.action.type === "push")),
  );
  s.pullBackoff = {
    attempt: attempt + 1,
    retryAt: ctx.now + delay,
    message,
    pushWaits: (previous?.pushWaits ?? false) || pushNeedsPull,
  };
  startTimer(ctx, PULL_RETRY_TIMER, delay);
  // The same failure again says nothing new: one error event, then one only when it changes.
  if (previous?.message !== message) {
    publish(ctx, {
      type: "error",
      repo: s.config.repo,
      message,
      ...(hint !== undefined ? { hint } : {}),
    });
  }
}

/** A pull went through: the failure is over. */
export function pullSucceeded(ctx: StepContext): void {
  const { s } = ctx;
  if (!s.pullBackoff) return;
  s.pullBackoff = undefined;
  cancelTimer(ctx, PULL_RETRY_TIMER);
}

/** Whether this pull or push must wait for the pull backoff; manual `sync` never waits. */
export function waitsForPullBackoff(ctx: StepContext, item: QueuedAction): boolean {
  const backoff = ctx.s.pullBackoff;
  if (!backoff || ctx.now >= backoff.retryAt || bypasses(item.origin)) return false;
  if (item.action.type === "pull") return true;
  return item.action.type === "push" && backoff.pushWaits;
}

const bypasses = (origin: ActionOrigin): boolean => origin === "manual";

/**
 * A push rejected while pulls back off: the pull it needs must wait, so it waits with it
 * instead of starting the contention retry (which pulls at once).
 */
export function pushRejectedDuringPullBackoff(ctx: StepContext): boolean {
  const { s } = ctx;
  if (!s.pullBackoff || ctx.now >= s.pullBackoff.retryAt) return false;
  s.pullBackoff = { ...s.pullBackoff, pushWaits: true };
  return true;
}

/** The backoff ran out: pull once more, then push what waited. */
export function pullRetryTimerFired(ctx: StepContext): void {
  const { s } = ctx;
  const backoff = s.pullBackoff;
  if (!backoff || ctx.now < backoff.retryAt) return;
  if (s.stopped || s.shuttingDown || s.paused || s.unhealthy) return;
  enqueue(ctx, { action: { type: "pull" }, origin: "retry" });
  if (backoff.pushWaits || s.unpushed) enqueue(ctx, { action: { type: "push" }, origin: "retry" });
}
