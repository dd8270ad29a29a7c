import { lstat, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import type { LocalCommit } from "../engine/operation.js";
import type { StatusEntry } from "../engine/status-entry.js";
import { operationsMessages } from "../messages/operations-messages.js";
import type { RepoOperations } from "./repo-operations.js";

/**
 * One file change a user asks for outside the watcher (`autosync resolve`, `autosync restore`):
 * applied, committed and pushed as one ordinary change. Paths are root-relative with `/`.
 */
export type FileChange =
  | { op: "remove"; path: string }
  /** Moves `from` to `to`, replacing a file at `to` (keeping a machine's conflict copy). */
  | { op: "rename"; from: string; to: string }
  /** Writes bytes (base64, so the change travels as JSON over the control socket). */
  | { op: "write"; path: string; contentBase64: string };

/**
 * What a user change did: the commit it made, or that the tree already was as asked; and the
 * commit of work that was pending at its paths, made first (see commitPendingAt).
 */
export type UserChangeOutcome = (
  { outcome: "committed"; commit: LocalCommit } | { outcome: "nothing-to-commit" }
) & { pendingCommit?: LocalCommit };

/** A change that cannot be applied as asked; nothing was touched. `message` is for the user. */
export class UserChangeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserChangeRefused";
  }
}

/** Every path a change touches, for the scoped status after it. */
export function touchedPaths(changes: readonly FileChange[]): string[] {
  const paths = changes.flatMap((change) =>
    change.op === "rename" ? [change.from, change.to] : [change.path],
  );
  return [...new Set(paths)];
}

function inside(root: string, path: string): string {
  const normal = normalize(path);
  if (
    path === "" ||
    isAbsolute(path) ||
    normal === ".." ||
    normal.startsWith(`..${sep}`) ||
    path.includes("\0")
  ) {
    throw new UserChangeRefused(operationsMessages.changeOutsideRoot(path));
  }
  return join(root, normal);
}

async function isFile(absolute: string): Promise<boolean> {
  const info = await lstat(absolute).catch(() => undefined);
  return info?.isFile() === true || info?.isSymbolicLink() === true;
}

/** Checks every change (paths inside the root, sources present) before anything is touched. */
async function checkFileChanges(root: string, changes: readonly FileChange[]): Promise<void> {
  for (const change of changes) {
    if (change.op === "rename") {
      inside(root, change.to);
      if (!(await isFile(inside(root, change.from))))
        throw new UserChangeRefused(operationsMessages.changeSourceGone(change.from));
    } else if (change.op === "remove") {
      if (!(await isFile(inside(root, change.path))))
        throw new UserChangeRefused(operationsMessages.changeSourceGone(change.path));
    } else {
      inside(root, change.path);
    }
  }
}

/**
 * Checks every change first, so a refused change leaves the tree exactly as it was; then
 * applies them in order.
 */
export async function applyFileChanges(root: string, changes: readonly FileChange[]) {
  await checkFileChanges(root, changes);
  for (const change of changes) {
    if (change.op === "remove") {
      await rm(inside(root, change.path));
    } else if (change.op === "rename") {
      const target = inside(root, change.to);
      await mkdir(dirname(target), { recursive: true });
      // rename(2) replaces the target atomically: no moment without the file.
      await rename(inside(root, change.from), target);
    } else {
      const target = inside(root, change.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, Buffer.from(change.contentBase64, "base64"));
    }
  }
}

/** The paths whose current content a change replaces or removes. */
function overwrittenPaths(changes: readonly FileChange[]): string[] {
  const paths = changes.map((change) => (change.op === "rename" ? change.to : change.path));
  return [...new Set(paths)];
}

/**
 * Commits what is pending at the paths a change is about to overwrite or remove. The CLI
 * read the tree before it asked for the change; an edit saved since (or one the quiet period
 * had not committed yet) would otherwise be replaced without a trace. Committed first, it
 * stays in history, where `autosync restore` finds it.
 */
