import { historyMessages } from "../../messages/history-messages.js";
import type { ResolvedRepository } from "../../config/resolved-config.js";
import { toHistoryChange, type HistoryChange } from "../../operations/history-change.js";
import { RecipeCommands } from "../../operations/recipe-commands.js";
import { RepoHistory } from "../../operations/repo-history.js";
import { systemClock, type Clock } from "../../runtime/clock.js";
import { processRunner } from "../../runtime/command-runner.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { formatChange } from "../format-history.js";
import { parseWhen } from "../parse-when.js";
import { parseOptions } from "../parse-options.js";
import { loadCliConfig } from "../load-cli-config.js";
import { findRepositoryForPath, isMetadataPath } from "../repository-for-path.js";

interface HistoryQuery {
  sinceMs?: number;
  host?: string;
  limit?: number;
}

export function historyOf(repository: ResolvedRepository): RepoHistory {
  return new RepoHistory(
    new RecipeCommands({ root: repository.path, recipe: repository.recipe, runner: processRunner }),
  );
}

/** The changes of one repository (or of one path in it), filtered as the options ask. */
export async function readChanges(
  repository: ResolvedRepository,
  relPath: string | undefined,
  query: HistoryQuery,
): Promise<HistoryChange[]> {
  const history = historyOf(repository);
  const filtered = query.host !== undefined || query.sinceMs !== undefined;
  const changes =
    relPath === undefined || relPath === ""
      ? (await history.log([], filtered ? undefined : query.limit)).map((entry) =>
          toHistoryChange(repository.name, entry),
        )
      : (await history.fileVersions(relPath)).map(({ entry, file }) =>
          toHistoryChange(repository.name, entry, [file]),
        );
  const kept = changes.filter(
    (change) =>
      (query.host === undefined || change.host === query.host) &&
      (query.sinceMs === undefined || Date.parse(change.time) >= query.sinceMs),
  );
  return query.limit === undefined ? kept : kept.slice(0, query.limit);
}

export async function runHistory(args: string[], io: CliIo, clock: Clock): Promise<number> {
  const parsed = parseOptions(
    "history",
    args,
    ["--since", "--host", "--limit", "--config"],
    ["--json"],
    io,
  );
  if (!parsed) return ExitCode.usage;
  if (parsed.positional.length > 1) {
    io.stderr.write(
      `${historyMessages.unexpectedArgument("history", parsed.positional[1] ?? "")}\n`,
    );
    return ExitCode.usage;
  }
  const query: HistoryQuery = {};
  const since = parsed.values.get("--since");
  if (since !== undefined) {
    const ms = parseWhen(since, clock.now());
    if (ms === undefined) {
      io.stderr.write(`${historyMessages.badWhen("--since", since)}\n`);
      return ExitCode.usage;
    }
    query.sinceMs = ms;
  }
  const host = parsed.values.get("--host");
  if (host !== undefined) query.host = host;
  const limit = parsed.values.get("--limit");
  if (limit !== undefined) {
    if (!/^[1-9]\d*$/.test(limit)) {
      io.stderr.write(`${historyMessages.badLimit(limit)}\n`);
      return ExitCode.usage;
    }
    query.limit = Number(limit);
  }
  const config = await loadCliConfig("history", parsed.values.get("--config"), io);
  if (!config) return ExitCode.failure;

  const path = parsed.positional[0];
  let targets: { repository: ResolvedRepository; relPath?: string }[];
  if (path !== undefined) {
    const found = findRepositoryForPath(config, path, io.cwd);
    if (!found) {
      io.stderr.write(`${historyMessages.notInRepository("history", path)}\n`);
      return ExitCode.failure;
    }
    if (isMetadataPath(found.repository, found.relPath)) {
      io.stderr.write(`${historyMessages.metadataPath("history", path)}\n`);
      return ExitCode.failure;
    }
    targets = [found];
  } else {
    const here = findRepositoryForPath(config, io.cwd, io.cwd);
    targets = here
      ? [{ repository: here.repository }]
      : config.repositories.map((repository) => ({ repository }));
  }

  const all: HistoryChange[] = [];
  const text: string[] = [];
  for (const { repository, relPath } of targets) {
    const history = historyOf(repository);
    if (!history.supported) {
      io.stderr.write(
        `${historyMessages.notSupported("history", repository.name, repository.recipe.name)}\n`,
      );
      return ExitCode.failure;
    }
    let changes: HistoryChange[];
    try {
      changes = await readChanges(repository, relPath, query);
    } catch (error) {
      io.stderr.write(
        `${historyMessages.readFailed("history", repository.name, (error as Error).message)}\n`,
      );
      return ExitCode.failure;
    }
    all.push(...changes);
    if (targets.length > 1) text.push(historyMessages.repoHeading(repository.name));
    if (changes.length === 0)
      text.push(
        relPath ? historyMessages.noVersions(relPath) : historyMessages.noChanges(repository.name),
      );
    for (const change of changes) text.push(formatChange(change));
  }
  io.stdout.write(
    parsed.flags.has("--json") ? `${JSON.stringify(all, null, 2)}\n` : `${text.join("\n")}\n`,
  );
  return ExitCode.ok;
}

export const historyCommand: CliCommand = {
  name: "history",
  summary: "What changed, when and on which machine; a file's versions across renames",
  help: historyMessages.historyHelp,
  run: (args, io) => runHistory(args, io, systemClock),
};
