import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ResolvedConfig, ResolvedRepository } from "../../config/resolved-config.js";
import { historyMessages } from "../../messages/history-messages.js";
import { findRevisionAt, findRevisionById } from "../../operations/find-revision.js";
import { stageRestore } from "../../operations/restore-change.js";
import type { LogEntry } from "../../recipes/log-parsers/index.js";
import { systemClock, type Clock } from "../../runtime/clock.js";
import type { CliCommand, CliIo } from "../command.js";
import { submitUserChange, type SubmittedChange } from "../submit-user-change.js";
import { ExitCode } from "../exit-codes.js";
import { formatLocalTime } from "../format-history.js";
import { parseOptions } from "../parse-options.js";
import { parseWhen } from "../parse-when.js";
import { loadCliConfig } from "../load-cli-config.js";
import { findRepositoryForPath, isMetadataPath } from "../repository-for-path.js";
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

async function sameContent(file: string, content: Uint8Array): Promise<boolean> {
  const current = await readFile(file).catch(() => undefined);
  return current !== undefined && Buffer.compare(current, content) === 0;
}

function outcomeLine(submitted: SubmittedChange): string {
  if (submitted.via === "daemon") return historyMessages.viaDaemon();
  const push = submitted.push ?? "";
  return push === "pushed" || push === "up-to-date"
    ? historyMessages.pushed()
    : historyMessages.notPushed(push);
}

/**
 * Makes the restore an ordinary synced change through the user-change mechanism (the running
 * daemon's operation slot, or the instance lock without one): the old content, staged in the
 * tree (stageRestore), is renamed onto the target and committed. Uncommitted changes of the
 * target are committed first, inside the same slot (user-change.ts), so the work they hold
 * stays in history.
 */
async function applyRestore(
  config: ResolvedConfig,
  plan: RestorePlan,
  clock: Clock,
): Promise<string[]> {
  const { repository, target } = plan;
  const lines: string[] = [];
  const existing = await lstat(join(repository.path, target)).catch(() => undefined);
  if (existing?.isDirectory()) throw new RestoreRefused(historyMessages.targetIsFolder(target));
  const staged = await stageRestore(repository.path, target, plan.content);
  try {
    const submitted = await submitUserChange({
      config,
      repository,
      changes: staged.changes,
      message: plan.message,
      clock,
    });
    if (submitted.outcome.pendingCommit) lines.push(historyMessages.committedPending(target));
    lines.push(plan.summary, outcomeLine(submitted));
  } finally {
    await staged.discard();
  }
  return lines;
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
    const lines = await applyRestore(config, plan, clock);
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
