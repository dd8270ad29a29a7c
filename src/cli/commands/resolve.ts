import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { conflictFor, findConflicts } from "../../conflicts/find-conflicts.js";
import { locatePath } from "../../conflicts/locate-path.js";
import { parseKeep, planResolution } from "../../conflicts/resolution.js";
import { conflictMessages } from "../../messages/conflict-messages.js";
import { isConflictCopy } from "../../operations/conflict-copy-name.js";
import { AlreadyRunningError } from "../../runtime/instance-lock.js";
import type { CliCommand, CliIo } from "../command.js";
import { conflictSource, loadConflictConfig, parseConflictArgs } from "../conflict-config.js";
import { ExitCode } from "../exit-codes.js";
import { submitUserChange } from "../submit-user-change.js";

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseConflictArgs("resolve", args, io);
  if (!parsed) return ExitCode.usage;
  if (parsed.positional.length !== 1 || parsed.keep === undefined) {
    io.stderr.write(`${conflictMessages.usage("resolve", "give one PATH and --keep")}\n`);
    return ExitCode.usage;
  }
  const given = parsed.positional[0] as string;
  const config = await loadConflictConfig("resolve", parsed, io);
  if (!config) return ExitCode.failure;
  const fail = (line: string) => {
    io.stderr.write(`${line}\n`);
    return ExitCode.failure;
  };
  const located = locatePath(config, io.cwd, given);
  if (!located) return fail(conflictMessages.notInRepository(given));
  const { repository } = located;
  const source = conflictSource(repository);
  const conflict = conflictFor(await findConflicts(source), located.path);
  if (!conflict)
    return fail(
      isConflictCopy(located.path)
        ? conflictMessages.copyGone(given)
        : conflictMessages.noConflict(given),
    );
  const fileContent = await readFile(join(repository.path, conflict.path)).catch(() => undefined);
  const plan = planResolution(conflict, parseKeep(parsed.keep), {
    host: repository.engine.host,
    ...(fileContent ? { fileContent } : {}),
    exists: (path) => existsSync(join(repository.path, path)),
  });
  if (typeof plan === "string") return fail(plan);
  try {
    const submitted = await submitUserChange({
      config,
      repository,
      changes: plan.changes,
      message: plan.message,
    });
    io.stdout.write(
      `${
        submitted.outcome.outcome === "committed"
          ? conflictMessages.resolved(plan.summary, submitted.via, submitted.push)
          : conflictMessages.nothingChanged
      }\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof AlreadyRunningError) return fail(`${error.message} ${error.hint}`);
    return fail(`autosync resolve: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export const resolveCommand: CliCommand = {
  name: "resolve",
  summary: "Settle a conflict: keep one machine's version, both, or your own merge",
  help: conflictMessages.resolveHelp,
  run,
};
