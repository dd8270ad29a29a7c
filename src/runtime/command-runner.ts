import { execa } from "execa";

/**
 * One result shape for success and failure (execa's idea): a failed command is data that
 * the caller turns into an event, never an exception.
 */
export interface CommandResult {
  argv: readonly string[];
  cwd: string;
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  /** Raw stdout, only when the command was run with `binaryOutput: true`. */
  stdoutBytes?: Uint8Array;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  failed: boolean;
  /** One line for the UI: the command and why it failed. The log gets the full result. */
  shortMessage: string;
}

export interface CommandOptions {
  cwd: string;
  /** Added to the process environment (recipes set no-prompt, no-pager variables here). */
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  input?: string | Uint8Array;
  binaryOutput?: boolean;
  /**
   * On timeout, kill the command's whole process group, not only the command: git leaves its
   * helpers (git-remote-http, ssh) running when it is killed, and they hold the output pipes
   * open, so the result would wait for them. The command then runs in a group of its own.
   */
  killProcessGroup?: boolean;
}

export interface CommandRunner {
  run(argv: readonly string[], options: CommandOptions): Promise<CommandResult>;
}

const STDERR_TAIL_LINES = 5;

export function lastLines(text: string, count = STDERR_TAIL_LINES): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

/** Runs commands with execa: argv only, never a shell, so file names cannot inject. */
export const execaRunner: CommandRunner = {
  async run(argv, options) {
    const [file, ...args] = argv;
    if (file === undefined) throw new Error("empty argv");
    const started = performance.now();
    const subprocess = execa(file, args, {
      cwd: options.cwd,
      env: options.env ? { ...options.env } : undefined,
      extendEnv: true,
      reject: false,
      stripFinalNewline: false,
      timeout: options.timeoutMs,
      input: options.input,
      encoding: options.binaryOutput ? "buffer" : "utf8",
      stdin: options.input === undefined ? "ignore" : "pipe",
      maxBuffer: 1024 * 1024 * 1024,
      detached: options.killProcessGroup === true,
    });
    let groupKilled = false;
    const groupTimer =
      options.killProcessGroup && options.timeoutMs !== undefined
        ? setTimeout(() => {
            groupKilled = true;
            try {
              if (subprocess.pid !== undefined) process.kill(-subprocess.pid, "SIGKILL");
            } catch {
              // The group is gone already.
            }
          }, options.timeoutMs)
        : undefined;
    const result = await subprocess.finally(() => clearTimeout(groupTimer));
    const timedOut = result.timedOut || groupKilled;
    const durationMs = performance.now() - started;
    const stdoutBytes = result.stdout instanceof Uint8Array ? result.stdout : undefined;
    const stdout =
      typeof result.stdout === "string"
        ? result.stdout
        : stdoutBytes
          ? new TextDecoder().decode(stdoutBytes)
          : "";
    const stderr =
      typeof result.stderr === "string"
        ? result.stderr
        : result.stderr instanceof Uint8Array
          ? new TextDecoder().decode(result.stderr)
          : "";
    const failed = result.failed;
    const exitCode = typeof result.exitCode === "number" ? result.exitCode : undefined;
    const signal = result.signal ?? undefined;
    const shortMessage = failed
      ? `${argv.join(" ")} failed` +
        (timedOut
          ? " (timed out)"
          : signal
            ? ` (signal ${signal})`
            : exitCode !== undefined
              ? ` (exit ${exitCode})`
              : ` (${(result as { code?: string }).code ?? "could not start"})`) +
        (stderr.trim() ? `: ${lastLines(stderr, 1)}` : "")
      : `${argv.join(" ")} ok`;
    return {
      argv: [...argv],
      cwd: options.cwd,
      exitCode,
      signal,
      stdout,
      ...(stdoutBytes ? { stdoutBytes } : {}),
      stderr,
      durationMs,
      timedOut,
      failed,
      shortMessage,
    };
  },
};
