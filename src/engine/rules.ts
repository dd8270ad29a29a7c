import type { ActionOrigin, QueuedAction } from "./engine-state.js";
import type { PipelineAction, Trigger } from "./pipeline.js";
import { quietPeriodEnded, restartQuietPeriod } from "./quiet-period.js";
import { runAction } from "./action-queue.js";
import { holdForPrompt } from "./commit-prompt.js";
import { mayWaitForRetry } from "./offline.js";
import { startProbe } from "./unhealthy.js";
import type { StepContext } from "./step-context.js";
import { cancelTimer, ruleTimer, startTimer } from "./step-context.js";

/**
 * The generic pipeline interpreter: a trigger starts (or restarts) the quiet period of every
 * rule that listens to it; when a period ends, or at once for rules without one, the rule's
 * actions join the queue. The queue (action-queue.ts) runs them one operation at a time.
 */
export function fireTrigger(ctx: StepContext, trigger: Trigger): void {
  const { s } = ctx;
  if (s.stopped || s.shuttingDown || s.paused) return;
  if (s.unhealthy) {
    // Every operation starts with the health check, so a cheap status is the way to look again.
    startProbe(ctx);
    return;
  }
  s.config.pipeline.forEach((rule, index) => {
    if (!rule.on.includes(trigger)) return;
    if (!rule.quietMs || rule.quietMs <= 0) {
      enqueueActions(ctx, rule.actions, trigger);
      return;
    }
    const period = restartQuietPeriod(
      s.quiet[index],
      ctx.now,
      rule.quietMs,
      rule.maxWaitMs,
      trigger,
    );
    const quiet = [...s.quiet];
    quiet[index] = period;
    s.quiet = quiet;
    startTimer(ctx, ruleTimer(index), period.dueAt - ctx.now);
  });
}

export function ruleTimerFired(ctx: StepContext, index: number): void {
  const { s } = ctx;
  const rule = s.config.pipeline[index];
  const period = s.quiet[index];
  if (!rule || !period || !quietPeriodEnded(period, ctx.now)) return;
  if (!s.stopped && !s.shuttingDown && !s.paused && holdForPrompt(ctx, rule, index, period)) return;
  const quiet = [...s.quiet];
  quiet[index] = null;
  s.quiet = quiet;
  if (s.stopped || s.shuttingDown || s.paused || s.unhealthy) return;
  enqueueActions(ctx, rule.actions, period.origin);
}

export function enqueueActions(
  ctx: StepContext,
  actions: readonly PipelineAction[],
  origin: ActionOrigin,
): void {
  // Notices, announcements and hooks before a rule's first operation do not wait for the
  // operation running now: a conflict notice must not sit behind the push of its resolution.
  const firstOperation = actions.findIndex(isOperation);
  const immediate = firstOperation < 0 ? actions : actions.slice(0, firstOperation);
  for (const action of immediate) runAction(ctx, { action, origin });
  for (const action of actions.slice(immediate.length)) {
    const item: QueuedAction =
      action.type === "commit"
        ? { action, origin, scope: origin === "change" ? "pending" : "whole-tree" }
        : { action, origin };
    enqueue(ctx, item);
  }
}

const isOperation = (action: PipelineAction): boolean =>
  action.type === "commit" || action.type === "push" || action.type === "pull";

/**
 * Adds an action unless the same operation already waits: an announcement storm is one pull, a
 * burst of commits one push. A waiting commit takes over the wider scope and the user's message;
 * a waiting push or pull takes over an origin that may not wait for the offline retry.
 * `atFront` moves the operation before everything else (a rejected push pulls first).
 */
