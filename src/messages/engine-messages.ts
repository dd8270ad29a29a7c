import type { ChangeAction } from "../engine/status-entry.js";
import type { ConflictCopy, HealthProblem, OperationKind } from "../engine/operation.js";
import type { NoticeKind } from "../engine/pipeline.js";

/** All text the rule engine shows: commit messages, errors with their hints, notices. */

export const CHANGE_ORDER: readonly ChangeAction[] = ["added", "modified", "renamed", "deleted"];

/** 1950 → "1,950": fixed grouping, so commit messages do not depend on the machine's locale. */
export function groupThousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function countsText(counts: Partial<Record<ChangeAction, number>>): string {
  return CHANGE_ORDER.filter((action) => (counts[action] ?? 0) > 0)
    .map((action) => `${groupThousands(counts[action] ?? 0)} ${action}`)
    .join(", ");
}

export const engineMessages = {
  commitSubject: (host: string, counts: Partial<Record<ChangeAction, number>>) =>
    `autosync ${host}: ${countsText(counts) || "no changes"}`,
  commitMore: (more: number, counts: Partial<Record<ChangeAction, number>>) =>
    `… and ${groupThousands(more)} more (${countsText(counts)})`,
  commitByUser: (host: string) => `(committed by autosync on ${host})`,
  commitPromptTimedOut: (maxWaitMs: number) =>
    `the commit-message prompt stayed open for maxCommitDelay (${formatDuration(maxWaitMs)}): committed with the default message`,
  userMessageUnused: (message: string) =>
    `nothing to commit: the message “${message.trim()}” was not used`,
  pullCommitMessage: (host: string) => `autosync ${host}: local changes before pull`,

  deletionGuard: (deleted: number, tracked: number | undefined, everyFile: boolean) =>
    tracked === undefined
      ? `${groupThousands(deleted)} tracked files would be deleted: not committing and not pulling`
      : everyFile
        ? `all ${groupThousands(tracked)} tracked files would be deleted (an unmounted drive or an emptied folder looks like this): not committing and not pulling`
        : `${groupThousands(deleted)} of ${groupThousands(tracked)} tracked files would be deleted: not committing and not pulling`,
  deletionGuardHint: (repo: string) =>
    `check the folder; if the deletions are intended run \`autosync resume --allow-deletions ${repo}\` or resume in the UI (plain \`autosync resume ${repo}\` looks again and stops again)`,

  unhealthy: (problem: HealthProblem, detail: string) => {
    const seen =
      problem === "missing"
        ? "the repository root is missing"
        : problem === "not-a-directory"
          ? "the repository root is not a directory"
          : "the repository metadata directory is missing";
    return `${seen} (${detail}); will not commit or pull: a missing root looks like every file was deleted`;
  },
  unhealthyHint: (recheckMs: number) =>
    `mount or restore the folder; autosync looks again every ${formatDuration(recheckMs)} and goes on by itself`,
  recovered: () => "the repository root is back; syncing again",
  pullOrigin: (
    outcome: "merged" | "up-to-date" | "failed" | "rejected",
    url: string,
    detail?: string,
  ) =>
    ({
      merged: `fetched from the announcing machine first (${url})`,
      "up-to-date": `the announcing machine (${url}) had nothing new`,
      failed: `could not fetch from the announcing machine (${url}); used the central remote`,
      rejected: `ignored the announced pull URL ${JSON.stringify(url)}: not an ssh, git, http(s), file URL or absolute path`,
    })[outcome] + (detail ? ` (${detail})` : ""),
  rescan: (reason: string) => `looking at the whole tree: ${reason}`,
  unexpectedResult: (kind: OperationKind) =>
    `ignored a ${kind} result that no running operation expected`,

  pausedByUser: () => "paused by request",
  pausedByUserHint: (repo: string) => `run \`autosync resume ${repo}\` or resume in the UI`,

  largeFile: (path: string, sizeBytes: number, maxBytes: number, action: "skip" | "commit") =>
    action === "skip"
      ? `${path} is ${formatBytes(sizeBytes)} (limit ${formatBytes(maxBytes)}): not committed`
      : `${path} is ${formatBytes(sizeBytes)} (limit ${formatBytes(maxBytes)}): committed anyway as configured`,
  largeFileHint: (action: "skip" | "commit") =>
    action === "skip"
      ? "raise largeFiles.maxBytes, set largeFiles.action to commit, or add the file to the ignore list"
      : "set largeFiles.action to skip or ignore the file to keep big files out of the history",

  unstorableName: (path: string) =>
    `${JSON.stringify(path)} cannot be committed: its name has a line break (hg and brz refuse those) or is not valid UTF-8 (autosync cannot pass it to git); the file stays on disk, unsynced`,
  unstorableNameHint: () =>
    "rename the file (no line break, UTF-8 characters only) to have it synced",

  mailboxDeferred: (merger: string) =>
    `another machine (${merger}) merges the heads the remote lacks, this one's included; waiting for its push`,
  mailboxTakeOver: (merger: string) =>
    `no push from ${merger} arrived in time; this machine merges the waiting heads itself`,
  pushGaveUp: (attempts: number) =>
    `the push was rejected ${attempts} times in a row although the remote had nothing new to pull; trying again at the next change or sync`,
  pushGaveUpHint: () =>
    "the remote may refuse pushes (a hook, a protected branch); run `autosync sync` to try at once",
  /** One line for the UI and the log line; the command's stderr tail goes into the hint. */
  operationFailed: (operation: OperationKind, message: string) =>
    `${operation} failed: ${shortLine(message)}`,
  operationFailedHint: (stderrTail: string | undefined) =>
    stderrTail ? `last output: ${stderrTail}` : "it is tried again at the next change or sync",

  notice: (
    kind: NoticeKind,
    repo: string,
    detail: { head?: string; changedPaths?: number; conflicts?: ConflictCopy[]; message?: string },
  ): { title: string; body: string } => {
    switch (kind) {
      case "pushed":
        return {
          title: `${repo}: pushed`,
          body: detail.head ? `now at ${shortHead(detail.head)}` : "",
        };
      case "pulled":
        return {
          title: `${repo}: pulled`,
          body: `${groupThousands(detail.changedPaths ?? 0)} files changed`,
        };
      case "conflict": {
        const conflicts = detail.conflicts ?? [];
        const first = conflicts
          .slice(0, 3)
          .map((c) =>
            !c.copyPath
              ? c.path
              : c.kind === "directory-file"
                ? `${c.path} (a file and a folder; the file kept as ${c.copyPath})`
                : `${c.path} (yours kept as ${c.copyPath})`,
          );
        const more =
          conflicts.length > 3 ? ` and ${groupThousands(conflicts.length - 3)} more` : "";
        return {
          title: `${repo}: conflict, both versions kept`,
          body: `${first.join(", ")}${more}. See \`autosync conflicts\` to settle it.`,
        };
      }
      case "error":
        return { title: `${repo}: needs attention`, body: detail.message ?? "" };
      case "offline":
        return { title: `${repo}: remote unreachable`, body: detail.message ?? "" };
      case "online":
        return { title: `${repo}: remote reachable again`, body: "" };
    }
  },
};

const SHORT_LINE = 200;

function shortLine(text: string): string {
  const first = text.trim().split("\n")[0] ?? "";
  return first.length > SHORT_LINE ? `${first.slice(0, SHORT_LINE - 1)}…` : first;
}

function shortHead(head: string): string {
  return head.length > 12 ? head.slice(0, 12) : head;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000) return `${Math.round(ms / 100) / 10} s`;
  return `${ms} ms`;
}
