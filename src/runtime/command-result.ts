import type { CommandResult } from "./command-runner.js";

const STDERR_TAIL_LINES = 5;

/** execa's defaults, kept when it was replaced: SIGKILL 5 s after a timeout's SIGTERM; 1 GB of output. */
export const FORCE_KILL_AFTER_MS = 5_000;
export const MAX_OUTPUT_BYTES = 1024 * 1024 * 1024;

export function lastLines(text: string, count = STDERR_TAIL_LINES): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

export interface CommandEnd {
  exitCode?: number;
  signal?: string;
  /** Why it never ran or was lost (ENOENT, EACCES, …): no exit code and no signal. */
  code?: string;
}

function describeFailure(
  argv: readonly string[],
  reason: CommandEnd & { timedOut: boolean; tooLarge: boolean },
  stderr: string,
): string {
  return (
    `${argv.join(" ")} failed` +
    (reason.timedOut
      ? " (timed out)"
      : reason.tooLarge
        ? " (output too large)"
        : reason.signal
          ? ` (signal ${reason.signal})`
          : reason.exitCode !== undefined
            ? ` (exit ${reason.exitCode})`
            : ` (${reason.code ?? "could not start"})`) +
    (stderr.trim() ? `: ${lastLines(stderr, 1)}` : "")
  );
}

function joined(chunks: Buffer[]): Buffer {
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/**
 * The result of a finished command, the same whoever ran it (a process of ours, or a child of
 * the brz server): callers cannot tell the two apart.
 */
export function commandResult(
  argv: readonly string[],
  options: { cwd: string; binaryOutput?: boolean },
  run: CommandEnd & {
    stdout: Buffer[];
    stderr: Buffer[];
    startedMs: number;
    timedOut: boolean;
    tooLarge: boolean;
  },
): CommandResult {
  const stdoutBuffer = joined(run.stdout);
  const stderrText = joined(run.stderr).toString("utf8");
  const failed = run.timedOut || run.tooLarge || run.exitCode !== 0;
  return {
    argv: [...argv],
    cwd: options.cwd,
    exitCode: run.exitCode,
    signal: run.signal,
    stdout: stdoutBuffer.toString("utf8"),
    ...(options.binaryOutput ? { stdoutBytes: stdoutBuffer } : {}),
    stderr: stderrText,
    durationMs: performance.now() - run.startedMs,
    timedOut: run.timedOut,
    failed,
    shortMessage: failed ? describeFailure(argv, run, stderrText) : `${argv.join(" ")} ok`,
  };
}
