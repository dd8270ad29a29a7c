import type { ResolvedRepository } from "../config/resolved-config.js";
import { RecipeCommands } from "../operations/recipe-commands.js";
import type { CommandRunner } from "../runtime/command-runner.js";
import type { CheckResult } from "./check-result.js";
import { checkDiskSpace } from "./disk-space-check.js";
import { checkDvcs } from "./dvcs-check.js";
import { checkIdentity } from "./identity-check.js";
import { checkRemote } from "./remote-check.js";
import { checkUpstream } from "./upstream-check.js";
import { checkWorkingCopy } from "./working-copy-check.js";

export interface RepositoryCheckOptions {
  runner: CommandRunner;
  /** This machine's name, for the fallback identity. */
  host: string;
  networkTimeoutMs: number;
}

/**
 * One repository's lines, in order. Each step needs the one before (no binary, no working copy,
 * no remote: nothing further to ask), so a broken setup shows its first cause, not a cascade.
 */
export async function checkRepository(
  repository: ResolvedRepository,
  options: RepositoryCheckOptions,
): Promise<CheckResult[]> {
  const { name } = repository;
  const commands = new RecipeCommands({
    root: repository.path,
    recipe: repository.recipe,
    runner: options.runner,
    networkTimeoutMs: options.networkTimeoutMs,
    localTimeoutMs: options.networkTimeoutMs,
  });
  const results: CheckResult[] = [];
  const disk = async () => {
    const found = await checkDiskSpace(name, repository.path);
    if (found) results.push(found);
    return results;
  };
  const dvcs = await checkDvcs(name, commands, options.runner);
  results.push(dvcs);
  const workingCopy = await checkWorkingCopy(repository);
  results.push(workingCopy);
  if (dvcs.status === "problem" || workingCopy.status === "problem") return disk();
  const upstream = await checkUpstream(name, commands);
  results.push(upstream.result);
  results.push(await checkIdentity(name, commands, repository.engine.host));
  if (upstream.target) {
    results.push(...(await checkRemote(name, commands, upstream.target, options.networkTimeoutMs)));
  }
  return disk();
}
