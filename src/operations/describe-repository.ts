import type { CommandResult } from "../runtime/command-runner.js";
import { fileStamp } from "./file-stamp.js";
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

/**
 * describeRepository for a running daemon, which asks after every push: the root id, remote
 * URL and branch are kept until the stamp of the files that hold them changes (hg's hgrc and
 * branch file, brz's branch.conf) or `forget` is called (a rejected push: history may have been
 * rewritten), so a describe costs one process (the head) instead of four, each a Python start.
 */
export class CachedDescription {
  private kept: { stamp: string; description: RepoDescription } | undefined;

  constructor(
    private readonly describeAll: () => Promise<RepoDescription>,
    private readonly head: () => Promise<string | undefined>,
    private readonly stampFiles: readonly string[],
  ) {}

  async describe(): Promise<RepoDescription> {
    const stamp = await fileStamp(this.stampFiles);
    const kept = this.kept;
    // An empty repository has no root yet: ask again until its first commit gives one.
    if (kept && kept.stamp === stamp && kept.description.repositoryId !== undefined) {
      return { ...kept.description, head: await this.head() };
    }
    const description = await this.describeAll();
    this.kept = { stamp, description };
    return description;
  }

  forget(): void {
    this.kept = undefined;
  }
}
