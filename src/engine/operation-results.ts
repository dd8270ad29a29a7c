import { engineMessages } from "../messages/engine-messages.js";
import { startOperation } from "./action-queue.js";
import { contentionDelay, nextRandom } from "./backoff.js";
import { buildCommitMessage, countActions } from "./commit-message.js";
import { checkDeletions } from "./deletion-guard.js";
import type { InFlight } from "./engine-state.js";
import { applyLargeFileRule } from "./large-files.js";
import { goOffline, leaveOffline } from "./offline.js";
import { pullFailed, pullSucceeded, pushRejectedDuringPullBackoff } from "./pull-backoff.js";
import { mailboxWaitOver, pullDeferred, pushRejectedWhileDeferring } from "./mailbox-wait.js";
import { rememberPullWrites } from "./pull-echo.js";
import type { LocalCommit, OperationResult } from "./operation.js";
import { SAMPLE_SIZE, addPending, mergePending } from "./pending-changes.js";
import { enterPause } from "./pause.js";
import { enqueue, fireTrigger } from "./rules.js";
import type { StepContext } from "./step-context.js";
import {
  PUSH_RETRY_TIMER,
  RECHECK_TIMER,
  cancelTimer,
  publish,
  startTimer,
} from "./step-context.js";
import { goUnhealthy, recheckDelayMs } from "./unhealthy.js";
import { warnUnstorable } from "./unstorable-names.js";
import type { StatusEntry } from "./status-entry.js";