async function commitPendingAt(
  operations: RepoOperations,
  changes: readonly FileChange[],
  pendingMessage: (entries: readonly StatusEntry[]) => string,
): Promise<LocalCommit | undefined> {
  const status = await operations.run({ kind: "status", paths: overwrittenPaths(changes) });
  if (status.kind !== "status" || status.outcome !== "ok")
    throw new Error(operationsMessages.changeNotCommitted(describeFailure(status)));
  const pending = status.entries.filter((entry) => entry.action !== "deleted");
  if (pending.length === 0) return undefined;
  const message = pendingMessage(pending);
  const committed = await operations.run({ kind: "commit", entries: pending, message });
  if (
    committed.kind !== "commit" ||
    (committed.outcome !== "committed" && committed.outcome !== "nothing-to-commit")
  )
    throw new Error(operationsMessages.changeNotCommitted(describeFailure(committed)));
  return committed.outcome === "committed"
    ? { head: committed.head, entries: committed.entries, message }
    : undefined;
}

/**
 * Applies the changes and commits exactly the paths they touched with `message`. The caller
 * holds the repository's operation slot (the daemon's runner, or the instance lock when no
 * daemon runs), so no commit or pull of autosync's runs meanwhile. Uncommitted work at the
 * paths the change replaces is committed first (`pendingMessage`), never lost.
 */
export async function applyAndCommit(
  root: string,
  operations: RepoOperations,
  changes: readonly FileChange[],
  message: string,
  pendingMessage: (entries: readonly StatusEntry[]) => string,
): Promise<UserChangeOutcome> {
  await checkFileChanges(root, changes);
  const pendingCommit = await commitPendingAt(operations, changes, pendingMessage);
  const outcome = await applyAndCommitChecked(root, operations, changes, message);
  return pendingCommit ? { ...outcome, pendingCommit } : outcome;
}

async function applyAndCommitChecked(
  root: string,
  operations: RepoOperations,
  changes: readonly FileChange[],
  message: string,
): Promise<UserChangeOutcome> {
  await applyFileChanges(root, changes);
  const status = await operations.run({ kind: "status", paths: touchedPaths(changes) });
  if (status.kind !== "status" || status.outcome !== "ok")
    throw new Error(operationsMessages.changeNotCommitted(describeFailure(status)));
  if (status.entries.length === 0) return { outcome: "nothing-to-commit" };
  const committed = await operations.run({ kind: "commit", entries: status.entries, message });
  if (committed.kind === "commit" && committed.outcome === "committed")
    return {
      outcome: "committed",
      commit: { head: committed.head, entries: committed.entries, message },
    };
  if (committed.kind === "commit" && committed.outcome === "nothing-to-commit")
    return { outcome: "nothing-to-commit" };
  throw new Error(operationsMessages.changeNotCommitted(describeFailure(committed)));
}

function describeFailure(result: { outcome: string } & Partial<Record<string, unknown>>): string {
  const detail = result.message ?? result.reason ?? result.detail;
  return typeof detail === "string" ? detail : result.outcome;
}

/** Validates a change list that arrived as JSON; returns it or what is wrong with it. */
export function parseFileChanges(value: unknown): FileChange[] | string {
  if (!Array.isArray(value) || value.length === 0) return "changes must be a non-empty array";
  const changes: FileChange[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== "object" || item === null) return "each change must be an object";
    const record = item as Record<string, unknown>;
    const text = (key: string) => typeof record[key] === "string" && record[key] !== "";
    if (record.op === "remove" && text("path"))
      changes.push({ op: "remove", path: record.path as string });
    else if (record.op === "rename" && text("from") && text("to"))
      changes.push({ op: "rename", from: record.from as string, to: record.to as string });
    else if (record.op === "write" && text("path") && typeof record.contentBase64 === "string")
      changes.push({
        op: "write",
        path: record.path as string,
        contentBase64: record.contentBase64,
      });
    else return `unknown change ${JSON.stringify(item).slice(0, 200)}`;
  }
  return changes;
}
