import { controlCliMessages } from "../../messages/ui-messages.js";
import { DaemonUnavailableError, sendControlRequest } from "../../runtime/control-client.js";
import type { CliCommand, CliIo } from "../command.js";
import { parseControlArgs, resolveControlTarget } from "../control-target.js";
import { ExitCode } from "../exit-codes.js";

/** Starting a cloned repository runs its first status; a large tree may take a while. */
const RELOAD_WAIT_MS = 120_000;

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseControlArgs("reload", args, [], io);
  if (!parsed) return ExitCode.usage;
  if (parsed.positional.length > 0) {
    io.stderr.write(
      `${controlCliMessages.tooManyArguments("reload", parsed.positional[0] ?? "")}\n`,
    );
    return ExitCode.usage;
  }
  const target = await resolveControlTarget("reload", parsed, io, { invalidConfigOk: true });
  if (!target) return ExitCode.failure;
  try {
    const response = await sendControlRequest(
      target.socketPath,
      { command: "reload" },
      { timeoutMs: RELOAD_WAIT_MS },
    );
    if (!response.ok) {
      io.stderr.write(`${response.error}\n`);
      return ExitCode.failure;
    }
    io.stdout.write(`${response.message ?? "ok"}\n`);
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof DaemonUnavailableError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return ExitCode.failure;
  }
}

export const reloadCommand: CliCommand = {
  name: "reload",
  summary: "Make the running daemon re-read its config (as SIGHUP does)",
  help: `${controlCliMessages.reloadHelp}\n${controlCliMessages.commonOptions}`,
  run,
};
