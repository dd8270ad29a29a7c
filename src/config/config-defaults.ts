import type { EngineConfig } from "../engine/engine-config.js";

/**
 * What a config that leaves a key out gets. The schema's `default` annotations say the same
 * (docs/config.md is generated from them); a unit test keeps the two in agreement.
 */
export const CONFIG_DEFAULTS = {
  recipe: "git",
  timers: { commitDelay: "2s", maxCommitDelay: "60s", pushDelay: "5s", pullInterval: "10m" },
  deletionGuard: { maxShare: "50%", minFiles: 100 },
  largeFiles: { maxSize: "50MB", action: "skip" },
  watcher: { backend: "native", rescanInterval: "5m" },
  pidfile: "~/.autosync.pid",
  mqttTopicPrefix: "autosync",
  notifyCoalesce: "10s",
} as const;

/** Engine settings the config does not expose (yet): tuned defaults. */
export const ENGINE_DEFAULTS: Pick<EngineConfig, "retry" | "scopedStatusMaxPaths"> = {
  retry: { maxRejectedPushes: 5, initialBackoffMs: 2000, maxBackoffMs: 300_000, jitter: 0.2 },
  scopedStatusMaxPaths: 500,
};
