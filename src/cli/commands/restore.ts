import { randomUUID } from "node:crypto";
import { chmod, lstat, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ResolvedConfig, ResolvedRepository } from "../../config/resolved-config.js";
import { buildCommitMessage } from "../../engine/commit-message.js";
import type { OperationResult } from "../../engine/operation.js";
import type { StatusEntry } from "../../engine/status-entry.js";
import { engineMessages } from "../../messages/engine-messages.js";
import { historyMessages, quoteName } from "../../messages/history-messages.js";
import { createOperations } from "../../operations/create-operations.js";
import { findRevisionAt, findRevisionById } from "../../operations/find-revision.js";
import type { RepoOperations } from "../../operations/repo-operations.js";
import type { LogEntry } from "../../recipes/log-parsers/index.js";
import { systemClock, type Clock } from "../../runtime/clock.js";
import { execaRunner } from "../../runtime/command-runner.js";
import { INSTANCE_LOCK_FILE } from "../../runtime/daemon.js";
import { AlreadyRunningError, acquireInstanceLock } from "../../runtime/instance-lock.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { formatLocalTime } from "../format-history.js";
import { parseOptions } from "../parse-options.js";
import { parseWhen } from "../parse-when.js";
import { findRepositoryForPath, isMetadataPath, loadCliConfig } from "../repository-for-path.js";
import { historyOf } from "./history.js";

/** Everything a restore needs, read and checked before anything is changed. */
export interface RestorePlan {
  repository: ResolvedRepository;
  host: string;
  /** The path asked for (root-relative). */
  relPath: string;
  /** Where the content goes: `relPath`, or `--to`'s path. */
  target: string;
  revision: LogEntry;
  content: Uint8Array;
  message: string;
  /** What to print when done. */
  summary: string;
}

class RestoreRefused extends Error {}

