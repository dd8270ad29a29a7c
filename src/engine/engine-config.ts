import type { PipelineRule } from "./pipeline.js";

/** Everything the engine needs to decide, already parsed: durations in ms, no strings to re-read. */
export interface EngineConfig {
  /** Display name of the repository (unique within one config). */
  repo: string;
  /** This machine's name, for commit messages and conflict copies. */
  host: string;
  timers: {
    commitDelayMs: number;
    maxCommitDelayMs: number;
    pushDelayMs: number;
    /** 0 disables the fallback pull. */
    pullIntervalMs: number;
  };
  pipeline: readonly PipelineRule[];
  deletionGuard: {
    /** Share of tracked files (0..1) one quiet period may delete before the repository pauses. */
    maxShare: number;
    /** ...and only when at least this many files would be deleted. */
    minFiles: number;
  };
  largeFiles: {
    maxBytes: number;
    /** What to do with a file above `maxBytes`: leave it out of commits, or commit it anyway. */
    action: "skip" | "commit";
  };
  retry: {
    /** Rejected pushes in a row before the engine gives up until the next trigger. */
    maxRejectedPushes: number;
    /** Offline backoff: first delay, cap, and the jitter share (0..1) added on top. */
    initialBackoffMs: number;
    maxBackoffMs: number;
    jitter: number;
  };
  /** Above this many changed paths the engine asks for a whole-tree status. */
  scopedStatusMaxPaths: number;
}
