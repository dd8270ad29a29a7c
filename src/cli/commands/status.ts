import { DaemonUnavailableError, sendControlRequest } from "../../runtime/control-client.js";
import { controlCliMessages } from "../../messages/ui-messages.js";
import { formatSnapshotsText } from "../../ui/format-snapshot.js";
import type { CliCommand, CliIo } from "../command.js";
import { parseControlArgs, resolveControlTarget } from "../control-target.js";
import { ExitCode } from "../exit-codes.js";

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseControlArgs("status", args, ["--json"], io);
  if (!parsed) return ExitCode.usage;
  if (parsed.positional.length > 0) {
    io.stderr.write(
      `${controlCliMessages.tooManyArguments("status", parsed.positional[0] ?? "")}\n`,
    );
    return ExitCode.usage;
  }
  const target = await resolveControlTarget("status", parsed, io);
  if (!target) return ExitCode.failure;
  try {
    const response = await sendControlRequest(target.socketPath, { command: "status" });
    if (!response.ok) {
      io.stderr.write(`${controlCliMessages.failed("status", response.error)}\n`);
      return ExitCode.failure;
    }
    const snapshots = response.snapshots ?? [];
    if (parsed.flags.has("--json"))
      io.stdout.write(
        `${JSON.stringify({ now: response.now, repositories: snapshots }, null, 2)}\n`,
      );
    else io.stdout.write(formatSnapshotsText(snapshots, response.now));
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof DaemonUnavailableError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return ExitCode.failure;
  }
}

export const statusCommand: CliCommand = {
  name: "status",
  summary: "Show what a running daemon is doing, repository by repository",
  help: `${controlCliMessages.statusHelp}\n${controlCliMessages.commonOptions}`,
  run,
};
