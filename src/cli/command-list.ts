import type { CliCommand } from "./command.js";
import { brokerCommand } from "./commands/broker.js";
import { runCommand } from "./commands/run.js";
import { validateCommand } from "./commands/validate.js";
import { initCommand } from "./commands/init.js";
import { importLegacyCommand } from "./commands/import-legacy.js";

/** Every subcommand, in the order `autosync --help` lists them. Each lives in commands/<name>.ts. */
export const commands: readonly CliCommand[] = [
  runCommand,
  validateCommand,
  initCommand,
  importLegacyCommand,
  brokerCommand,
];
