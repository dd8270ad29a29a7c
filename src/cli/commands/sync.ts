import { controlCliMessages } from "../../messages/ui-messages.js";
import type { CliCommand } from "../command.js";
import { runRepoRequest } from "../repo-request.js";

export const syncCommand: CliCommand = {
  name: "sync",
  summary: "Sync now: commit, pull and push without waiting for the timers",
  help: `${controlCliMessages.syncHelp}\n${controlCliMessages.commonOptions}`,
  run: (args, io) => runRepoRequest("sync", args, io),
};
