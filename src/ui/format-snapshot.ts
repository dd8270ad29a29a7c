import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import { stateLabels, uiMessages } from "../messages/ui-messages.js";
import { agoText, shortDuration, untilText } from "./relative-time.js";

/** How many pending paths a panel or `autosync status` lists by name. */
export const PENDING_SAMPLE_LINES = 3;
/** How many conflict copies are named before "… +N more". */
export const CONFLICT_LINES = 3;

/**
 * One repository as lines of plain text, shared by the terminal UI (which colours them) and
 * `autosync status` (which prints them), so both always say the same thing.
 */
export interface SnapshotText {
  repo: string;
  path: string;
  state: string;
  /** The operation running now, e.g. "running push". */
  running?: string;
  /** "commit in 4s · push in 10s", empty when nothing is scheduled. */
  countdowns: string;
  pending: string;
  pendingPaths: string[];
  lastCommit: string;
  lastPush: string;
  lastPull: string;
  remote: string;
  problem?: string;
  hint?: string;
  conflict?: string;
  conflictPaths: string[];
  /** The count of unresolved conflicts, when the daemon counted them. */
  unresolved?: string;
  /** Waiting for another clone's merge (git mailboxes), or taking it over. */
  mailboxWait?: string;
}

export function describeSnapshot(snapshot: RepoSnapshot, now: number): SnapshotText {
  const countdowns: string[] = [];
  if (snapshot.nextCommitAt !== undefined)
    countdowns.push(uiMessages.nextCommit(untilText(snapshot.nextCommitAt, now)));
  if (snapshot.nextPushAt !== undefined)
    countdowns.push(uiMessages.nextPush(untilText(snapshot.nextPushAt, now)));
  if (snapshot.nextPullAt !== undefined)
    countdowns.push(uiMessages.nextPull(untilText(snapshot.nextPullAt, now)));
  if (snapshot.retryAt !== undefined)
    countdowns.push(uiMessages.retry(untilText(snapshot.retryAt, now)));

  // Only the sample is ever read: a snapshot with 20,000 pending paths costs the same as one.
  const shown = snapshot.pendingSample.slice(0, PENDING_SAMPLE_LINES);
  const pendingPaths = [...shown];
  const more = snapshot.pendingCount - shown.length;
  if (shown.length > 0 && more > 0) pendingPaths.push(uiMessages.pendingMore(more));

  const text: SnapshotText = {
    repo: snapshot.repo,
    path: snapshot.path,
    state: `${stateLabels[snapshot.state]} for ${shortDuration(now - snapshot.stateSince)}`,
    countdowns: countdowns.join(" · "),
    pending:
      snapshot.pendingCount > 0
        ? uiMessages.pending(snapshot.pendingCount)
        : uiMessages.pendingNone,
    pendingPaths,
    lastCommit: snapshot.lastCommit
      ? uiMessages.lastCommit(
          shortId(snapshot.lastCommit.head),
          agoText(snapshot.lastCommit.at, now),
          snapshot.lastCommit.files,
        )
      : uiMessages.neverCommitted,
    lastPush: snapshot.lastPush
      ? uiMessages.lastPush(shortId(snapshot.lastPush.head), agoText(snapshot.lastPush.at, now))
      : uiMessages.neverPushed,
    lastPull: snapshot.lastPull
      ? uiMessages.lastPull(
          shortId(snapshot.lastPull.head),
          agoText(snapshot.lastPull.at, now),
          snapshot.lastPull.changedPaths,
        )
      : uiMessages.neverPulled,
    remote: snapshot.remoteUrl ? uiMessages.remote(snapshot.remoteUrl) : uiMessages.noRemote,
    conflictPaths: [],
  };
  if (snapshot.running) text.running = uiMessages.running(snapshot.running);
  if (snapshot.mailboxWait) text.mailboxWait = mailboxWaitText(snapshot.mailboxWait, now);
  if (snapshot.unresolvedConflicts !== undefined)
    text.unresolved = uiMessages.unresolvedConflicts(snapshot.unresolvedConflicts);
  if (snapshot.problem) {
    text.problem = snapshot.problem.message;
    if (snapshot.problem.hint) text.hint = snapshot.problem.hint;
  }
  if (snapshot.lastConflict && snapshot.lastConflict.conflicts.length > 0) {
    const { conflicts, at } = snapshot.lastConflict;
    text.conflict = uiMessages.conflictCopies(conflicts.length, agoText(at, now));
    text.conflictPaths = conflicts
      .slice(0, CONFLICT_LINES)
      .map((copy) => uiMessages.conflictCopy(copy.path, copy.copyPath));
    if (conflicts.length > CONFLICT_LINES)
      text.conflictPaths.push(uiMessages.pendingMore(conflicts.length - CONFLICT_LINES));
  }
  return text;
}

function mailboxWaitText(wait: NonNullable<RepoSnapshot["mailboxWait"]>, now: number): string {
  return wait.takeOver
    ? uiMessages.mailboxTakeOver(wait.merger, shortDuration(wait.fallbackAt - wait.since))
    : uiMessages.mailboxWait(
        wait.merger,
        shortDuration(now - wait.since),
        untilText(wait.fallbackAt, now),
      );
}

/** Git ids are 40 hex digits, hg 40, brz revision ids long strings: 8 characters tell them apart. */
export function shortId(head: string): string {
  return /^[0-9a-f]{12,}$/i.test(head)
    ? head.slice(0, 8)
    : head.length > 16
      ? `${head.slice(0, 15)}…`
      : head;
}

/** `autosync status`: every repository, the same lines the UI panels show. */
export function formatSnapshotsText(snapshots: readonly RepoSnapshot[], now: number): string {
  if (snapshots.length === 0) return `${uiMessages.noRepositories}\n`;
  const blocks = snapshots.map((snapshot) => {
    const text = describeSnapshot(snapshot, now);
    const lines = [
      `${text.repo}  [${text.state}${text.running ? `, ${text.running}` : ""}]  ${text.path}`,
    ];
    if (text.countdowns) lines.push(`  next   ${text.countdowns}`);
    if (text.mailboxWait) lines.push(`  ${text.mailboxWait}`);
    lines.push(`  ${text.pending}`);
    for (const path of text.pendingPaths) lines.push(`    ${path}`);
    lines.push(
      `  ${text.lastCommit}`,
      `  ${text.lastPush}`,
      `  ${text.lastPull}`,
      `  ${text.remote}`,
    );
    if (text.problem) lines.push(`  ! ${text.problem}`);
    if (text.hint) lines.push(`    ${text.hint}`);
    if (text.conflict) lines.push(`  ! ${text.conflict}`);
    for (const path of text.conflictPaths) lines.push(`    ${path}`);
    if (text.unresolved) lines.push(`  ${text.unresolved}`);
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}
