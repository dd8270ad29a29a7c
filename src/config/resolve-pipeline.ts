import type { PipelineAction, PipelineRule } from "../engine/pipeline.js";
import type { PipelineActionSpec, PipelineSpec } from "../recipes/recipe.js";
import { parseDuration } from "./duration.js";

/** The timers a rule's `quietPeriod`/`maxWait` may name, already in ms. */
export interface NamedTimersMs {
  commitDelay: number;
  maxCommitDelay: number;
  pushDelay: number;
}

export class PipelineResolutionError extends Error {
  override name = "PipelineResolutionError";
}

/**
 * Turns schema-valid pipeline rules (from a recipe or the config) into the engine's
 * PipelineRule: timer names and duration strings become ms, actions become tagged objects.
 */
export function resolvePipeline(spec: PipelineSpec, timers: NamedTimersMs): PipelineRule[] {
  return spec.map((rule) => {
    const resolved: PipelineRule = {
      on: [...rule.on],
      actions: rule.do.map(resolveAction),
    };
    const quietMs = resolveDelay(rule.quietPeriod, timers);
    const maxWaitMs = resolveDelay(rule.maxWait, timers);
    return {
      ...resolved,
      ...(quietMs !== undefined ? { quietMs } : {}),
      ...(maxWaitMs !== undefined ? { maxWaitMs } : {}),
    };
  });
}

function resolveDelay(delay: string | undefined, timers: NamedTimersMs): number | undefined {
  if (delay === undefined) return undefined;
  if (delay in timers) return timers[delay as keyof NamedTimersMs];
  const ms = parseDuration(delay);
  // The schema only lets timer names and durations through; anything else is a bug upstream.
  if (ms === undefined) throw new PipelineResolutionError(`not a timer name or duration: ${delay}`);
  return ms;
}

function resolveAction(action: PipelineActionSpec): PipelineAction {
  if (typeof action === "string") return { type: action };
  if ("notify" in action) return { type: "notify", kind: action.notify };
  return { type: "run", argv: [...action.run] };
}
