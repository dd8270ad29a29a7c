import type { CommandResult, CommandRunner } from "../runtime/command-runner.js";

/**
 * The recipe environment variable naming the program that runs the recipe's `hg` commands.
 * `chg` (the hg recipe's default) is Mercurial's C client: the same argv, answered by a forked,
 * cached Python server instead of a new Python start per command. `hg` (or empty) turns it off.
 */
export const HG_CLIENT_ENV = "AUTOSYNC_HG_CLIENT";

/**
 * A chg server exits after this long without a command. The daemon's interval pull keeps it
 * warm; servers started by tests or a stopped daemon do not stay for chg's default hour.
 */
const IDLE_TIMEOUT_S = 600;

/** How long chg waits for a server it started (its default is 60 s per command). */
const START_TIMEOUT_S = "30";

/**
 * chg's own errors before the command reached a server: the command never ran, so running it
 * with hg instead cannot do anything twice. Errors after that ("failed to read channel") are
 * reported as they are, like any hg failure.
 */
const NOT_STARTED =
  /^chg: abort: (cannot create sockdir|cannot chdir|cannot stat|failed to exec|failed to fork|cannot rename|timed out waiting for cmdserver|cannot connect to|too long|sockname|cannot create socket|unexpected channel of hello|too many redirections|failed to (put|set)env|redirect path|chg started by chg)/m;

/**
 * Runs a recipe's `hg …` argv through `client` (chg). Falls back to `hg` for good when the
 * client cannot be started at all (not installed), and for the one command when chg failed
 * before the command ran. Every attempt goes through `runner`, so a command runner that counts
 * child processes counts a chg call as one process (the client; the server it talks to is
 * shared and not a child) and a fallback as two.
 */
export function hgClientRunner(runner: CommandRunner, client: string | undefined): CommandRunner {
  const program = client?.trim() ?? "";
  if (program === "" || program === "hg") return runner;
  let usable = true;
  return {
    async run(argv, options): Promise<CommandResult> {
      if (!usable || argv[0] !== "hg") return runner.run(argv, options);
      const sent = [
        program,
        "--config",
        `chgserver.idletimeout=${IDLE_TIMEOUT_S}`,
        ...argv.slice(1),
      ];
      const ran = await runner.run(sent, {
        ...options,
        env: { CHGTIMEOUT: START_TIMEOUT_S, ...options.env },
      });
      // Messages name the command as the recipe has it (`chg status`), not `chg --config`.
      const shown = [program, ...argv.slice(1)];
      const result = {
        ...ran,
        argv: shown,
        shortMessage: ran.shortMessage.replace(sent.join(" "), shown.join(" ")),
      };
      if (!result.failed) return result;
      if (couldNotStart(result)) {
        usable = false;
        return runner.run(argv, options);
      }
      return NOT_STARTED.test(result.stderr) || lostServer(result)
        ? runner.run(argv, options)
        : result;
    },
  };
}

/**
 * chg lost its server before the server said hello (a server killed with -9 leaves its socket
 * behind: chg connects, reads nothing, exits 255 without a word, measured with CHGDEBUG).
 * hg itself never exits 255 silently: its aborts always say `abort: …`.
 */
function lostServer(result: CommandResult): boolean {
  return result.exitCode === 255 && result.stderr === "" && result.stdout === "";
}

/** The program never ran (ENOENT, EACCES): no exit code, no signal, no timeout. */
function couldNotStart(result: CommandResult): boolean {
  return result.exitCode === undefined && result.signal === undefined && !result.timedOut;
}
