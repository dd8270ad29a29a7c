import type { FailedCommand } from "../engine/operation.js";
import { lastLines, type CommandResult } from "../runtime/command-runner.js";

/**
 * Thrown inside an operation to stop it; `run` turns it into a `failed` result after undoing
 * what the operation started (a merge is aborted first). Never escapes an operation.
 */
export class OperationFailure extends Error {
  override name = "OperationFailure";
  constructor(
    message: string,
    readonly command?: FailedCommand,
  ) {
    super(message);
  }
}

/** The remote could not be reached; becomes an `offline` result. */
export class RemoteUnreachable extends Error {
  override name = "RemoteUnreachable";
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function failedCommand(result: CommandResult): FailedCommand {
  return { argv: result.argv, exitCode: result.exitCode, stderrTail: lastLines(result.stderr) };
}

export function commandFailure(result: CommandResult): OperationFailure {
  return new OperationFailure(result.shortMessage, failedCommand(result));
}
