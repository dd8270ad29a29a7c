import { engineMessages } from "../messages/engine-messages.js";
import { nextRandom } from "./backoff.js";
import { enqueue } from "./rules.js";
import type { StepContext } from "./step-context.js";
import {
  MAILBOX_TIMER,
  PUSH_RETRY_TIMER,
  cancelTimer,
  publish,
  startTimer,
} from "./step-context.js";

/**
 * How long a deferring clone trusts the elected merger before it merges itself (take-over):
 * MAILBOX_FALLBACK_MS plus up to MAILBOX_JITTER_MS, so clones that deferred together do not
 * take over together. Longer than a merger needs on a loaded 2-core box to fetch, merge 15
 * mailboxes keeping both sides and push (1–5 s measured in the fleet bench); short enough that
 * a dead merger or a silent channel costs less than the serial rounds the mailboxes replace.
 */
export const MAILBOX_FALLBACK_MS = 6_000;
export const MAILBOX_JITTER_MS = 4_000;

/**
 * How long, from the first deferral to one merger, its progress may keep postponing the
 * take-over. A merger that pushes keeps the wait alive (see pullDeferred), but this clone's own
 * head must not wait for ever behind a merger that merges others' and somehow never ours.
 */
export const MAILBOX_PATIENCE_MS = 30_000;

/**
 * A pull found that a merge was needed and another clone's mailbox was elected to do it
 * (git-mailbox.ts): this clone merged nothing. The re-push queued after the rejection would only
 * be rejected again, so it goes; the merger's push is announced, and the announcement's pull
 * fast-forwards (or elects again). The fallback timer is the wake-up when no announcement comes.
 */
export function pullDeferred(ctx: StepContext, merger: string, mainMoved = false): void {
  const { s } = ctx;
  s.queue = s.queue.filter(
    (item) => !(item.origin === "rejected-push" && item.action.type === "push"),
  );
  if (s.pushRetryAt !== undefined) {
    s.pushRetryAt = undefined;
    cancelTimer(ctx, PUSH_RETRY_TIMER);
  }
  // Contention, not a remote that refuses us.
  s.rejectedPushes = 0;
  s.contendedPushes = 0;
  // A new merger means the last one merged: it gets its own full wait. The same merger keeps
  // its deadline, unless main moved since the last look: in a fleet that keeps editing, the
  // lowest clone is elected round after round, and a deadline from the first round made clones
  // take over from a merger that was busy merging (fleet bench: four merging at once).
  const same = s.mailboxWait?.merger === merger ? s.mailboxWait : undefined;
  if (same && !(mainMoved && ctx.now < same.since + MAILBOX_PATIENCE_MS)) return;
  const random = nextRandom(s.rng);
  s.rng = random.rng;
  const delay = MAILBOX_FALLBACK_MS + Math.round(MAILBOX_JITTER_MS * random.value);
  s.mailboxWait = { merger, since: same?.since ?? ctx.now, fallbackAt: ctx.now + delay };
  startTimer(ctx, MAILBOX_TIMER, delay);
  if (same) return;
  publish(ctx, {
    type: "info",
    repo: s.config.repo,
    message: engineMessages.mailboxDeferred(merger),
  });
}

/** A pull that was not deferred, or a push of main that went through: the wait is over. */
export function mailboxWaitOver(ctx: StepContext): void {
  if (!ctx.s.mailboxWait) return;
  ctx.s.mailboxWait = undefined;
  cancelTimer(ctx, MAILBOX_TIMER);
}

/** The merger's push never arrived: pull again and merge whatever the election says. */
export function mailboxTimerFired(ctx: StepContext): void {
  const { s } = ctx;
  const wait = s.mailboxWait;
  if (!wait || ctx.now < wait.fallbackAt || wait.takeOver) return;
  if (s.stopped || s.shuttingDown || s.paused || s.unhealthy) return;
  s.mailboxWait = { ...wait, takeOver: true };
  publish(ctx, {
    type: "info",
    repo: s.config.repo,
    message: engineMessages.mailboxTakeOver(wait.merger),
  });
  enqueue(ctx, { action: { type: "pull" }, origin: "retry" });
  enqueue(ctx, { action: { type: "push" }, origin: "retry" });
}

/**
 * A push rejected while a merger is expected: its mailbox went up with it, which is all it could
 * do. No retry (the merger's announcement or the fallback brings the pull) and no count toward
 * giving up.
 */
export function pushRejectedWhileDeferring(ctx: StepContext): boolean {
  return ctx.s.mailboxWait !== undefined && !ctx.s.mailboxWait.takeOver;
}
