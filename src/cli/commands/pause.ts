import { controlCliMessages } from "../../messages/ui-messages.js";
import type { CliCommand } from "../command.js";
import { runRepoRequest } from "../repo-request.js";

export const pauseCommand: CliCommand = {
  name: "pause",
  summary: "Pause syncing in a running daemon (one repository or all)",
  help: `${controlCliMessages.pauseHelp}\n${controlCliMessages.commonOptions}`,
  run: (args, io) => runRepoRequest("pause", args, io),
};
