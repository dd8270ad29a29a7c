import type { EngineConfig } from "./engine-config.js";
import type { ConflictCopy, HealthProblem, OperationKind } from "./operation.js";
import type { PipelineAction, Trigger } from "./pipeline.js";
import type { PullOrigin } from "./pull-origin.js";
import type { RepoStateName } from "./repo-state.js";
import type { StatusEntry } from "./status-entry.js";

/**
 * Everything one repository's engine knows, as one plain value: no class, no function, no
 * reference to the outside world. `step` returns a new one; the old one is never mutated, so a
 * test can keep and compare states and the UI can print any of them.
 */
export interface EngineState {
  config: EngineConfig;
  /** The state shown to the user; derived from the fields below after every step. */
  name: RepoStateName;
  /** When `name` was entered (ms since epoch). */
  since: number;
  pending: PendingChanges;
  /** One entry per pipeline rule (same index): the running quiet period, or null. */
  quiet: readonly (QuietPeriod | null)[];
  /** Actions waiting for the repository: DVCS operations run one at a time, in this order. */
  queue: readonly QueuedAction[];
  inFlight?: InFlight;
  /**
   * Rejected pushes in a row whose following pull brought nothing new: the remote refuses for
   * some other reason. Reset by a successful push, by a pull that brings something (that was
   * contention, not failure) and when the engine gives up.
   */
  rejectedPushes: number;
  /** Rejected pushes in a row of any kind, for the re-push backoff; reset by a successful push. */
  contendedPushes?: number;
  /** When the pull and re-push after a rejected push run (the contention backoff). */
  pushRetryAt?: number;
  /**
   * git mailboxes: another clone was elected to merge this one's head (see mailbox-wait.ts).
   * `takeOver`: the fallback ran out, and the next pull merges whatever the election says.
   */
  mailboxWait?: { merger: string; since: number; fallbackAt: number; takeOver?: boolean };
  offline?: OfflineState;
  /**
   * Every local change since the last whole-tree look is committed or in `pending`: a
   * whole-tree status found nothing (or all it found was committed) and no status or commit
   * failed since. Then the whole-tree status before a pull would find nothing the watcher has
   * not reported, and is skipped while nothing is pending. See `startPull`.
   */
  treeClean?: boolean;
  /** Failed pulls in a row (not offline ones): pulls wait for a backoff; see pull-backoff.ts. */
  pullBackoff?: PullBackoffState;
  /**
   * The paths the last pull that merged wrote, and until when the watcher's reports of them
   * count as that pull's echo (see pull-echo.ts).
   */
  pullWrites?: { paths: readonly string[]; until: number };
  /** Seeded PRNG state (mulberry32) for backoff jitter: repeatable per seed. */
  rng: number;
  paused?: PausedState;
  unhealthy?: UnhealthyState;
  /**
   * The terminal UI's commit-message prompt is open (see commit-prompt.ts); `defaultUsedAt`:
   * when the hold reached maxCommitDelay and the changes went with the default message.
   */
  commitPrompt?: { openedAt: number; defaultUsedAt?: number };
  /** Set by `resume --allow-deletions`: the next commit passes the deletion guard once. */
  allowDeletionsOnce: boolean;
  /** Names the DVCS cannot store that the user was told of (see unstorable-names.ts). */
  warnedUnstorable?: readonly string[];
  /** Large files already warned about: path → size in bytes (a new size warns again). */
  warnedLargeFiles: Readonly<Record<string, number>>;
  /** Commits were made that no push has confirmed yet. */
  unpushed: boolean;
  /**
   * This repository's pushes deliver a mailbox (git, learned from a pull or push result): a
   * rejected push still puts this clone's head where the merger election sees it, so a due push
   * goes before an announced pull (see `pushGoesBefore`).
   */
  mailboxPushes?: true;
  /**
   * The last pull merged other clones' mailboxes and its push has not gone through: the clones
   * that mailed them wait for this push, so a rejection retries at once (see pushRejected).
   */
  mergerPushDue?: true;
  /** A pull resolved conflicts; shown until the next successful push. */
  conflictShown: boolean;
  /**
   * Where the next pull fetches first (the latest announcement's pull URL); taken by the pull
   * that starts next, so a storm of announcements folded into one pull keeps the newest.
   */
  pullOrigin?: PullOrigin;
  /** Due time of the recurring interval pull, when it runs. */
  intervalAt?: number;
  lastCommit?: { head: string; at: number; files: number };
  lastPush?: { head: string; at: number };
  lastPull?: { head: string; at: number; changedPaths: number };
  lastConflict?: { at: number; conflicts: ConflictCopy[] };
  /** The last failed operation, cleared by the next operation that succeeds. */
  lastFailure?: { at: number; operation: OperationKind; message: string; hint?: string };
  started: boolean;
  shuttingDown: boolean;
  stopped: boolean;
}

