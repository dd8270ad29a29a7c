import { loadConfig } from "../../config/load-config.js";
import { installMessages as messages } from "../../messages/install-messages.js";
import type { CliCommand, CliIo } from "../command.js";
import { bashCompletion } from "../completion/bash-completion.js";
import { commandSpec } from "../completion/command-spec.js";
import { fishCompletion } from "../completion/fish-completion.js";
import { zshCompletion } from "../completion/zsh-completion.js";
import { ExitCode } from "../exit-codes.js";

const SCRIPTS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion };

/**
 * `--repos [--config PATH]`, the scripts' hidden helper: the configured repository names, one a
 * line. Runs at every Tab, so it stays quiet: no output and exit 1 on any problem.
 */
async function printRepositoryNames(args: string[], io: CliIo): Promise<number> {
  const at = args.indexOf("--config");
  const configPath = at >= 0 ? args[at + 1] : undefined;
  try {
    const loaded = await loadConfig({
      ...(configPath ? { configPath } : {}),
      cwd: io.cwd,
      env: io.env,
      rootChecks: "off",
    });
    if (!loaded.ok) return ExitCode.failure;
    for (const repository of loaded.config.repositories) io.stdout.write(`${repository.name}\n`);
    return ExitCode.ok;
  } catch {
    return ExitCode.failure;
  }
}

export const completionCommand: CliCommand = {
  name: "completion",
  summary: "Print a bash, zsh or fish completion script (commands, flags, repository names)",
  help: messages.completionHelp,
  async run(args, io) {
    if (args[0] === "--repos") return printRepositoryNames(args.slice(1), io);
    const shell = args[0];
    if (args.length !== 1 || !(shell && Object.hasOwn(SCRIPTS, shell))) {
      io.stderr.write(`${messages.completionUsage(shell)}\n`);
      return ExitCode.usage;
    }
    // Imported here, not at the top: the list holds this command too.
    const { commands } = await import("../command-list.js");
    io.stdout.write(SCRIPTS[shell as keyof typeof SCRIPTS](commands.map(commandSpec)));
    return ExitCode.ok;
  },
};
