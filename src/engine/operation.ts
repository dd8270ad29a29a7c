import type { PullOrigin, PullOriginReport } from "./pull-origin.js";
import type { StatusEntry } from "./status-entry.js";

/**
 * What the engine asks the runtime to do with the DVCS. Each operation runs one at a time per
 * repository and starts with the health check (root exists, is a directory, still holds its
 * metadata directory), so a vanished or unmounted root never looks like "everything deleted".
 */
export type OperationRequest =
  /** Ask the DVCS what is local. `paths` scopes the status when that is cheaper. */
  | { kind: "status"; paths?: readonly string[] }
  /** Record exactly these entries (as status reported them) in one commit. */
  | { kind: "commit"; entries: readonly StatusEntry[]; message: string }
  | { kind: "push" }
  /**
   * Bring remote changes in. Before merging, the operation commits whatever is local with
   * `commitMessage` so no local edit can be overwritten; conflicts are resolved by keeping both
   * sides (the remote at the path, the local beside it under `conflictCopyName`).
   */
  | {
      kind: "pull";
      commitMessage: string;
      host: string;
      nowMs: number;
      /**
       * Paths the pre-merge commit must leave out: files above the large-file limit that the
       * config says to skip (the engine already warned). Absent or empty: commit everything.
       */
      skipPaths?: readonly string[];
      /**
       * `peers.pullFromOrigin`: fetch from the announcing machine first, then pull from the
       * central remote as always. A failed or refused origin is no error, only a report.
       */
      origin?: PullOrigin;
      /**
       * Merge even when another clone's mailbox won the merger election (git): the deferral's
       * fallback ran out without the merger's push arriving (a silent channel, a dead merger).
       */
      takeOver?: boolean;
      /**
       * The engine knows nothing local is uncommitted (`treeClean`: the last whole-tree look
       * found nothing and every change reported since is committed). A fast-forward that
       * refuses to touch a changed file may then run without a status first; anything else
       * still looks (and commits) before it merges.
       */
      treeClean?: true;
    };

export type OperationKind = OperationRequest["kind"];

export type HealthProblem = "missing" | "not-a-directory" | "marker-missing";

export interface ConflictCopy {
  /** The path that conflicted; it now holds the remote version. */
  path: string;
  /** Where the local version was kept. Undefined when the local side was a deletion. */
  copyPath?: string;
  /**
   * `directory-file`: a file and a directory met at one path; the directory stays at `path`
   * and the file, from whichever side, is kept beside it under `copyPath`.
   */
  kind: "both-modified" | "both-added" | "deleted-locally" | "deleted-remotely" | "directory-file";
}

/** A commit an operation made on its own, reported so no commit goes unseen. */
export interface LocalCommit {
  head: string;
  entries: StatusEntry[];
  message: string;
}

export interface FailedCommand {
  argv: readonly string[];
  exitCode: number | undefined;
  stderrTail: string;
}

export type OperationResult =
  | {
      kind: "status";
      outcome: "ok";
      entries: StatusEntry[];
      /** Tracked files before these changes; only filled when deletions could trip the guard. */
      trackedCount?: number;
      /**
       * Changed files the DVCS cannot record (hg and brz refuse names with a newline): left
       * untouched on disk and out of `entries`, reported so the user learns why.
       */
      unstorable?: string[];
    }
  | { kind: "commit"; outcome: "committed"; head: string; entries: StatusEntry[] }
  | { kind: "commit"; outcome: "nothing-to-commit" }
  | { kind: "push"; outcome: "pushed" | "up-to-date"; head: string; mailbox?: true }
  /**
   * Someone pushed first: pull, then push again. `mailbox`: the push also delivered this clone's
   * mailbox (git), so the merger election sees its head even though main refused it.
   */
  | { kind: "push"; outcome: "rejected"; mailbox?: true }
  | {
      kind: "pull";
      outcome: "up-to-date" | "updated";
      head: string;
      changedPaths: string[];
      conflicts: ConflictCopy[];
      /** Whether the pull made local commits (pre-pull commit or merge) that need a push. */
      needsPush: boolean;
      /** What the fetch from the announcing machine did, when the request named one. */
      origin?: PullOriginReport;
      /**
       * The commit of local work the pull made before merging (`commitMessage`), when it made
       * one: a commit like any other, which the engine reports as `committed`.
       */
      localCommit?: LocalCommit;
      /**
       * git mailboxes: a merge was needed and another clone (this mailbox) was elected to do
       * it; nothing was merged, and the engine waits for the merger's push (see mailbox-wait.ts).
       */
      deferredTo?: string;
      /**
       * With `deferredTo`: this pull's fetch found main moved since the last one, so some clone
       * merged and pushed meanwhile; the merger election is making progress.
       */
      mainMoved?: true;
      /**
       * git mailboxes: this clone was elected to merge other clones' mailboxes, whose owners
       * now wait for its push (see pushRejected: the merger does not back off).
       */
      mergedMailboxes?: true;
      /** This repository's pushes carry a mailbox (git): see EngineState.mailboxPushes. */
      mailboxPushes?: true;
    }
  /**
   * The remote cannot be reached (network, host down, auth prompt refused). A pull may have
   * committed local work (and merged the announcing machine) before: `localCommit`.
   */
  | { kind: OperationKind; outcome: "offline"; reason: string; localCommit?: LocalCommit }
  /** The root failed the health check; nothing was run. */
  | { kind: OperationKind; outcome: "unhealthy"; problem: HealthProblem; detail: string }
  /** Anything else went wrong; the repository is left as it was before the operation. */
  | {
      kind: OperationKind;
      outcome: "failed";
      message: string;
      command?: FailedCommand;
      /** A commit made before the failure (a pull's of local work, brz's earlier batches); it stays. */
      localCommit?: LocalCommit;
    };
