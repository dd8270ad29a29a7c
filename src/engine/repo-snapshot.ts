import type { ConflictCopy } from "./operation.js";
import type { RepoStateName } from "./repo-state.js";

/**
 * What one repository looks like right now, derived from the engine state: the terminal UI,
 * `autosync status` and the control socket all print this, so they never disagree.
 */
export interface RepoSnapshot {
  repo: string;
  path: string;
  state: RepoStateName;
  /** When the current state was entered (ms since epoch). */
  stateSince: number;
  /** The operation running now, if any. */
  running?: "status" | "commit" | "push" | "pull";
  pendingCount: number;
  /** The first few pending paths (never the whole list: 20,000 pending files must stay cheap). */
  pendingSample: string[];
  /** Due times (ms since epoch) of the next commit and push, for countdowns. */
  nextCommitAt?: number;
  nextPushAt?: number;
  nextPullAt?: number;
  lastCommit?: { head: string; at: number; files: number };
  lastPush?: { head: string; at: number };
  lastPull?: { head: string; at: number; changedPaths: number };
  lastConflict?: { at: number; conflicts: ConflictCopy[] };
  /**
   * Files with conflict copies nobody settled yet (any machine's), counted from tracked names
   * after each commit and pull; absent until first counted or when the recipe cannot list files.
   */
  unresolvedConflicts?: number;
  /** Why the repository is paused or in error, and how to go on. */
  problem?: { message: string; hint?: string };
  /**
   * Why a paused repository is paused (EngineState.paused.reason): "deletions" means the deletion
   * guard stopped it, so resuming needs `allowDeletions` to commit those deletions.
   */
  pausedBy?: "user" | "deletions";
  /** Offline: when the next retry is due. */
  retryAt?: number;
  remoteUrl?: string;
  /**
   * The UI's commit-message prompt is open and holds the next commit (`nextCommitAt` is then the
   * latest it waits); `defaultUsedAt`: the hold reached maxCommitDelay and the default was used.
   */
  commitPrompt?: { openedAt: number; defaultUsedAt?: number };
  /**
   * A pull deferred to the clone whose mailbox (`<host>-<id>`) was elected to merge: this one
   * waits for its push since `since`, and merges itself at `fallbackAt` (`takeOver` once it does).
   */
  mailboxWait?: { merger: string; since: number; fallbackAt: number; takeOver?: boolean };
}
