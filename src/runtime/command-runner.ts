import { spawn, type ChildProcess } from "node:child_process";
import { runServed, servedByBrzServer } from "./brz-server.js";
import { commandResult, FORCE_KILL_AFTER_MS, MAX_OUTPUT_BYTES } from "./command-result.js";

export { lastLines } from "./command-result.js";

/**
 * One result shape for success and failure (as execa had it): a failed command is data that
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

/**
 * Commands still running: a daemon that exits (a second Ctrl+C, a forced stop) takes them with
 * it rather than leaving a clone or a push running on its own. Detached ones (own process
 * group) are not in it, as execa's `cleanup` left those alone too.
 */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killOnExit(child: ChildProcess): void {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const command of running) command.kill();
  });
}

/**
 * Runs `argv` with node:child_process: argv only, never a shell, so file names cannot inject.
 * Hand-written rather than execa: execa loaded 111 modules that an idle daemon kept in memory
 * (~17 MB of its anonymous memory, and each spawn() copies the page tables of all of it) and
 * doubled the time of a spawn (bench/README.md, "Idle").
 */
export function runCommand(
  argv: readonly string[],
  options: CommandOptions & {
    /** false: the command gets exactly `env`, not the process environment plus `env`. */
    inheritEnv?: boolean;
  },
): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error("empty argv"));
  const started = performance.now();
  const group = options.killProcessGroup === true;
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outputBytes = 0;
    let timedOut = false;
    let tooLarge = false;
    let timer: NodeJS.Timeout | undefined;
    let forceTimer: NodeJS.Timeout | undefined;
    let child: ChildProcess | undefined;
    let settled = false;
    const settle = (exit: { exitCode?: number; signal?: string; code?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(forceTimer);
      if (child) running.delete(child);
      resolve(
        commandResult(argv, options, {
          ...exit,
          stdout,
          stderr,
          startedMs: started,
          timedOut,
          tooLarge,
        }),
      );
    };
    const stop = (): void => {
      if (!child) return;
      if (group && child.pid !== undefined) {
        // git leaves its helpers (git-remote-http, ssh) running when it alone is killed.
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // The group is gone already.
        }
        return;
      }
      child.kill("SIGTERM");
      forceTimer ??= setTimeout(() => child?.kill("SIGKILL"), FORCE_KILL_AFTER_MS);
    };
    try {
      child = spawn(file, args, {
        cwd: options.cwd,
        env:
          options.inheritEnv === false
            ? { ...options.env }
            : options.env
              ? { ...process.env, ...options.env }
              : process.env,
        stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        detached: group,
      });
    } catch (error) {
      // Invalid arguments (a NUL byte in argv) throw before anything runs.
      stderr.push(Buffer.from(String(error)));
      settle({ code: (error as NodeJS.ErrnoException).code });
      return;
    }
    if (!group) killOnExit(child);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > MAX_OUTPUT_BYTES) {
        if (!tooLarge) stop();
        tooLarge = true;
        return;
      }
      into.push(chunk);
    };
    child.stdout?.on("data", collect(stdout));
    child.stderr?.on("data", collect(stderr));
    child.on("error", (error: NodeJS.ErrnoException) => {
      // Could not start (ENOENT, EACCES, a missing cwd): no "close" may follow.
      if (child?.pid === undefined) settle({ code: error.code });
    });
    child.on("close", (code, signal) => {
      settle({
        ...(code === null ? {} : { exitCode: code }),
        ...(signal === null ? {} : { signal }),
      });
    });
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs);
    }
    if (options.input !== undefined && child.stdin) {
      // A command that exits without reading its input closes the pipe: EPIPE is not a failure.
      child.stdin.on("error", () => {});
      child.stdin.end(options.input);
    }
  });
}

/**
 * The runner of every DVCS command. A recipe's brz commands (`AUTOSYNC_BRZ_SERVER: on` in its
 * env) go to a brz server that forks them from one loaded Python: below every wrapping
 * runner, so a runner that counts, records or adds to commands sees each of them as before.
 */
export const processRunner: CommandRunner = {
  run: (argv, options) =>
    servedByBrzServer(argv, options)
      ? runServed(argv, options, runCommand)
      : runCommand(argv, options),
};
