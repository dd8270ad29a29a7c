import { engineMessages } from "../messages/engine-messages.js";
import { backoffDelay, nextRandom } from "./backoff.js";
import type { ActionOrigin } from "./engine-state.js";
import { enqueue } from "./rules.js";
import type { StepContext } from "./step-context.js";
import { RETRY_TIMER, cancelTimer, publish, startTimer } from "./step-context.js";

/**
 * While the remote is unreachable, pushes and pulls from timers wait for the backoff retry
 * instead of hammering a dead host. The user asking (`sync`), an announcement (proof that some
 * network works) and the engine's own follow-ups go at once.
 */
export function mayWaitForRetry(origin: ActionOrigin): boolean {
  return !(
    origin === "manual" ||
    origin === "announcement" ||
    origin === "retry" ||
    origin === "after-pull" ||
    origin === "rejected-push"
  );
}

/** Marks a push or pull for the retry timer instead of running it now. */
export function deferToRetry(ctx: StepContext, kind: "push" | "pull"): void {
  const { offline } = ctx.s;
  if (!offline) return;
  ctx.s.offline =
    kind === "push" ? { ...offline, retryPush: true } : { ...offline, retryPull: true };
}

export function goOffline(ctx: StepContext, kind: "push" | "pull", reason: string): void {
  const { s } = ctx;
  const attempt = s.offline?.attempt ?? 0;
  const random = nextRandom(s.rng);
  s.rng = random.rng;
  const delay = backoffDelay(attempt, s.config.retry, random.value);
  const entering = !s.offline;
  // Whatever else waits for the remote would fail the same way a moment later: it becomes part
  // of the retry, so one retry costs one backoff step, not one per queued operation.
  const waiting = s.queue.filter((q) => q.action.type === "push" || q.action.type === "pull");
  s.queue = s.queue.filter((q) => q.action.type !== "push" && q.action.type !== "pull");
  s.offline = {
    since: s.offline?.since ?? ctx.now,
    reason,
    attempt: attempt + 1,
    retryAt: ctx.now + delay,
    retryPush:
      (s.offline?.retryPush ?? false) ||
      kind === "push" ||
      waiting.some((q) => q.action.type === "push"),
    retryPull:
      (s.offline?.retryPull ?? false) ||
      kind === "pull" ||
      waiting.some((q) => q.action.type === "pull"),
  };
  startTimer(ctx, RETRY_TIMER, delay);
  publish(ctx, { type: "offline", repo: s.config.repo, reason, retryInMs: delay });
  if (entering) {
    const notice = engineMessages.notice("offline", s.config.repo, { message: reason });
    ctx.effects.push({ type: "notify", kind: "offline", ...notice });
  }
}

/** A push or pull reached the remote: back online, and run what waited for the retry. */
export function leaveOffline(ctx: StepContext, reached: "push" | "pull"): void {
  const { s } = ctx;
  const offline = s.offline;
  if (!offline) return;
  s.offline = undefined;
  cancelTimer(ctx, RETRY_TIMER);
  publish(ctx, { type: "online", repo: s.config.repo });
  const notice = engineMessages.notice("online", s.config.repo, {});
  ctx.effects.push({ type: "notify", kind: "online", ...notice });
  if (reached !== "pull" && offline.retryPull) {
    enqueue(ctx, { action: { type: "pull" }, origin: "retry" });
  }
  if (reached !== "push" && (offline.retryPush || s.unpushed)) {
    enqueue(ctx, { action: { type: "push" }, origin: "retry" });
  }
}

export function retryTimerFired(ctx: StepContext): void {
  const { s } = ctx;
  const offline = s.offline;
  if (!offline || ctx.now < offline.retryAt) return;
  if (s.stopped || s.shuttingDown || s.paused || s.unhealthy) return;
  s.offline = { ...offline, retryPush: false, retryPull: false };
  if (offline.retryPull) enqueue(ctx, { action: { type: "pull" }, origin: "retry" });
  if (offline.retryPush || s.unpushed || !offline.retryPull) {
    enqueue(ctx, { action: { type: "push" }, origin: "retry" });
  }
}