/**
 * Paths the watcher reported since the last status took them. Only a hint for scoping the
 * status: what is committed comes from the status itself. At most `cap` distinct paths are
 * listed (20,000 pending paths would make every step copy 20,000 strings); beyond that the next
 * status covers the whole tree anyway.
 */
export interface PendingChanges {
  paths: readonly string[];
  /** Notifications beyond the listed paths (may count one path twice). */
  unlisted: number;
  /** Ask for a whole-tree status (watcher overflow, rescan, too many paths, a blocked commit). */
  wholeTree: boolean;
  /** Every listed path was reported as the echo of a pull's own writes (see pull-echo.ts). */
  echo?: boolean;
}

export interface QuietPeriod {
  /** First trigger of this period: `maxWaitMs` counts from here. */
  firstAt: number;
  dueAt: number;
  /** The trigger the actions run for: any trigger other than `change` wins (whole-tree commit). */
  origin: Trigger;
  /** Kept past its quiet period for the commit-message prompt (commit-prompt.ts). */
  held?: boolean;
}

/** Where a queued action came from: a pipeline trigger or one of the engine's own safety rules. */
export type ActionOrigin =
  | Trigger
  /** The commit that must come before a pull so no local edit meets a merge uncommitted. */
  | "before-pull"
  /** The pull and push again after a rejected push. */
  | "rejected-push"
  /** A pull that merged or resolved conflicts made commits that must reach the remote. */
  | "after-pull"
  /** The offline retry timer. */
  | "retry";

export interface QueuedAction {
  action: PipelineAction;
  origin: ActionOrigin;
  /** commit only: look at the pending paths, or at the whole tree. */
  scope?: "pending" | "whole-tree";
  /** commit only: the user's message (`autosync commit -m`). */
  message?: string;
  /**
   * pull only: when this pull first had to wait for local changes to be committed. A pull
   * waits for the running "commit after changes" quiet period (so it never cuts a burst, a
   * half-finished `rm -r` included, into pieces), but only so long: see `pullPatienceMs`.
   */
  waitingSince?: number;
  /** pull only: the whole-tree look since the last commit before this pull was done. */
  looked?: boolean;
}

export type InFlight =
  | {
      op: "status";
      purpose: "commit";
      startedAt: number;
      /** Paths taken from `pending` for this status; returned to it if the commit does not happen. */
      taken: PendingChanges;
      message?: string;
      /** The status looked at the whole tree, not only at the pending paths. */
      wholeTree?: boolean;
      /**
       * Run before its quiet period ended because `taken` was only a pull's echo: what it finds
       * changed is the user's edit and waits for its quiet period instead (pull-echo.ts).
       */
      echoOnly?: boolean;
    }
  /** A health probe while the root is unhealthy: any operation checks the root first. */
  | { op: "status"; purpose: "probe"; startedAt: number }
  /** The whole-tree look before a pull: nothing local may meet the merge unguarded. */
  | { op: "status"; purpose: "before-pull"; startedAt: number }
  | {
      op: "commit";
      startedAt: number;
      entries: readonly StatusEntry[];
      message: string;
      taken: PendingChanges;
      /** Its entries came from a whole-tree status: once committed, the tree is clean. */
      wholeTree?: boolean;
    }
  | { op: "push"; startedAt: number; origin: ActionOrigin }
  | { op: "pull"; startedAt: number; origin: ActionOrigin };

export interface OfflineState {
  since: number;
  reason: string;
  /** Offline results in a row: the backoff exponent. */
  attempt: number;
  retryAt: number;
  /** What the retry timer runs. */
  retryPush: boolean;
  retryPull: boolean;
}

export interface PullBackoffState {
  /** Failed pulls in a row: the backoff exponent. */
  attempt: number;
  /** Until then no pull runs but a manual one. */
  retryAt: number;
  /** The last failure's message: the same one again publishes no new error event. */
  message: string;
  /** A push was rejected (or dropped with its pull): pushes wait for the pull too. */
  pushWaits: boolean;
}

export interface PausedState {
  reason: "user" | "deletions";
  message: string;
  hint?: string;
}

export interface UnhealthyState {
  problem: HealthProblem;
  detail: string;
  since: number;
  recheckAt: number;
}