/** Decides what an operation's result means: the heart of the sync rules. */
export function operationFinished(ctx: StepContext, result: OperationResult): void {
  const { s } = ctx;
  const inFlight = s.inFlight;
  if (!inFlight || inFlight.op !== result.kind) {
    publish(ctx, {
      type: "warning",
      repo: s.config.repo,
      message: engineMessages.unexpectedResult(result.kind),
    });
    return;
  }
  s.inFlight = undefined;
  publish(ctx, {
    type: "operationFinished",
    repo: s.config.repo,
    operation: result.kind,
    outcome: result.outcome,
    durationMs: ctx.now - inFlight.startedAt,
    ...("message" in result
      ? { message: result.message }
      : "reason" in result
        ? { message: result.reason }
        : "detail" in result
          ? { message: result.detail }
          : {}),
  });

  if (result.kind === "status" && result.outcome === "ok") warnUnstorable(ctx, result.unstorable);
  // Whatever became of the operation, a commit of local work it made exists and is reported
  // (a pull's pre-merge commit; brz's earlier commit batches before a later one failed).
  if ("localCommit" in result && result.localCommit) {
    madeCommit(ctx, result.localCommit);
    // A pull pushes its own commits; the part of a commit that was made goes out like any.
    if (result.kind === "commit") fireTrigger(ctx, "committed");
  }
  if (inFlight.op === "status" && inFlight.purpose === "probe") {
    probeFinished(ctx, result);
    return;
  }
  if (inFlight.op === "status" && inFlight.purpose === "before-pull" && result.outcome !== "ok") {
    // Without a clean look, the pull's own pre-merge commit would take unguarded changes: this
    // pull is dropped (the next trigger pulls again); the failure is handled as any other.
    s.queue = s.queue.filter((item, i) => !(i === 0 && item.action.type === "pull"));
  }
  if (
    result.kind !== "push" &&
    (result.outcome === "unhealthy" || result.outcome === "failed" || result.outcome === "offline")
  ) {
    // What the failed operation left in the tree is unknown: the next pull looks first.
    s.treeClean = false;
  }
  if (result.outcome === "unhealthy") {
    returnTaken(ctx, inFlight);
    goUnhealthy(ctx, result.problem, result.detail);
    return;
  }
  if (result.outcome === "failed" || result.outcome === "offline") {
    dropPullWaitingForCommit(ctx, inFlight);
  }
  if (result.outcome === "failed") {
    returnTaken(ctx, inFlight);
    const hint = result.command?.stderrTail?.trim();
    const message = engineMessages.operationFailed(result.kind, result.message);
    s.lastFailure = {
      at: ctx.now,
      operation: result.kind,
      message,
      ...(hint ? { hint } : {}),
    };
    if (result.kind === "pull") {
      pullFailed(ctx, message, engineMessages.operationFailedHint(hint));
      return;
    }
    publish(ctx, {
      type: "error",
      repo: s.config.repo,
      message,
      hint: engineMessages.operationFailedHint(hint),
    });
    return;
  }
  if (result.outcome === "offline") {
    returnTaken(ctx, inFlight);
    if (result.kind === "push" || result.kind === "pull")
      goOffline(ctx, result.kind, result.reason);
    else {
      s.lastFailure = { at: ctx.now, operation: result.kind, message: result.reason };
      publish(ctx, { type: "error", repo: s.config.repo, message: result.reason });
    }
    return;
  }
  s.lastFailure = undefined;

  switch (result.kind) {
    case "status":
      if (inFlight.op === "status" && inFlight.purpose === "commit") {
        statusForCommit(ctx, inFlight, result.entries, result.trackedCount);
      }
      if (inFlight.op === "status" && inFlight.purpose === "before-pull") {
        statusBeforePull(ctx, result.entries);
      }
      return;
    case "commit":
      if (result.outcome === "committed") {
        const message = inFlight.op === "commit" ? inFlight.message : "";
        if (inFlight.op === "commit" && inFlight.wholeTree) s.treeClean = true;
        s.lastCommit = { head: result.head, at: ctx.now, files: result.entries.length };
        s.unpushed = true;
        publish(ctx, {
          type: "committed",
          repo: s.config.repo,
          head: result.head,
          message,
          counts: countActions(result.entries),
          files: result.entries.length,
        });
        fireTrigger(ctx, "committed");
      }
      return;
    case "push":
      if (result.mailbox) s.mailboxPushes = true;
      if (result.outcome === "rejected") {
        pushRejected(ctx);
        return;
      }
      s.unpushed = false;
      s.mergerPushDue = undefined;
      mailboxWaitOver(ctx);
      s.rejectedPushes = 0;
      s.contendedPushes = 0;
      if (s.pushRetryAt !== undefined) {
        // This push went through before the backoff ran out: nothing left to retry.
        s.pushRetryAt = undefined;
        cancelTimer(ctx, PUSH_RETRY_TIMER);
      }
      s.conflictShown = false;
      leaveOffline(ctx, "push");
      if (result.outcome === "pushed") {
        s.lastPush = { head: result.head, at: ctx.now };
        publish(ctx, { type: "pushed", repo: s.config.repo, head: result.head });
        fireTrigger(ctx, "pushed");
      }
      return;
    case "pull":
      if (result.mailboxPushes) s.mailboxPushes = true;
      s.lastPull = { head: result.head, at: ctx.now, changedPaths: result.changedPaths.length };
      leaveOffline(ctx, "pull");
      pullSucceeded(ctx);
      // Its merges stay due until its push goes through, even when this pull merged only main.
      if (result.mergedMailboxes) s.mergerPushDue = true;
      else if (result.deferredTo !== undefined) s.mergerPushDue = undefined;
      if (result.deferredTo !== undefined)
        pullDeferred(ctx, result.deferredTo, result.mainMoved === true);
      else if (s.mailboxWait) {
        // The merger's push came: main holds this head (else the pull asks for a push).
        if (!result.needsPush) s.unpushed = false;
        mailboxWaitOver(ctx);
      }
      // Others' commits came in: a push rejected before this was contention, not a remote
      // that refuses us, and must not count toward giving up.
      if (result.outcome === "updated") s.rejectedPushes = 0;
      if (result.outcome === "updated") rememberPullWrites(ctx, result.changedPaths);
      if (result.needsPush || result.conflicts.length > 0) {
        // A merge or a conflict resolution exists only here until it is pushed: push at once,
        // not after pushDelay, so the other machines converge on it before they edit further.
        s.unpushed = true;
        enqueue(ctx, { action: { type: "push" }, origin: "after-pull" }, true);
      }
      if (result.origin) {
        const { outcome, url, detail } = result.origin;
        publish(ctx, {
          type: "info",
          repo: s.config.repo,
          message: engineMessages.pullOrigin(outcome, url, detail),
        });
      }
      if (result.outcome === "updated") {
        publish(ctx, {
          type: "pulled",
          repo: s.config.repo,
          head: result.head,
          changedPaths: result.changedPaths.length,
        });
      }
      if (result.conflicts.length > 0) {
        s.lastConflict = { at: ctx.now, conflicts: result.conflicts };
        s.conflictShown = true;
        publish(ctx, { type: "conflict", repo: s.config.repo, conflicts: result.conflicts });
      }
      // Paths the pull wrote are in `changedPaths` and in the watcher's events, but they are
      // committed already: only the next status decides what is local, never these lists.
      if (result.outcome === "updated") fireTrigger(ctx, "pulled");
      if (result.conflicts.length > 0) fireTrigger(ctx, "conflict");
      return;
  }
}

