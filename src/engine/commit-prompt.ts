import { engineMessages } from "../messages/engine-messages.js";
import type { QuietPeriod } from "./engine-state.js";
import type { PipelineRule } from "./pipeline.js";
import type { StepContext } from "./step-context.js";
import { publish, ruleTimer, startTimer } from "./step-context.js";

/**
 * While the terminal UI's commit-message prompt is open, the commit a quiet period would make
 * waits for the user's message: otherwise the change the user is describing is committed with
 * the default message under their fingers, and the typed message has nothing left to go with.
 * The wait never passes the rule's maxWait (maxCommitDelay, counted from the first change), so
 * a user who walks away still gets their work committed, with the default message.
 */
export function commitPromptOpened(ctx: StepContext): void {
  ctx.s.commitPrompt = { openedAt: ctx.now };
}

/**
 * Enter or Esc: the hold ends. Periods it kept past their quiet period end now; Enter's own
 * commit (queued right after) covers them, Esc lets them commit with the default message.
 */
export function releaseCommitPrompt(ctx: StepContext): void {
  const { s } = ctx;
  if (!s.commitPrompt) return;
  s.commitPrompt = undefined;
  if (!s.quiet.some((period) => period?.held)) return;
  s.quiet = s.quiet.map((period, index) => {
    if (!period?.held) return period;
    startTimer(ctx, ruleTimer(index), 0);
    return { firstAt: period.firstAt, dueAt: ctx.now, origin: period.origin };
  });
}

/**
 * Called when a rule's quiet period ended: true if the open prompt keeps it going (the rule's
 * timer restarted at the cap). At the cap the commit goes on with the default message, and the
 * prompt is told so.
 */
export function holdForPrompt(
  ctx: StepContext,
  rule: PipelineRule,
  index: number,
  period: QuietPeriod,
): boolean {
  const { s } = ctx;
  if (!s.commitPrompt || !commitsAfterChanges(rule)) return false;
  const maxWaitMs = rule.maxWaitMs ?? s.config.timers.maxCommitDelayMs;
  const capAt = period.firstAt + Math.max(0, maxWaitMs);
  if (ctx.now < capAt) {
    const quiet = [...s.quiet];
    quiet[index] = { ...period, dueAt: capAt, held: true };
    s.quiet = quiet;
    startTimer(ctx, ruleTimer(index), capAt - ctx.now);
    return true;
  }
  s.commitPrompt = { ...s.commitPrompt, defaultUsedAt: ctx.now };
  publish(ctx, {
    type: "info",
    repo: s.config.repo,
    message: engineMessages.commitPromptTimedOut(maxWaitMs),
  });
  return false;
}

function commitsAfterChanges(rule: PipelineRule): boolean {
  return rule.on.includes("change") && rule.actions.some((action) => action.type === "commit");
}
