import { planForPath } from "../../conflicts/plan-for-path.js";
import { locatePath } from "../../conflicts/locate-path.js";
import { parseKeep } from "../../conflicts/resolution.js";
import { conflictMessages } from "../../messages/conflict-messages.js";
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
  const planned = await planForPath(source, located.path, parseKeep(parsed.keep), given);
  if (typeof planned === "string") return fail(planned);
  const { plan } = planned;
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