/** An operation committed local work on its own way: a commit like the engine's own. */
export function madeCommit(ctx: StepContext, commit: LocalCommit): void {
  const { head, entries, message } = commit;
  ctx.s.lastCommit = { head, at: ctx.now, files: entries.length };
  ctx.s.unpushed = true;
  publish(ctx, {
    type: "committed",
    repo: ctx.s.config.repo,
    head,
    message,
    counts: countActions(entries),
    files: entries.length,
  });
}

/**
 * A pull at the head of the queue waits for local changes to be committed; if that commit
 * failed, the pull would try the same commit again at once, and again: a retry loop on a
 * broken repository. It is dropped instead; the next trigger pulls (and commits) again.
 */
function dropPullWaitingForCommit(ctx: StepContext, inFlight: InFlight): void {
  const committing =
    inFlight.op === "commit" || (inFlight.op === "status" && inFlight.purpose === "commit");
  const head = ctx.s.queue[0];
  if (committing && head?.action.type === "pull") ctx.s.queue = ctx.s.queue.slice(1);
}

/** Paths a status took go back to pending when the commit they were for did not happen. */
function returnTaken(ctx: StepContext, inFlight: InFlight): void {
  if ("taken" in inFlight) {
    ctx.s.pending = mergePending(ctx.s.pending, inFlight.taken, ctx.s.config.scopedStatusMaxPaths);
  }
}

function statusForCommit(
  ctx: StepContext,
  inFlight: Extract<InFlight, { op: "status"; purpose: "commit" }>,
  entries: readonly StatusEntry[],
  trackedCount: number | undefined,
): void {
  const { s } = ctx;
  if (s.shuttingDown || s.paused) {
    // No new operation after shutdown or pause: these are committed at the next start/resume.
    returnTaken(ctx, inFlight);
    return;
  }
  if (entries.length === 0) {
    if (inFlight.wholeTree) s.treeClean = true;
    // A message the user typed must not vanish without a word (`commit -m`, the UI's prompt).
    if (inFlight.message?.trim())
      publish(ctx, {
        type: "info",
        repo: s.config.repo,
        message: engineMessages.userMessageUnused(inFlight.message),
      });
    return;
  }
  if (inFlight.echoOnly) {
    // A pulled file changed again within the echo window: the user (or an editor's save dance)
    // is writing it. Committing now could take half a save; it gets its quiet period, and the
    // pull waits behind that commit as it does for any other burst.
    observedLate(ctx, entries);
    return;
  }

  const large = applyLargeFileRule(entries, s.config.largeFiles, s.warnedLargeFiles);
  s.warnedLargeFiles = large.warned;
  if (large.newlyWarned.length > 0) {
    for (const file of large.newlyWarned) {
      publish(ctx, {
        type: "warning",
        repo: s.config.repo,
        message: engineMessages.largeFile(
          file.path,
          file.sizeBytes,
          s.config.largeFiles.maxBytes,
          s.config.largeFiles.action,
        ),
        hint: engineMessages.largeFileHint(s.config.largeFiles.action),
      });
    }
  }

  const allowDeletions = s.allowDeletionsOnce;
  s.allowDeletionsOnce = false;
  const verdict = checkDeletions(entries, trackedCount, s.config.deletionGuard);
  if (!verdict.ok && !allowDeletions) {
    const message = engineMessages.deletionGuard(
      verdict.deleted,
      verdict.tracked,
      verdict.everyFile,
    );
    const hint = engineMessages.deletionGuardHint(s.config.repo);
    s.treeClean = false;
    enterPause(ctx, { reason: "deletions", message, hint });
    // After the user decides, a whole-tree status looks at what is there by then.
    s.pending = {
      ...mergePending(s.pending, inFlight.taken, s.config.scopedStatusMaxPaths),
      wholeTree: true,
    };
    publish(ctx, { type: "error", repo: s.config.repo, message, hint });
    const notice = engineMessages.notice("error", s.config.repo, { message });
    ctx.effects.push({ type: "notify", kind: "error", ...notice });
    return;
  }

  if (large.entries.length === 0) {
    // Only large files the engine leaves out: they are left out of the pull too (skipPaths).
    if (inFlight.wholeTree) s.treeClean = true;
    return;
  }
  const message = buildCommitMessage(s.config.host, large.entries, inFlight.message);
  s.inFlight = {
    op: "commit",
    startedAt: ctx.now,
    entries: large.entries,
    message,
    taken: inFlight.taken,
    ...(inFlight.wholeTree ? { wholeTree: true } : {}),
  };
  startOperation(ctx, { kind: "commit", entries: large.entries, message });
}

/**
 * Local changes the watcher had not reported (yet) when the pull came: they are treated as just
 * observed — a quiet period, then the guarded commit — and the pull waits behind that commit.
 * It does not commit them at once: a status in the middle of a burst sees half of it.
 */