async function planRestore(
  config: ResolvedConfig,
  path: string,
  at: string,
  to: string | undefined,
  io: CliIo,
  clock: Clock,
): Promise<RestorePlan> {
  const found = findRepositoryForPath(config, path, io.cwd);
  if (!found || found.relPath === "")
    throw new RestoreRefused(historyMessages.notInRepository("restore", path));
  const { repository, relPath } = found;
  if (isMetadataPath(repository, relPath))
    throw new RestoreRefused(historyMessages.metadataPath("restore", path));
  let target = relPath;
  if (to !== undefined) {
    const dest = findRepositoryForPath(config, to, io.cwd);
    if (!dest || dest.repository !== repository || dest.relPath === "")
      throw new RestoreRefused(historyMessages.notInRepository("restore", to));
    if (isMetadataPath(repository, dest.relPath))
      throw new RestoreRefused(historyMessages.metadataPath("restore", to));
    target = dest.relPath;
    if (await exists(join(repository.path, target)))
      throw new RestoreRefused(historyMessages.targetExists(to));
  }
  const history = historyOf(repository);
  if (!history.supported)
    throw new RestoreRefused(
      historyMessages.notSupported("restore", repository.name, repository.recipe.name),
    );
  const log = await history.log([]);
  const atMs = parseWhen(at, clock.now());
  const lookup = findRevisionById(log, at);
  let revision = lookup.found;
  if (!revision && atMs !== undefined) {
    const byTime = findRevisionAt(log, atMs);
    if (byTime.problem === "before-history") {
      const first = byTime.first;
      throw new RestoreRefused(
        historyMessages.beforeHistory(
          formatLocalTime(atMs),
          first && `${first.shortId}, ${formatLocalTime(first.timeMs)}`,
        ),
      );
    }
    revision = byTime.found;
  }
  if (!revision)
    throw new RestoreRefused(
      lookup.problem === "ambiguous"
        ? historyMessages.ambiguousRevision(at, lookup.candidates?.length ?? 2)
        : historyMessages.unknownRevision(at, repository.name),
    );

  const versions = await history.fileVersions(relPath);
  if (versions.length === 0)
    throw new RestoreRefused(historyMessages.neverExisted(relPath, repository.name));
  // The file may have had another name in that revision: try each name it ever had.
  const names = [relPath];
  for (const { file } of versions)
    for (const name of [file.path, file.from])
      if (name !== undefined && !names.includes(name)) names.push(name);
  const when = formatLocalTime(revision.timeMs);
  let content: Uint8Array | undefined;
  for (const name of names) {
    content = await history.content(revision.id, name);
    if (content) break;
  }
  if (!content) throw new RestoreRefused(historyMessages.absentAt(relPath, revision.shortId, when));
  const host = repository.engine.host;
  return {
    repository,
    host,
    relPath,
    target,
    revision,
    content,
    message: historyMessages.restoreCommit(
      host,
      relPath,
      when,
      revision.shortId,
      target === relPath ? undefined : target,
    ),
    summary: historyMessages.restored(
      relPath,
      revision.shortId,
      when,
      target === relPath ? undefined : target,
    ),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the old content in place of (or beside) the file: a temp file in the same folder, then
 * a rename, so the file is never half-written. An existing file keeps its permissions.
 */
export async function writeRestoredFile(root: string, target: string, content: Uint8Array) {
  const file = join(root, target);
  await mkdir(dirname(file), { recursive: true });
  const existing = await lstat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw new RestoreRefused(historyMessages.targetIsFolder(target));
  const temp = join(dirname(file), `.autosync-restore-${randomUUID()}.tmp`);
  try {
    await writeFile(temp, content, { flag: "wx" });
    if (existing?.isFile()) await chmod(temp, existing.mode & 0o7777);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function sameContent(file: string, content: Uint8Array): Promise<boolean> {
  const current = await readFile(file).catch(() => undefined);
  return current !== undefined && Buffer.compare(current, content) === 0;
}

function failure(result: OperationResult): string {
  if (result.outcome === "failed") return result.message;
  if (result.outcome === "offline") return result.reason;
  if (result.outcome === "unhealthy") return result.detail;
  return result.outcome;
}

async function statusOf(operations: RepoOperations, paths: string[]): Promise<StatusEntry[]> {
  const result = await operations.run({ kind: "status", paths });
  if (result.kind !== "status" || result.outcome !== "ok") throw new Error(failure(result));
  return result.entries;
}

async function commitEntries(
  operations: RepoOperations,
  entries: StatusEntry[],
  message: string,
): Promise<void> {
  const result = await operations.run({ kind: "commit", entries, message });
  if (
    result.kind !== "commit" ||
    (result.outcome !== "committed" && result.outcome !== "nothing-to-commit")
  )
    throw new Error(failure(result));
}

/**
 * No daemon serves the repository: hold its instance lock (a daemon starting meanwhile waits
 * for nothing and fails clearly), commit what is pending at the target, write, commit, push.
 * Returns undefined when a daemon holds the lock.
 */
async function applyLocally(
  plan: RestorePlan,
  io: CliIo,
  clock: Clock,
): Promise<string[] | undefined> {
  const { repository } = plan;
  const lockFile = join(repository.path, repository.recipe.metadataDir, INSTANCE_LOCK_FILE);
  let lock;
  try {
    lock = await acquireInstanceLock(
      lockFile,
      {
        pid: process.pid,
        instanceId: randomUUID(),
        host: plan.host,
        startedAt: new Date(clock.now()).toISOString(),
      },
      repository.path,
    );
  } catch (error) {
    if (error instanceof AlreadyRunningError) return undefined;
    throw error;
  }
  const lines: string[] = [];
  try {
    const operations = createOperations({
      root: repository.path,
      recipe: repository.recipe,
      runner: execaRunner,
      host: plan.host,
      deletionGuard: repository.engine.deletionGuard,
      now: () => clock.now(),
    });
    const pending = await statusOf(operations, [plan.target]);
    if (pending.length > 0) {
      await commitEntries(operations, pending, buildCommitMessage(plan.host, pending));
      lines.push(historyMessages.committedPending(plan.target));
    }
    await writeRestoredFile(repository.path, plan.target, plan.content);
    const entries = await statusOf(operations, [plan.target]);
    await commitEntries(
      operations,
      entries,
      `${plan.message}\n\n${entries.map((e) => `${e.action} ${quoteName(e.path)}`).join("\n")}`,
    );
    lines.push(plan.summary);
    lines.push(await push(operations, plan, clock));
  } finally {
    await lock.release();
  }
  return lines;
}

/** Push; when someone pushed first, pull (their work merges as in any sync) and push again. */
async function push(operations: RepoOperations, plan: RestorePlan, clock: Clock): Promise<string> {
  let result = await operations.run({ kind: "push" });
  if (result.kind === "push" && result.outcome === "rejected") {
    const pulled = await operations.run({
      kind: "pull",
      commitMessage: engineMessages.pullCommitMessage(plan.host),
      host: plan.host,
      nowMs: clock.now(),
    });
    if (pulled.outcome === "up-to-date" || pulled.outcome === "updated")
      result = await operations.run({ kind: "push" });
    else result = pulled;
  }
  return result.kind === "push" && (result.outcome === "pushed" || result.outcome === "up-to-date")
    ? historyMessages.pushed()
    : historyMessages.notPushed(failure(result));
}

export async function runRestore(args: string[], io: CliIo, clock: Clock): Promise<number> {
  const parsed = parseOptions("restore", args, ["--at", "--to", "--config"], [], io);
  if (!parsed) return ExitCode.usage;
  const path = parsed.positional[0];
  if (path === undefined) {
    io.stderr.write(`${historyMessages.missingPath()}\n`);
    return ExitCode.usage;
  }
  if (parsed.positional.length > 1) {
    io.stderr.write(
      `${historyMessages.unexpectedArgument("restore", parsed.positional[1] ?? "")}\n`,
    );
    return ExitCode.usage;
  }
  const at = parsed.values.get("--at");
  if (at === undefined) {
    io.stderr.write(`${historyMessages.missingAt()}\n`);
    return ExitCode.usage;
  }
  const config = await loadCliConfig("restore", parsed.values.get("--config"), io);
  if (!config) return ExitCode.failure;
  try {
    const plan = await planRestore(config, path, at, parsed.values.get("--to"), io, clock);
    if (await sameContent(join(plan.repository.path, plan.target), plan.content)) {
      io.stdout.write(`${historyMessages.unchanged(plan.target, plan.revision.shortId)}\n`);
      return ExitCode.ok;
    }
    const lines = await applyLocally(plan, io, clock);
    if (lines === undefined) {
      io.stderr.write(
        `${historyMessages.failed("restore", "a daemon serves this repository; not yet supported")}\n`,
      );
      return ExitCode.failure;
    }
    io.stdout.write(`${lines.join("\n")}\n`);
    return ExitCode.ok;
  } catch (error) {
    const message =
      error instanceof RestoreRefused
        ? error.message
        : historyMessages.failed("restore", (error as Error).message);
    io.stderr.write(`${message}\n`);
    return ExitCode.failure;
  }
}

export const restoreCommand: CliCommand = {
  name: "restore",
  summary: "Bring back a file's content from a revision or a time, as a new synced change",
  help: historyMessages.restoreHelp,
  run: (args, io) => runRestore(args, io, systemClock),
};
