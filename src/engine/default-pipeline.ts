import type { EngineConfig } from "./engine-config.js";
import type { PipelineRule } from "./pipeline.js";

/**
 * The pipeline a recipe gets unless it declares its own: commit after a quiet period (capped),
 * push after its own quiet period so a series of commits goes out together, announce the push,
 * pull on announcements, the interval and `sync`, and catch up at startup.
 */
export function defaultPipeline(timers: EngineConfig["timers"]): PipelineRule[] {
  return [
    {
      on: ["change"],
      quietMs: timers.commitDelayMs,
      maxWaitMs: timers.maxCommitDelayMs,
      actions: [{ type: "commit" }],
    },
    { on: ["committed"], quietMs: timers.pushDelayMs, actions: [{ type: "push" }] },
    { on: ["pushed"], actions: [{ type: "announce" }, { type: "notify", kind: "pushed" }] },
    // Before the pull rule, so `sync` commits (through the guards) before it merges.
    {
      on: ["startup", "manual"],
      actions: [{ type: "commit" }, { type: "pull" }, { type: "push" }],
    },
    { on: ["announcement", "interval", "manual"], actions: [{ type: "pull" }] },
    { on: ["pulled"], actions: [{ type: "notify", kind: "pulled" }] },
    { on: ["conflict"], actions: [{ type: "notify", kind: "conflict" }] },
  ];
}
