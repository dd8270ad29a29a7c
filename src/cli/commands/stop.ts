import { readFile } from "node:fs/promises";
import { controlCliMessages, uiMessages } from "../../messages/ui-messages.js";
import {
  DaemonUnavailableError,
  sendControlRequest,
  waitUntilGone,
} from "../../runtime/control-client.js";
import { processAlive } from "../../runtime/process-alive.js";
import type { CliCommand, CliIo } from "../command.js";
import { parseControlArgs, resolveControlTarget } from "../control-target.js";
import { ExitCode } from "../exit-codes.js";

/** An operation in flight (a large push) may take a while; the daemon never aborts it. */
const STOP_WAIT_MS = 60_000;

async function pidFrom(pidfile: string | undefined): Promise<number | undefined> {
  if (!pidfile) return undefined;
  try {
    const pid = Number.parseInt((await readFile(pidfile, "utf8")).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A pid from a pidfile may have been reused by an unrelated process after a crash: signal it
 * only when its command line says autosync (Linux /proc; elsewhere trust the pidfile).
 */
async function looksLikeAutosync(pid: number): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
    return /autosync|cli[/\\]main\.[jt]s/.test(cmdline);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ENOENT" || process.platform !== "linux";
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !processAlive(pid);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseControlArgs("stop", args, [], io);
  if (!parsed) return ExitCode.usage;
  if (parsed.positional.length > 0) {
    io.stderr.write(`${controlCliMessages.tooManyArguments("stop", parsed.positional[0] ?? "")}\n`);
    return ExitCode.usage;
  }
  const target = await resolveControlTarget("stop", parsed, io);
  if (!target) return ExitCode.failure;
  try {
    const response = await sendControlRequest(target.socketPath, { command: "stop" });
    if (!response.ok) {
      io.stderr.write(`${controlCliMessages.failed("stop", response.error)}\n`);
      return ExitCode.failure;
    }
    io.stdout.write(`${response.message ?? uiMessages.stopAccepted}\n`);
    if (!(await waitUntilGone(target.socketPath, STOP_WAIT_MS))) {
      io.stderr.write(`${controlCliMessages.stopTimedOut(STOP_WAIT_MS / 1000)}\n`);
      return ExitCode.failure;
    }
    io.stdout.write(`${uiMessages.stopped}\n`);
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof DaemonUnavailableError)) throw error;
  }
  const pid = await pidFrom(target.pidfile);
  if (
    pid === undefined ||
    pid === process.pid ||
    !processAlive(pid) ||
    !(await looksLikeAutosync(pid))
  ) {
    io.stderr.write(`${uiMessages.stopNothing}\n`);
    return ExitCode.failure;
  }
  process.kill(pid, "SIGTERM");
  io.stdout.write(`${uiMessages.stopSignalled(pid)}\n`);
  if (!(await waitForExit(pid, STOP_WAIT_MS))) {
    io.stderr.write(`${controlCliMessages.stopTimedOut(STOP_WAIT_MS / 1000)}\n`);
    return ExitCode.failure;
  }
  io.stdout.write(`${uiMessages.stopped}\n`);
  return ExitCode.ok;
}

export const stopCommand: CliCommand = {
  name: "stop",
  summary: "Stop a running daemon cleanly (it finishes the operation in flight)",
  help: `${controlCliMessages.stopHelp}\n${controlCliMessages.commonOptions}`,
  run,
};
