import { controlCliMessages } from "../../messages/ui-messages.js";
import type { CliCommand } from "../command.js";
import { runRepoRequest } from "../repo-request.js";

export const commitCommand: CliCommand = {
  name: "commit",
  summary: "Commit now in a running daemon, optionally with your own message (-m)",
  help: `${controlCliMessages.commitHelp}\n${controlCliMessages.commonOptions}`,
  run: (args, io) => runRepoRequest("commit", args, io),
};
