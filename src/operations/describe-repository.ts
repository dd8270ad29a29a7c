import type { CommandResult } from "../runtime/command-runner.js";
import type { RecipeCommands } from "./recipe-commands.js";
import { stripCredentials } from "./remote-url.js";
import type { RepoDescription } from "./repo-operations.js";

/**
 * A repository's facts from the recipe's `rootId`, `remoteUrl` and `branch` commands, the way hg
 * and brz answer them; each DVCS reads its own ids (`null:`, forty zeros) and head. git finds
 * its remote through the branch's upstream, so it has its own.
 */
export async function describeRepository(
  commands: RecipeCommands,
  remote: string,
  head: () => Promise<string | undefined>,
  repositoryId: (rootId: CommandResult) => string | undefined,
): Promise<RepoDescription> {
  const [rootId, url, headId, branch] = await Promise.all([
    commands.run("rootId"),
    commands.run("remoteUrl", { remote }),
    head(),
    commands.run("branch"),
  ]);
  const remoteUrl = url.stdout.trim();
  return {
    repositoryId: repositoryId(rootId),
    remoteUrl: url.failed || remoteUrl === "" ? undefined : stripCredentials(remoteUrl),
    head: headId,
    branch: branch.failed ? undefined : branch.stdout.trim() || undefined,
  };
}
