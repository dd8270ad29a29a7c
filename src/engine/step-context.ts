import type { AutosyncEventBody } from "../events/autosync-event.js";
import type { Effect } from "./effect.js";
import type { EngineState } from "./engine-state.js";

/**
 * One step in progress: a shallow copy of the state that the rule modules replace fields of
 * (never mutating the nested values they share with the previous state), and the effects
 * collected so far, in the order the runtime must run them.
 */
export interface StepContext {
  s: EngineState;
  effects: Effect[];
  now: number;
}

/** Timer ids: one per pipeline rule plus the engine's own clocks. */
export const INTERVAL_TIMER = "interval";
export const RETRY_TIMER = "retry";
export const RECHECK_TIMER = "recheck";
export const PUSH_RETRY_TIMER = "push-retry";
export const PULL_RETRY_TIMER = "pull-retry";
export const MAILBOX_TIMER = "mailbox-wait";
export const ruleTimer = (index: number): string => `rule:${index}`;

export function parseRuleTimer(timer: string): number | undefined {
  const match = /^rule:(\d+)$/.exec(timer);
  return match ? Number(match[1]) : undefined;
}

export function publish(ctx: StepContext, event: AutosyncEventBody): void {
  ctx.effects.push({ type: "publish", event });
}

export function startTimer(ctx: StepContext, timer: string, delayMs: number): void {
  ctx.effects.push({ type: "startTimer", timer, delayMs: Math.max(0, delayMs) });
}

export function cancelTimer(ctx: StepContext, timer: string): void {
  ctx.effects.push({ type: "cancelTimer", timer });
}
