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
      if (hasPending(s.pending)) {
        // Local edits go through the engine's own commit (deletion guard, large files) before
        // a merge can meet them; the pull waits right behind it.
        s.queue = [item, ...s.queue];
        startCommit(ctx, { action: { type: "commit" }, origin: "before-pull", scope: "pending" });
        return;
      }
      {
        // Large files the engine leaves out must not slip in with the pull's pre-merge commit.
        const skipPaths =
          s.config.largeFiles.action === "skip" ? Object.keys(s.warnedLargeFiles) : [];
        startOperation(ctx, {
          kind: "pull",
          commitMessage: engineMessages.pullCommitMessage(s.config.host),
          host: s.config.host,
          nowMs: ctx.now,
          ...(skipPaths.length > 0 ? { skipPaths } : {}),
        });
      }
      endCoveredPeriods(ctx, "pull");
      s.inFlight = { op: "pull", startedAt: ctx.now, origin: item.origin };
      return;
  }
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
