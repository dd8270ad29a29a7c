import {
  conflictsJson,
  formatConflictList,
  formatThreeWay,
} from "../../conflicts/conflict-view.js";
import {
  conflictFor,
  findConflicts,
  readThreeWay,
  type Conflict,
} from "../../conflicts/find-conflicts.js";
import { locatePath } from "../../conflicts/locate-path.js";
import { conflictMessages } from "../../messages/conflict-messages.js";
import { isConflictCopy } from "../../operations/conflict-copy-name.js";
import type { CliCommand, CliIo } from "../command.js";
import { conflictSource, loadConflictConfig, parseConflictArgs } from "../conflict-config.js";
import { ExitCode } from "../exit-codes.js";

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseConflictArgs("conflicts", args, io);
  if (!parsed) return ExitCode.usage;
  if (parsed.positional[0] === "show") return show(parsed.positional.slice(1), parsed, io);
  const config = await loadConflictConfig("conflicts", parsed, io);
  if (!config) return ExitCode.failure;
  const known = config.repositories.map((repository) => repository.name);
  const unknown = parsed.positional.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    io.stderr.write(`${conflictMessages.unknownRepos(unknown, known)}\n`);
    return ExitCode.failure;
  }
  const chosen = config.repositories.filter(
    (repository) => parsed.positional.length === 0 || parsed.positional.includes(repository.name),
  );
  const conflicts: Conflict[] = [];
  let failed = false;
  for (const repository of chosen) {
    try {
      conflicts.push(...(await findConflicts(conflictSource(repository))));
    } catch (error) {
      failed = true;
      const reason = error instanceof Error ? error.message : String(error);
      io.stderr.write(`${conflictMessages.repoUnreadable(repository.name, reason)}\n`);
    }
  }
  if (parsed.json) io.stdout.write(`${JSON.stringify(conflictsJson(conflicts), null, 2)}\n`);
  else if (conflicts.length === 0)
    io.stdout.write(`${conflictMessages.noneUnresolved(chosen.map((r) => r.name))}\n`);
  else io.stdout.write(formatConflictList(conflicts));
  return failed ? ExitCode.failure : ExitCode.ok;
}

async function show(
  rest: string[],
  parsed: NonNullable<ReturnType<typeof parseConflictArgs>>,
  io: CliIo,
): Promise<number> {
  if (rest.length !== 1) {
    io.stderr.write(`${conflictMessages.usage("conflicts", "show takes one PATH")}\n`);
    return ExitCode.usage;
  }
  const given = rest[0] as string;
  const config = await loadConflictConfig("conflicts", parsed, io);
  if (!config) return ExitCode.failure;
  const located = locatePath(config, io.cwd, given);
  if (!located) {
    io.stderr.write(`${conflictMessages.notInRepository(given)}\n`);
    return ExitCode.failure;
  }
  const source = conflictSource(located.repository);
  const conflict = conflictFor(await findConflicts(source), located.path);
  if (!conflict) {
    io.stderr.write(
      `${isConflictCopy(located.path) ? conflictMessages.copyGone(given) : conflictMessages.noConflict(given)}\n`,
    );
    return ExitCode.failure;
  }
  const color = io.stdout.isTTY === true && !io.env.NO_COLOR;
  io.stdout.write(formatThreeWay({ conflict, ...(await readThreeWay(source, conflict)) }, color));
  return ExitCode.ok;
}

export const conflictsCommand: CliCommand = {
  name: "conflicts",
  summary: "List unresolved conflicts (show PATH: the three-way view with the common ancestor)",
  help: conflictMessages.conflictsHelp,
  run,
};
