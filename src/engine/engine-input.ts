import type { LocalCommit, OperationResult } from "./operation.js";

/** Everything that can happen to a repository, as the runtime reports it to `step`. */
export type EngineInput =
  | { type: "started" }
  /** The watcher saw something. Only a trigger: status decides what is really local. */
  | { type: "changesObserved"; paths: readonly string[] }
  /** The watcher lost track (overflow, watch limit): look at the whole tree. */
  | { type: "rescanNeeded"; reason: string }
  | { type: "timerFired"; timer: string }
  | { type: "operationFinished"; result: OperationResult }
  | {
      type: "announcementReceived";
      channel: string;
      fromHost: string;
      head?: string;
      /** The announcing machine's own pull URL; only passed when `peers.pullFromOrigin` is on. */
      pullUrl?: string;
    }
  | { type: "syncRequested" }
  /** Also closes the commit-message prompt (Enter): its message goes with the held changes. */
  | { type: "commitRequested"; message?: string }
  /**
   * A change the user asked for (`autosync resolve`, `restore`) was committed in the
   * repository's operation slot, outside the engine: it is pushed and announced like any.
   */
  | { type: "userChangeCommitted"; commit: LocalCommit }
  /**
   * The terminal UI's commit-message prompt opened: the "commit after changes" quiet period
   * waits for the user's message, never past its maxWait (maxCommitDelay).
   */
  | { type: "commitPromptOpened" }
  /** The prompt closed without a message (Esc): held changes are committed as usual. */
  | { type: "commitPromptClosed" }
  | { type: "pauseRequested" }
  | { type: "resumeRequested"; allowDeletions: boolean }
  /** Finish the operation in flight, run nothing new, then emit `stopped`. */
  | { type: "shutdownRequested" };
