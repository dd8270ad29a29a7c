import { engineMessages } from "../messages/engine-messages.js";
import { drain } from "./action-queue.js";
import { commitPromptOpened, releaseCommitPrompt } from "./commit-prompt.js";
import type { Effect } from "./effect.js";
import type { EngineInput } from "./engine-input.js";
import type { EngineState } from "./engine-state.js";
import { retryTimerFired } from "./offline.js";
import { madeCommit, operationFinished, pushRetryTimerFired } from "./operation-results.js";
import { pauseRequested, resumeRequested, startIntervalTimer } from "./pause.js";
import { SAMPLE_SIZE, addPending, hasPending } from "./pending-changes.js";
import type { RepoStateName } from "./repo-state.js";
import { cancelQuietPeriods, enqueue, fireTrigger, ruleTimerFired } from "./rules.js";
import type { StepContext } from "./step-context.js";
import {
  INTERVAL_TIMER,
  MAILBOX_TIMER,
  PULL_RETRY_TIMER,
  PUSH_RETRY_TIMER,
  RECHECK_TIMER,
  RETRY_TIMER,
  cancelTimer,
  parseRuleTimer,
  publish,
} from "./step-context.js";
import { pullRetryTimerFired } from "./pull-backoff.js";
import { mailboxTimerFired } from "./mailbox-wait.js";
import { withEcho } from "./pull-echo.js";
import { recheckTimerFired } from "./unhealthy.js";

export interface StepResult {
  state: EngineState;
  /** In order: the runtime publishes, starts timers and operations as listed. */
  effects: Effect[];
}

/**
 * The whole engine: the next state and the effects to run, from the current state, one input
 * and the time. Pure: it reads no clock, touches no file, starts nothing; the runtime does what
 * the effects say and feeds the outcome back as the next input.
 */
export function step(state: EngineState, input: EngineInput, nowMs: number): StepResult {
  if (state.stopped) return { state, effects: [] };
  const ctx: StepContext = { s: { ...state }, effects: [], now: nowMs };
  const { s } = ctx;

  switch (input.type) {
    case "started":
      if (s.started) break;
      s.started = true;
      startIntervalTimer(ctx);
      fireTrigger(ctx, "startup");
      break;
    case "changesObserved":
      if (input.paths.length === 0) break;
      s.pending = withEcho(
        ctx,
        s.pending,
        addPending(s.pending, input.paths, s.config.scopedStatusMaxPaths),
        input.paths,
      );
      publish(ctx, {
        type: "changesDetected",
        repo: s.config.repo,
        count: input.paths.length,
        sample: input.paths.slice(0, SAMPLE_SIZE),
      });
      fireTrigger(ctx, "change");
      break;
    case "rescanNeeded":
      s.pending = { ...s.pending, wholeTree: true };
      publish(ctx, {
        type: "info",
        repo: s.config.repo,
        message: engineMessages.rescan(input.reason),
      });
      fireTrigger(ctx, "change");
      break;
    case "timerFired":
      timerFired(ctx, input.timer);
      break;
    case "operationFinished":
      operationFinished(ctx, input.result);
      break;
    case "announcementReceived":
      // The newest announcement decides where the next pull looks first: one without a pull
      // URL (or a reconnect) means the central remote alone.
      if (input.pullUrl !== undefined) {
        s.pullOrigin = {
          url: input.pullUrl,
          ...(input.head !== undefined ? { head: input.head } : {}),
        };
      } else {
        delete s.pullOrigin;
      }
      fireTrigger(ctx, "announcement");
      break;
    case "syncRequested":
      fireTrigger(ctx, "manual");
      break;
    case "commitRequested":
      releaseCommitPrompt(ctx);
      if (s.paused || s.unhealthy || s.shuttingDown) break;
      // First in the queue: a pull waiting for the quiet period would otherwise run first and
      // commit the user's changes itself, with the default message.
      enqueue(
        ctx,
        {
          action: { type: "commit" },
          origin: "manual",
          scope: "whole-tree",
          ...(input.message?.trim() ? { message: input.message } : {}),
        },
        true,
      );
      break;
    case "commitPromptOpened":
      commitPromptOpened(ctx);
      break;
    case "commitPromptClosed":
      releaseCommitPrompt(ctx);
      break;
    case "userChangeCommitted":
      madeCommit(ctx, input.commit);
      fireTrigger(ctx, "committed");
      break;
    case "pauseRequested":
      pauseRequested(ctx);
      break;
    case "resumeRequested":
      resumeRequested(ctx, input.allowDeletions);
      break;
    case "shutdownRequested":
      shutdown(ctx);
      break;
  }

  drain(ctx);
  if (s.shuttingDown) {
    // The result of the last operation may ask for a backoff retry or a recheck; after shutdown
    // nothing is retried, and a timer left behind would keep the process alive.
    ctx.effects = ctx.effects.filter((effect) => effect.type !== "startTimer");
  }
  if (s.shuttingDown && !s.inFlight && !s.stopped) {
    s.stopped = true;
    ctx.effects.push({ type: "stopped" });
  }
  publishStateChange(ctx);
  return { state: s, effects: ctx.effects };
}

