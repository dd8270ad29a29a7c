import type { EngineConfig } from "./engine-config.js";
import type { EngineState } from "./engine-state.js";
import { NO_PENDING } from "./pending-changes.js";

/**
 * The state of a repository before `started`. `seed` makes the backoff jitter repeatable (tests
 * pass a fixed one; the runtime may pass anything, e.g. derived from host and repository);
 * `nowMs` is when the engine was created, for the first `stateChanged` duration.
 */
export function createEngine(config: EngineConfig, seed = 1, nowMs = 0): EngineState {
  return {
    config,
    name: "idle",
    since: nowMs,
    pending: NO_PENDING,
    quiet: config.pipeline.map(() => null),
    queue: [],
    rejectedPushes: 0,
    rng: seed >>> 0,
    allowDeletionsOnce: false,
    warnedLargeFiles: {},
    unpushed: false,
    conflictShown: false,
    started: false,
    shuttingDown: false,
    stopped: false,
  };
}

export const initialState = createEngine;
