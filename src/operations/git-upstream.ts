import { operationsMessages } from "../messages/operations-messages.js";
import { OperationFailure } from "./operation-failure.js";
import type { RecipeCommands } from "./recipe-commands.js";

/** Where a git branch pushes and pulls. */
export interface GitUpstream {
  remote: string;
  /** Branch name on the remote (without refs/heads/). */
  remoteBranch: string;
  /** False when the branch has no upstream and `remote` is the fallback. */
  configured: boolean;
}

/**
 * The branch's upstream, else `origin` (or the only remote) with the same branch name.
 * Throws an OperationFailure when the repository has no remote at all.
 */
export async function findGitUpstream(git: RecipeCommands, branch: string): Promise<GitUpstream> {
  if (git.has("upstream")) {
    const result = await git.run("upstream", { branch });
    const [remote = "", mergeRef = ""] = result.stdout.replace(/\n$/, "").split("\0");
    if (!result.failed && remote !== "" && remote !== "." && mergeRef.startsWith("refs/heads/")) {
      return { remote, remoteBranch: mergeRef.slice("refs/heads/".length), configured: true };
    }
  }
  const remotes = (await git.ok("remotes")).stdout.split("\n").filter(Boolean);
  const remote = remotes.includes("origin") ? "origin" : remotes[0];
  if (remote === undefined) throw new OperationFailure(operationsMessages.noRemote);
  return { remote, remoteBranch: branch, configured: false };
}
