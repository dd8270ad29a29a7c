import type { CliCommand } from "./command.js";
import { brokerCommand } from "./commands/broker.js";
import { runCommand } from "./commands/run.js";
import { validateCommand } from "./commands/validate.js";
import { initCommand } from "./commands/init.js";
import { importLegacyCommand } from "./commands/import-legacy.js";
import { statusCommand } from "./commands/status.js";
import { demoCommand } from "./commands/demo.js";
import { syncCommand } from "./commands/sync.js";
import { pauseCommand } from "./commands/pause.js";
import { resumeCommand } from "./commands/resume.js";
import { commitCommand } from "./commands/commit.js";
import { stopCommand } from "./commands/stop.js";
import { reloadCommand } from "./commands/reload.js";
import { cloneCommand } from "./commands/clone.js";
import { addCommand } from "./commands/add.js";
import { removeCommand } from "./commands/remove.js";
import { serviceCommand } from "./commands/service.js";
import { completionCommand } from "./commands/completion.js";
import { doctorCommand } from "./commands/doctor.js";
import { historyCommand } from "./commands/history.js";
import { restoreCommand } from "./commands/restore.js";
import { conflictsCommand } from "./commands/conflicts.js";
import { resolveCommand } from "./commands/resolve.js";

/** Every subcommand, in the order `autosync --help` lists them. Each lives in commands/<name>.ts. */
export const commands: readonly CliCommand[] = [
  demoCommand,
  runCommand,
  statusCommand,
  syncCommand,
  pauseCommand,
  resumeCommand,
  commitCommand,
  stopCommand,
  reloadCommand,
  cloneCommand,
  addCommand,
  removeCommand,
  historyCommand,
  restoreCommand,
  conflictsCommand,
  resolveCommand,
  serviceCommand,
  validateCommand,
  doctorCommand,
  initCommand,
  importLegacyCommand,
  brokerCommand,
  completionCommand,
];