function statusBeforePull(ctx: StepContext, entries: readonly StatusEntry[]): void {
  const { s } = ctx;
  const skipped = s.config.largeFiles.action === "skip" ? s.warnedLargeFiles : {};
  const local = entries.filter(
    (entry) => !(entry.path in skipped && skipped[entry.path] === entry.sizeBytes),
  );
  if (local.length === 0) s.treeClean = true;
  if (local.length === 0 || s.shuttingDown || s.paused) return;
  observedLate(ctx, local);
}

/** Changes a status found are handled as if the watcher had just reported them. */
function observedLate(ctx: StepContext, local: readonly StatusEntry[]): void {
  const { s } = ctx;
  const paths = local.flatMap((entry) =>
    entry.from !== undefined ? [entry.path, entry.from] : [entry.path],
  );
  s.pending = addPending(s.pending, paths, s.config.scopedStatusMaxPaths);
  publish(ctx, {
    type: "changesDetected",
    repo: s.config.repo,
    count: paths.length,
    sample: paths.slice(0, SAMPLE_SIZE),
  });
  fireTrigger(ctx, "change");
}

function pushRejected(ctx: StepContext): void {
  const { s } = ctx;
  if (pushRejectedDuringPullBackoff(ctx)) {
    // The pull this push needs failed and backs off; a rejection now is no new evidence that
    // the remote refuses us, so it does not count toward giving up.
    leaveOffline(ctx, "push");
    return;
  }
  if (pushRejectedWhileDeferring(ctx)) {
    leaveOffline(ctx, "push");
    return;
  }
  s.rejectedPushes += 1;
  leaveOffline(ctx, "push");
  if (s.rejectedPushes >= s.config.retry.maxRejectedPushes) {
    const attempts = s.rejectedPushes;
    s.rejectedPushes = 0;
    s.contendedPushes = 0;
    publish(ctx, {
      type: "error",
      repo: s.config.repo,
      message: engineMessages.pushGaveUp(attempts),
      hint: engineMessages.pushGaveUpHint(),
    });
    return;
  }
  // Someone pushed first: bring their commits in, then push again; after a short random wait,
  // so machines that lost the same race do not meet again in the same millisecond. The elected
  // merger races no one it waits for: the clones whose mailboxes it merged wait for its push, so
  // it pulls at once (fleet bench, 16 machines: its backoff held all 15 for up to 0.5 s).
  s.contendedPushes = (s.contendedPushes ?? 0) + 1;
  const random = nextRandom(s.rng);
  s.rng = random.rng;
  const delay = s.mergerPushDue ? 0 : contentionDelay(s.contendedPushes, random.value);
  s.pushRetryAt = ctx.now + delay;
  startTimer(ctx, PUSH_RETRY_TIMER, delay);
}

/** The contention backoff ran out: pull, then push again (the push goes second). */
export function pushRetryTimerFired(ctx: StepContext): void {
  const { s } = ctx;
  // A push that went through meanwhile cleared it: a stale timer.
  if (s.pushRetryAt === undefined) return;
  s.pushRetryAt = undefined;
  // A push running now started after the rejection (one operation at a time), after the pull
  // the winner's announcement brought: it is the retry, and its own outcome decides (a new
  // rejection backs off again). Queuing another pull and push only repeated both.
  if (s.inFlight?.op === "push") return;
  enqueue(ctx, { action: { type: "push" }, origin: "rejected-push" }, true);
  // A pull running now started after the rejection too: it is the retry's pull, and the push
  // above runs right after it. Another pull would fetch nothing new.
  if (s.inFlight?.op === "pull") return;
  enqueue(ctx, { action: { type: "pull" }, origin: "rejected-push" }, true);
}

function probeFinished(ctx: StepContext, result: OperationResult): void {
  const { s } = ctx;
  if (result.outcome === "unhealthy") {
    goUnhealthy(ctx, result.problem, result.detail);
    return;
  }
  if (result.outcome !== "ok") {
    // Not proven healthy yet: stay halted and look again later.
    const unhealthy = s.unhealthy;
    if (unhealthy) {
      const delay = recheckDelayMs(ctx);
      s.unhealthy = { ...unhealthy, recheckAt: ctx.now + delay };
      startTimer(ctx, RECHECK_TIMER, delay);
    }
    return;
  }
  s.unhealthy = undefined;
  cancelTimer(ctx, RECHECK_TIMER);
  publish(ctx, { type: "info", repo: s.config.repo, message: engineMessages.recovered() });
  // Back like after a restart: commit what is there (through the guards), pull, push.
  s.pending = { ...s.pending, wholeTree: true };
  fireTrigger(ctx, "startup");
}
