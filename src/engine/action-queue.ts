import { engineMessages } from "../messages/engine-messages.js";
import type { QueuedAction } from "./engine-state.js";
import { deferToRetry, mayWaitForRetry } from "./offline.js";
import type { OperationRequest } from "./operation.js";
import { NO_PENDING, hasPending } from "./pending-changes.js";
import { waitsForPullBackoff } from "./pull-backoff.js";
import { isEchoOnly } from "./pull-echo.js";
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
    if (item.waitingSince !== undefined && pullMustWait(ctx, item)) return;
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
      // Dropped, not kept: the backoff timer pushes what is unpushed.
      if (waitsForPullBackoff(ctx, item)) return;
      if (s.offline && mayWaitForRetry(item.origin)) {
        deferToRetry(ctx, "push");
        return;
      }
      startOperation(ctx, { kind: "push" });
      endCoveredPeriods(ctx, "push");
      s.inFlight = { op: "push", startedAt: ctx.now, origin: item.origin };
      return;
    case "pull":
      // Dropped, not kept: the backoff timer pulls; local commits go on meanwhile.
      if (waitsForPullBackoff(ctx, item)) return;
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
 * whole-tree status catches what the watcher has not reported yet. That status is skipped
 * when the engine already knows the tree is clean (`treeClean`): the last whole-tree look found
 * nothing uncommitted, every change the watcher reported since was looked at and committed
 * (pending is empty), and no status or commit failed in between. The watcher is the
 * trigger the engine relies on for every commit anyway; a rescan or overflow makes pending
 * whole-tree, and any failure clears `treeClean`, so both bring the status back.
 */
function startPull(ctx: StepContext, item: QueuedAction): void {
  const { s } = ctx;
  const waiting: QueuedAction = { ...item, waitingSince: item.waitingSince ?? ctx.now };
  if (hasPending(s.pending)) {
    if (pullMustWait(ctx, item)) {
      s.queue = [waiting, ...s.queue];
      return;
    }
    // After this commit, look again: a burst may still be going on. Once patience ran out,
    // pull right after it, or a file that never stops changing would keep every pull away.
    s.queue = [{ ...waiting, looked: !isPatient(ctx, waiting) }, ...s.queue];
    const echoOnly = isEchoOnly(s.pending);
    startCommit(ctx, { action: { type: "commit" }, origin: "before-pull", scope: "pending" });
    if (echoOnly && s.inFlight?.op === "status" && s.inFlight.purpose === "commit") {
      s.inFlight.echoOnly = true;
    }
    return;
  }
  if (!item.looked && !s.treeClean) {
    s.queue = [{ ...waiting, looked: true }, ...s.queue];
    s.inFlight = { op: "status", purpose: "before-pull", startedAt: ctx.now };
    startOperation(ctx, { kind: "status" });
    return;
  }
  // Large files the engine leaves out must not slip in with the pull's pre-merge commit.
  const skipPaths = skippedLargeFiles(ctx);
  const origin = s.pullOrigin;
  delete s.pullOrigin;
  startOperation(ctx, {
    kind: "pull",
    commitMessage: engineMessages.pullCommitMessage(s.config.host),
    host: s.config.host,
    nowMs: ctx.now,
    ...(skipPaths.length > 0 ? { skipPaths } : {}),
    ...(origin ? { origin } : {}),
    ...(s.mailboxWait?.takeOver ? { takeOver: true } : {}),
    ...(s.treeClean ? { treeClean: true as const } : {}),
  });
  endCoveredPeriods(ctx, "pull");
  s.inFlight = { op: "pull", startedAt: ctx.now, origin: item.origin };
}

/**
 * How long a pull may wait for local activity to settle: two full commit cycles. A burst that
 * lasts longer is committed in pieces anyway (maxCommitDelay), and remote changes must not wait
 * for ever behind a file that is written all the time.
 */
export function pullPatienceMs(ctx: StepContext): number {
  const { commitDelayMs, maxCommitDelayMs } = ctx.s.config.timers;
  return 2 * Math.max(commitDelayMs, maxCommitDelayMs) + commitDelayMs;
}

function isPatient(ctx: StepContext, item: QueuedAction): boolean {
  return ctx.now < (item.waitingSince ?? ctx.now) + pullPatienceMs(ctx);
}

/**
 * Whether a pull waits for the running "commit after changes" quiet period. Not for changes that
 * are only the echo of the last pull's own writes: no burst of the user's to keep whole there,
 * and waiting a commitDelay behind every merge slowed each announced pull down (pull-echo.ts).
 */
function pullMustWait(ctx: StepContext, item: QueuedAction): boolean {
  return (
    hasPending(ctx.s.pending) &&
    !isEchoOnly(ctx.s.pending) &&
    changeCommitDueAt(ctx) !== undefined &&
    isPatient(ctx, item)
  );
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
    ...(scoped ? {} : { wholeTree: true }),
  };
  startOperation(ctx, scoped ? { kind: "status", paths: taken.paths } : { kind: "status" });
}

export function startOperation(ctx: StepContext, operation: OperationRequest): void {
  ctx.effects.push({ type: "runOperation", operation });
  publish(ctx, { type: "operationStarted", repo: ctx.s.config.repo, operation: operation.kind });
}
