import type { FailedCommand, LocalCommit } from "../engine/operation.js";
import { lastLines, type CommandResult } from "../runtime/command-runner.js";

/**
 * Thrown inside an operation to stop it; `run` turns it into a `failed` result after undoing
 * what the operation started (a merge is aborted first). Never escapes an operation.
 */
export class OperationFailure extends Error {
  override name = "OperationFailure";
  /** A commit of local work the operation made before it failed (see `withLocalCommit`). */
  localCommit?: LocalCommit;
  constructor(
    message: string,
    readonly command?: FailedCommand,
  ) {
    super(message);
  }
}

/** The DVCS refused a merge before touching any file: no merge in progress, the tree as it was. */
export class MergeRefused extends OperationFailure {
  override name = "MergeRefused";
  static from(failure: OperationFailure): MergeRefused {
    return new MergeRefused(failure.message, failure.command);
  }
}

/** The remote could not be reached; becomes an `offline` result. */
export class RemoteUnreachable extends Error {
  override name = "RemoteUnreachable";
  localCommit?: LocalCommit;
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * An operation that committed local work and then failed (a pull whose remote went away or
 * whose merge was undone, a brz commit whose later batch failed) still made that commit: the
 * failure carries it, so the engine reports it like any.
 */
export function withLocalCommit(error: unknown, commit: LocalCommit | undefined): unknown {
  if (commit && (error instanceof OperationFailure || error instanceof RemoteUnreachable)) {
    error.localCommit = commit;
  }
  return error;
}

export function failedCommand(result: CommandResult): FailedCommand {
  return { argv: result.argv, exitCode: result.exitCode, stderrTail: lastLines(result.stderr) };
}

/**
 * The failure with one readable line: the command (program and subcommand; the full argv is in
 * `command`) and the first `error:`/`fatal:`/`abort:` line of stderr, which says why, rather
 * than the last one, which is often just "Aborting".
 */
export function commandFailure(result: CommandResult): OperationFailure {
  const lines = result.stderr.split("\n").map((line) => line.trim());
  const reason =
    lines.find((line) => /^(error|fatal|abort|brz: ERROR):/i.test(line)) ??
    lines.filter(Boolean).at(-1) ??
    "";
  const status = result.timedOut
    ? "timed out"
    : result.exitCode !== undefined
      ? `exit ${result.exitCode}`
      : (result.signal ?? "did not start");
  const what = result.argv.slice(0, 2).join(" ");
  return new OperationFailure(
    `${what} failed (${status})${reason ? `: ${reason}` : ""}`,
    failedCommand(result),
  );
}

/** The last line a command printed (stderr first), for a short offline or failure reason. */
export function lastLine(result: CommandResult): string {
  return (result.stderr.trim() || result.stdout.trim()).split("\n").at(-1) ?? result.shortMessage;
}
