import type { CliCommand } from "./command.js";
import { runCommand } from "./commands/run.js";

/** Every subcommand, in the order `autosync --help` lists them. Each lives in commands/<name>.ts. */
export const commands: readonly CliCommand[] = [runCommand];
