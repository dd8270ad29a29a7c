import { engineMessages } from "../messages/engine-messages.js";
import type { HealthProblem } from "./operation.js";
import { cancelQuietPeriods } from "./rules.js";
import type { StepContext } from "./step-context.js";
import { RECHECK_TIMER, publish, startTimer } from "./step-context.js";

/**
 * A root that is missing, not a directory or without its metadata directory halts the
 * repository (Syncthing's folder health check): an unmounted drive must read as "not there",
 * never as "every file deleted". The engine looks again on its own clock, since a vanished root
 * sends no file events.
 */
export function recheckDelayMs(ctx: StepContext): number {
  const { timers, retry } = ctx.s.config;
  return timers.pullIntervalMs > 0 ? timers.pullIntervalMs : Math.max(1000, retry.maxBackoffMs);
}

export function goUnhealthy(ctx: StepContext, problem: HealthProblem, detail: string): void {
  const { s } = ctx;
  const delay = recheckDelayMs(ctx);
  const known = s.unhealthy;
  s.unhealthy = {
    problem,
    detail,
    since: known?.since ?? ctx.now,
    recheckAt: ctx.now + delay,
  };
  s.queue = [];
  cancelQuietPeriods(ctx);
  startTimer(ctx, RECHECK_TIMER, delay);
  // Report once per problem: a root that stays missing for a week must not flood the log.
  if (known?.problem === problem) return;
  const message = engineMessages.unhealthy(problem, detail);
  publish(ctx, {
    type: "error",
    repo: s.config.repo,
    message,
    hint: engineMessages.unhealthyHint(delay),
  });
  const notice = engineMessages.notice("error", s.config.repo, { message });
  ctx.effects.push({ type: "notify", kind: "error", ...notice });
}

/** Looks at the root again with a whole-tree status (the health check runs first). */
export function startProbe(ctx: StepContext): void {
  const { s } = ctx;
  if (s.inFlight || s.stopped || s.shuttingDown || s.paused) return;
  s.inFlight = { op: "status", purpose: "probe", startedAt: ctx.now };
  ctx.effects.push({ type: "runOperation", operation: { kind: "status" } });
  publish(ctx, { type: "operationStarted", repo: s.config.repo, operation: "status" });
}

export function recheckTimerFired(ctx: StepContext): void {
  const { unhealthy } = ctx.s;
  if (!unhealthy || ctx.now < unhealthy.recheckAt) return;
  if (ctx.s.inFlight) {
    // Still busy: look again after the next delay rather than piling up probes.
    const delay = recheckDelayMs(ctx);
    ctx.s.unhealthy = { ...unhealthy, recheckAt: ctx.now + delay };
    startTimer(ctx, RECHECK_TIMER, delay);
    return;
  }
  startProbe(ctx);
}
