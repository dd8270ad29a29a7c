import { DaemonUnavailableError, sendControlRequest } from "../runtime/control-client.js";
import type { ControlRequest } from "../runtime/control-protocol.js";
import { controlCliMessages } from "../messages/ui-messages.js";
import type { CliIo } from "./command.js";
import { parseControlArgs, resolveControlTarget } from "./control-target.js";
import { ExitCode } from "./exit-codes.js";

/** `autosync sync|pause|resume [REPO]`: one request to the running daemon, its answer printed. */
export async function runRepoRequest(
  command: "sync" | "pause" | "resume" | "commit",
  args: string[],
  io: CliIo,
): Promise<number> {
  const flags: Record<typeof command, string[]> = {
    sync: [],
    pause: [],
    resume: ["--allow-deletions"],
    commit: ["--message"],
  };
  const parsed = parseControlArgs(command, args, flags[command], io);
  if (!parsed) return ExitCode.usage;
  if (parsed.positional.length > 1) {
    io.stderr.write(
      `${controlCliMessages.tooManyArguments(command, parsed.positional[1] ?? "")}\n`,
    );
    return ExitCode.usage;
  }
  const repo = parsed.positional[0];
  const target = await resolveControlTarget(command, parsed, io);
  if (!target) return ExitCode.failure;
  const only = repo !== undefined ? { repo } : {};
  const request: ControlRequest =
    command === "resume"
      ? { command, ...only, allowDeletions: parsed.flags.has("--allow-deletions") }
      : command === "commit"
        ? { command, ...only, ...(parsed.message?.trim() ? { message: parsed.message } : {}) }
        : { command, ...only };
  try {
    const response = await sendControlRequest(target.socketPath, request);
    if (!response.ok) {
      io.stderr.write(`${controlCliMessages.failed(command, response.error)}\n`);
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
