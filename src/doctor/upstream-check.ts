import { doctorMessages as messages } from "../messages/doctor-messages.js";
import { BZR_REMOTE } from "../operations/bzr-operations.js";
import { findGitUpstream } from "../operations/git-upstream.js";
import { HG_REMOTE } from "../operations/hg-operations.js";
import { OperationFailure } from "../operations/operation-failure.js";
import type { RecipeCommands } from "../operations/recipe-commands.js";
import { stripCredentials } from "../operations/remote-url.js";
import { type CheckResult, ok, problem, warning } from "./check-result.js";

/** Where the repository pushes, as the operations find it; what the remote checks probe. */
export interface RemoteTarget {
  /** The name the DVCS knows it by: a git remote, hg's `default`, brz's `:parent`. */
  remote: string;
  /** Its URL as configured (credentials included: only ever passed to the DVCS). */
  url: string | undefined;
  /** git: the local branch and the remote branch a push updates. */
  branch?: string;
  remoteBranch?: string;
}

export interface UpstreamFinding {
  result: CheckResult;
  /** Undefined when there is nowhere to push: the remote checks are skipped. */
  target?: RemoteTarget;
}

async function urlOf(commands: RecipeCommands, remote: string): Promise<string | undefined> {
  if (!commands.has("remoteUrl")) return undefined;
  const result = await commands.run("remoteUrl", { remote });
  const url = result.stdout.trim();
  return result.failed || url === "" ? undefined : url;
}

/**
 * git: the branch's upstream, else what the push falls back to (`origin`, or the only remote,
 * with the same branch name; operations/git-upstream.ts), which works but is worth fixing.
 */
async function gitUpstream(subject: string, commands: RecipeCommands): Promise<UpstreamFinding> {
  const branchResult = await commands.run("branch");
  const branch = branchResult.stdout.trim();
  if (branchResult.failed || branch === "") {
    return { result: problem(subject, "upstream", messages.detachedHead) };
  }
  let upstream;
  try {
    upstream = await findGitUpstream(commands, branch);
  } catch (error) {
    if (!(error instanceof OperationFailure)) throw error;
    return { result: problem(subject, "upstream", messages.noGitRemote(branch)) };
  }
  const { remote, remoteBranch } = upstream;
  const target = { remote, url: await urlOf(commands, remote), branch, remoteBranch };
  return {
    result: upstream.configured
      ? ok(subject, "upstream", messages.tracks(branch, `${remote}/${remoteBranch}`))
      : warning(subject, "upstream", messages.noUpstream(branch, remote)),
    target,
  };
}

/** hg and brz push to one configured place: hg's `default` path, brz's parent branch. */
async function namedRemote(
  subject: string,
  commands: RecipeCommands,
  remote: string,
): Promise<UpstreamFinding> {
  const url = await urlOf(commands, remote);
  const kind = commands.recipe.kind;
  if (url === undefined) {
    return {
      result: problem(
        subject,
        "upstream",
        kind === "hg" ? messages.noHgDefault : messages.noParent,
      ),
    };
  }
  const branch = commands.has("branch") ? await commands.run("branch") : undefined;
  const name = branch && !branch.failed ? branch.stdout.trim() : "";
  return {
    result: ok(subject, "upstream", messages.pushesTo(name, stripCredentials(url))),
    target: { remote, url },
  };
}

/** A branch that knows where it pushes. */
export function checkUpstream(subject: string, commands: RecipeCommands): Promise<UpstreamFinding> {
  switch (commands.recipe.kind) {
    case "git":
      return gitUpstream(subject, commands);
    case "hg":
      return namedRemote(subject, commands, HG_REMOTE);
    case "bzr":
      return namedRemote(subject, commands, BZR_REMOTE);
  }
}
