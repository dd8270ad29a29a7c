import { controlCliMessages } from "../../messages/ui-messages.js";
import type { CliCommand } from "../command.js";
import { runRepoRequest } from "../repo-request.js";

export const resumeCommand: CliCommand = {
  name: "resume",
  summary: "Resume syncing; --allow-deletions after the deletion guard stopped it",
  help: `${controlCliMessages.resumeHelp}\n${controlCliMessages.commonOptions}`,
  run: (args, io) => runRepoRequest("resume", args, io),
};
