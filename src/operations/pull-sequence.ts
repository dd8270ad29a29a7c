import type {
  ConflictCopy,
  LocalCommit,
  OperationRequest,
  OperationResult,
} from "../engine/operation.js";
import type { PullOrigin, PullOriginReport } from "../engine/pull-origin.js";
import type { StatusEntry } from "../engine/status-entry.js";
import { operationsMessages } from "../messages/operations-messages.js";
import type { MergeJournalEntry } from "./merge-journal.js";
import { OperationFailure, withLocalCommit } from "./operation-failure.js";
import { stripCredentials } from "./remote-url.js";

export type PullRequest = Extract<OperationRequest, { kind: "pull" }>;

/** What bringing one other history in did: the conflicts it kept both sides of. */
export interface Integrated {
  conflicts: ConflictCopy[];
  /** A merge commit was made (it exists only here until pushed). */
  merged: boolean;
}

export interface OriginOutcome extends Integrated {
  report: PullOriginReport;
}

export interface RemoteOutcome extends Integrated {
  /** Whether this history has commits the remote lacks; asked only when nothing else says so. */
  ahead(): Promise<boolean>;
  /** The paths the remote's step changed in the tree, when its command reported them. */
  changedPaths?: string[];
}

/**
 * The DVCS-specific steps of a pull for hg and brz: each knows its commands, the sequence
 * around them (finish our own interrupted merge, commit local work, the announcing machine,
 * the remote) is the same and lives in `runPullSequence`.
 */
export interface PullSteps {
  mergePending(): Promise<boolean>;
  journal: { read(): Promise<MergeJournalEntry | undefined>; clear(): Promise<void> };
  /** Finishes a merge of ours that a kill left open, exactly as the pull would have. */
  finishMerge(started: MergeJournalEntry, request: PullRequest): Promise<ConflictCopy[]>;
  head(): Promise<string | undefined>;
  status(): Promise<OperationResult>;
  commit(entries: readonly StatusEntry[], message: string): Promise<OperationResult>;
  /** Never throws for the peer's sake: an unreachable or refused peer is only reported. */
  fromOrigin(request: PullRequest, origin: PullOrigin): Promise<OriginOutcome>;
  /** Throws RemoteUnreachable when the remote cannot be reached. */
  fromRemote(request: PullRequest): Promise<RemoteOutcome>;
  /** Paths changed from `from` (undefined: from an empty history) to `to`. */
  changedBetween(from: string | undefined, to: string): Promise<string[]>;
}

/**
 * A pull that can lose nothing: local work is committed before anything is merged, so undoing a
 * merge (revert, update --clean) can never touch an uncommitted edit; a failure after that
 * commit still reports it.
 */
export async function runPullSequence(
  request: PullRequest,
  steps: PullSteps,
): Promise<OperationResult> {
  const made: { commit?: LocalCommit } = {};
  try {
    return await pullInto(request, steps, made);
  } catch (error) {
    throw withLocalCommit(error, made.commit);
  }
}

async function pullInto(
  request: PullRequest,
  steps: PullSteps,
  made: { commit?: LocalCommit },
): Promise<OperationResult> {
  if (await steps.mergePending()) {
    const started = await steps.journal.read();
    if (!started) throw new OperationFailure(operationsMessages.mergeInProgress);
    const conflicts = await steps.finishMerge(started, request);
    const after = (await steps.head()) ?? "";
    const changedPaths = await steps.changedBetween(started.local, after);
    return {
      kind: "pull",
      outcome: "updated",
      head: after,
      changedPaths,
      conflicts,
      needsPush: true,
    };
  }
  // A note without a merge: killed before the merge began or after it was committed.
  await steps.journal.clear();

  const local = await steps.status();
  if (local.kind === "status" && local.outcome === "ok" && local.entries.length > 0) {
    const committed = await steps.commit(local.entries, request.commitMessage);
    if (committed.kind === "commit" && committed.outcome === "committed") {
      // Reported like any commit: the engine would otherwise never know it was made.
      const { head, entries } = committed;
      made.commit = { head, entries, message: request.commitMessage };
    }
  }
  const before = await steps.head();
  // The announcing machine first (peers.pullFromOrigin), then the central remote as always:
  // the remote stays the authority, and the push after this pull keeps it so. When the remote
  // is unreachable, what came from the origin stays merged and committed; the engine retries.
  const origin = request.origin ? await steps.fromOrigin(request, request.origin) : undefined;
  const remote = await steps.fromRemote(request);
  const needsPush =
    made.commit !== undefined ||
    remote.merged ||
    (origin?.merged ?? false) ||
    (await remote.ahead());
  const conflicts = [...(origin?.conflicts ?? []), ...remote.conflicts];
  const after = await steps.head();
  const extra = {
    ...(origin ? { origin: origin.report } : {}),
    ...(made.commit ? { localCommit: made.commit } : {}),
  };
  // What the remote's command reported is the whole change unless the origin moved us too.
  const reported = origin?.report.outcome === "merged" ? undefined : remote.changedPaths;
  const changedPaths =
    after !== undefined && after !== before
      ? (reported ?? (await steps.changedBetween(before, after)))
      : undefined;
  return {
    kind: "pull",
    outcome: changedPaths ? "updated" : "up-to-date",
    head: after ?? "",
    changedPaths: changedPaths ?? [],
    conflicts,
    needsPush,
    ...extra,
  };
}

/** An origin outcome that brought nothing: refused, failed or already here. */
export function originReport(
  url: string,
  outcome: PullOriginReport["outcome"],
  detail?: string,
): OriginOutcome {
  return {
    report: { url: stripCredentials(url), outcome, ...(detail !== undefined ? { detail } : {}) },
    conflicts: [],
    merged: false,
  };
}
