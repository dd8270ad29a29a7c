import { engineMessages } from "../messages/engine-messages.js";
import type { QueuedAction } from "./engine-state.js";
import { deferToRetry, mayWaitForRetry } from "./offline.js";
import type { OperationRequest } from "./operation.js";
import { NO_PENDING, hasPending } from "./pending-changes.js";
import { endCoveredPeriods } from "./rules.js";
import type { StepContext } from "./step-context.js";
import { publish } from "./step-context.js";

/**
 * Runs queued actions in order until one of them starts a DVCS operation: one operation at a
 * time per repository, so a pull never races a commit. Announcements, notices and user
 * commands do not wait for anything and run as soon as they reach the head of the queue.
 */
export function drain(ctx: StepContext): void {
  const { s } = ctx;
  while (!s.inFlight && s.queue.length > 0) {
    if (s.stopped || s.shuttingDown || s.paused || s.unhealthy) {
      s.queue = [];
      return;
    }
    const [item, ...rest] = s.queue as [QueuedAction, ...QueuedAction[]];
    // A pull waiting for the commit of a quiet period holds the queue: what follows it (a push,
    // a hook) belongs after it. The quiet period's own timer wakes the queue.
    if (item.notBefore !== undefined && ctx.now < item.notBefore) return;
    s.queue = rest;
    runAction(ctx, item);
  }
}

export function runAction(ctx: StepContext, item: QueuedAction): void {
  const { s } = ctx;
  const { action } = item;
  switch (action.type) {
    case "announce":
      if (s.lastPush) ctx.effects.push({ type: "announce", head: s.lastPush.head });
      return;
    case "notify": {
      const notice = engineMessages.notice(action.kind, s.config.repo, {
        head: s.lastPush?.head,
        changedPaths: s.lastPull?.changedPaths,
        conflicts: s.lastConflict?.conflicts,
        message: s.lastFailure?.message,
      });
      ctx.effects.push({ type: "notify", kind: action.kind, ...notice });
      return;
    }
    case "run":
      ctx.effects.push({ type: "runCommand", argv: action.argv });
      return;
    case "commit":
      startCommit(ctx, item);
      return;
    case "push":
      if (s.offline && mayWaitForRetry(item.origin)) {
        deferToRetry(ctx, "push");
        return;
      }
      startOperation(ctx, { kind: "push" });
      endCoveredPeriods(ctx, "push");
      s.inFlight = { op: "push", startedAt: ctx.now, origin: item.origin };
      return;
    case "pull":
      if (s.offline && mayWaitForRetry(item.origin)) {
        deferToRetry(ctx, "pull");
        return;
      }
      startPull(ctx, item);
      return;
  }
}

/**
 * The pull operation commits whatever is local before it merges, with no deletion guard and no
 * large-file rule. So nothing local may reach it that the engine has not looked at: pending
 * changes are committed first (after their quiet period, so a burst stays whole), and a
 * whole-tree status catches what the watcher has not reported yet.
 */
function startPull(ctx: StepContext, item: QueuedAction): void {
  const { s } = ctx;
  if (hasPending(s.pending)) {
    const due = changeCommitDueAt(ctx);
    if (due !== undefined && item.notBefore === undefined) {
      s.queue = [{ ...item, notBefore: due }, ...s.queue];
      return;
    }
    s.queue = [item, ...s.queue];
    startCommit(ctx, { action: { type: "commit" }, origin: "before-pull", scope: "pending" });
    return;
  }
  if (!item.checked) {
    s.queue = [{ ...item, checked: true }, ...s.queue];
    s.inFlight = { op: "status", purpose: "before-pull", startedAt: ctx.now };
    startOperation(ctx, { kind: "status" });
    return;
  }
  // Large files the engine leaves out must not slip in with the pull's pre-merge commit.
  const skipPaths = skippedLargeFiles(ctx);
  startOperation(ctx, {
    kind: "pull",
    commitMessage: engineMessages.pullCommitMessage(s.config.host),
    host: s.config.host,
    nowMs: ctx.now,
    ...(skipPaths.length > 0 ? { skipPaths } : {}),
  });
  endCoveredPeriods(ctx, "pull");
  s.inFlight = { op: "pull", startedAt: ctx.now, origin: item.origin };
}

export function skippedLargeFiles(ctx: StepContext): string[] {
  return ctx.s.config.largeFiles.action === "skip" ? Object.keys(ctx.s.warnedLargeFiles) : [];
}

/** When the running quiet period of a rule that commits after changes ends, if one runs. */
function changeCommitDueAt(ctx: StepContext): number | undefined {
  const { s } = ctx;
  let due: number | undefined;
  s.config.pipeline.forEach((rule, index) => {
    const period = s.quiet[index];
    if (!period || !rule.on.includes("change")) return;
    if (!rule.actions.some((action) => action.type === "commit")) return;
    due = due === undefined ? period.dueAt : Math.min(due, period.dueAt);
  });
  return due;
}

/**
 * A commit starts with a status: events only said "look here". Changes the watcher reports after
 * this point stay pending and open a new quiet period.
 */
function startCommit(ctx: StepContext, item: QueuedAction): void {
  const { s } = ctx;
  const taken = s.pending;
  if (item.scope !== "whole-tree" && !hasPending(taken)) return;
  const scoped =
    item.scope !== "whole-tree" &&
    !taken.wholeTree &&
    taken.paths.length <= s.config.scopedStatusMaxPaths;
  s.pending = NO_PENDING;
  endCoveredPeriods(ctx, "commit");
  s.inFlight = {
    op: "status",
    purpose: "commit",
    startedAt: ctx.now,
    taken,
    ...(item.message !== undefined ? { message: item.message } : {}),
  };
  startOperation(ctx, scoped ? { kind: "status", paths: taken.paths } : { kind: "status" });
}

export function startOperation(ctx: StepContext, operation: OperationRequest): void {
  ctx.effects.push({ type: "runOperation", operation });
  publish(ctx, { type: "operationStarted", repo: ctx.s.config.repo, operation: operation.kind });
}