function timerFired(ctx: StepContext, timer: string): void {
  const { s } = ctx;
  if (timer === INTERVAL_TIMER) {
    // A stale or duplicate interval timer must not start a second chain of pulls.
    if (s.intervalAt === undefined || ctx.now < s.intervalAt) return;
    startIntervalTimer(ctx);
    fireTrigger(ctx, "interval");
    return;
  }
  if (timer === RETRY_TIMER) return retryTimerFired(ctx);
  if (timer === RECHECK_TIMER) return recheckTimerFired(ctx);
  if (timer === PUSH_RETRY_TIMER) return pushRetryTimerFired(ctx);
  if (timer === PULL_RETRY_TIMER) return pullRetryTimerFired(ctx);
  if (timer === MAILBOX_TIMER) return mailboxTimerFired(ctx);
  const rule = parseRuleTimer(timer);
  if (rule !== undefined) ruleTimerFired(ctx, rule);
}

function shutdown(ctx: StepContext): void {
  const { s } = ctx;
  if (s.shuttingDown) return;
  s.shuttingDown = true;
  // Pending changes are not committed now: a commit started during shutdown could be cut off
  // half-way; the next start commits them first thing.
  s.queue = [];
  cancelQuietPeriods(ctx);
  if (s.intervalAt !== undefined) cancelTimer(ctx, INTERVAL_TIMER);
  s.intervalAt = undefined;
  if (s.offline) cancelTimer(ctx, RETRY_TIMER);
  if (s.unhealthy) cancelTimer(ctx, RECHECK_TIMER);
  if (s.pushRetryAt !== undefined) cancelTimer(ctx, PUSH_RETRY_TIMER);
  s.pushRetryAt = undefined;
  if (s.pullBackoff) cancelTimer(ctx, PULL_RETRY_TIMER);
  if (s.mailboxWait) cancelTimer(ctx, MAILBOX_TIMER);
  s.mailboxWait = undefined;
}

/** The state the user sees, derived from the facts so it can never disagree with them. */
export function deriveStateName(s: EngineState): RepoStateName {
  if (s.paused) return "paused";
  if (s.unhealthy) return "error";
  if (s.inFlight) {
    if (s.inFlight.op === "push") return "pushing";
    if (s.inFlight.op === "pull") return "pulling";
    if (s.inFlight.op === "status" && s.inFlight.purpose === "before-pull") return "pulling";
    return "committing";
  }
  if (s.offline) return "offline";
  if (s.conflictShown) return "conflict";
  if (
    hasPending(s.pending) ||
    s.queue.length > 0 ||
    s.pushRetryAt !== undefined ||
    s.mailboxWait !== undefined ||
    s.quiet.some((period) => period !== null)
  ) {
    return "pending";
  }
  return "idle";
}

function publishStateChange(ctx: StepContext): void {
  const { s } = ctx;
  const next = deriveStateName(s);
  if (next === s.name) return;
  publish(ctx, {
    type: "stateChanged",
    repo: s.config.repo,
    from: s.name,
    to: next,
    durationMs: Math.max(0, ctx.now - s.since),
  });
  s.name = next;
  s.since = ctx.now;
}