export function enqueue(ctx: StepContext, item: QueuedAction, atFront = false): void {
  const { s } = ctx;
  const index = isOperation(item.action)
    ? s.queue.findIndex((queued) => queued.action.type === item.action.type)
    : -1;
  const existing = index >= 0 ? s.queue[index] : undefined;
  if (!existing) {
    const ahead = atFront ? 0 : pushGoesBefore(s.queue, item, s.mailboxPushes === true);
    s.queue = [...s.queue.slice(0, ahead), item, ...s.queue.slice(ahead)];
    return;
  }
  const combined = combine(existing, item);
  if (atFront) {
    s.queue = [combined, ...s.queue.filter((_, i) => i !== index)];
  } else if (item.action.type === "push" && s.mailboxPushes === true) {
    // A new commit joined a waiting push: with mailboxes it may now go before the pull it
    // waited behind (see pushGoesBefore), since it brings a head the mailbox lacks.
    const rest = s.queue.filter((_, i) => i !== index);
    const ahead = Math.min(index, pushGoesBefore(rest, item, true));
    s.queue = [...rest.slice(0, ahead), combined, ...rest.slice(ahead)];
  } else {
    const queue = [...s.queue];
    queue[index] = combined;
    s.queue = queue;
  }
}

/**
 * Where a new action joins the queue: at the end, except that a push that is due goes before a
 * pull queued by the interval. That pull is only a look for news nobody announced; running it
 * first costs a fetch and a merge before every push (most of F1's propagation overhead), and if
 * the remote did move, the rejected push pulls at once anyway. Without mailboxes a pull queued
 * for an announcement (also one an announcement joined, see `combine`) stays first: some machine
 * pushed, so our push would be a certain rejection and pulling first saves a round trip; with
 * them, see below. Pulls the engine itself needs (before-pull, retry) keep their place.
 */
function pushGoesBefore(
  queue: readonly QueuedAction[],
  item: QueuedAction,
  mailboxPushes: boolean,
): number {
  if (item.action.type !== "push") return queue.length;
  const pull = queue.findIndex((queued) => queued.action.type === "pull");
  if (pull < 0) return queue.length;
  const origin = queue[pull]?.origin;
  if (origin === "interval") return pull;
  // With mailboxes (git), the push of a new commit goes first after an announcement or a
  // rejection too: when main refuses it, it still delivers this clone's head to its mailbox, so
  // the pull's merger election counts it. Pulling first instead merged alone (or elected a merger
  // that had not seen this head), and every clone that committed at once did that in turn: the
  // serial rounds the mailboxes exist to end (fleet bench, docs/architecture.md).
  const newCommit = item.origin === "committed";
  return mailboxPushes && newCommit && (origin === "announcement" || origin === "rejected-push")
    ? pull
    : queue.length;
}

function combine(existing: QueuedAction, item: QueuedAction): QueuedAction {
  if (item.action.type === "commit") {
    return {
      ...existing,
      scope:
        existing.scope === "whole-tree" || item.scope === "whole-tree" ? "whole-tree" : "pending",
      ...(item.message !== undefined ? { message: item.message } : {}),
    };
  }
  return mayWaitForRetry(existing.origin) && !mayWaitForRetry(item.origin)
    ? { ...existing, origin: item.origin }
    : existing;
}

/** Ends every running quiet period (pause, shutdown, an unhealthy root). */
export function cancelQuietPeriods(ctx: StepContext): void {
  const { s } = ctx;
  if (s.quiet.every((period) => period === null)) return;
  s.quiet.forEach((period, index) => {
    if (period) cancelTimer(ctx, ruleTimer(index));
  });
  s.quiet = s.quiet.map(() => null);
}

/**
 * An operation covers every trigger that came before it started: a status sees every change
 * made so far, a push sends every commit, a pull fetches every announced push. Quiet periods
 * of rules that would only repeat it end here, so a commit during startup is not pushed twice
 * and the UI's countdowns stay honest. Triggers after this point open a new period.
 */
export function endCoveredPeriods(ctx: StepContext, type: "commit" | "push" | "pull"): void {
  const { s } = ctx;
  s.config.pipeline.forEach((rule, index) => {
    if (!s.quiet[index]) return;
    if (!rule.actions.every((action) => action.type === type)) return;
    cancelTimer(ctx, ruleTimer(index));
    const quiet = [...s.quiet];
    quiet[index] = null;
    s.quiet = quiet;
  });
}
