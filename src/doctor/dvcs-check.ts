import { tmpdir } from "node:os";
import type { CommandRunner } from "../runtime/command-runner.js";
import type { RecipeKind } from "../recipes/recipe.js";
import { doctorMessages as messages } from "../messages/doctor-messages.js";
import type { RecipeCommands } from "../operations/recipe-commands.js";
import { type CheckResult, ok, problem, warning } from "./check-result.js";

/** The oldest versions the recipes rely on (recipes/*.yaml say why). */
const MINIMUM: Record<RecipeKind, readonly number[]> = {
  git: [2, 26], // status --porcelain=v2 -z, --pathspec-from-file
  hg: [5, 0],
  bzr: [3, 0], // Breezy; the old `bzr` 2.x is Python 2 and untested
};

/** The program every command of the recipe starts (a recipe may name its own binary). */
export function dvcsProgram(commands: RecipeCommands): string {
  return commands.recipe.commands.status?.[0] ?? commands.recipe.kind;
}

function olderThan(found: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    const part = found[i] ?? 0;
    const wanted = minimum[i] ?? 0;
    if (part !== wanted) return part < wanted;
  }
  return false;
}

/** `git --version` (hg, brz): the binary is found, starts, and is new enough. */
export async function checkDvcs(
  subject: string,
  commands: RecipeCommands,
  runner: CommandRunner,
): Promise<CheckResult> {
  const program = dvcsProgram(commands);
  // Not in the root: a missing root must not look like a missing binary (spawn's ENOENT).
  const result = await runner.run([program, "--version"], {
    cwd: tmpdir(),
    env: commands.recipe.env,
    timeoutMs: 15_000,
  });
  if (result.failed) {
    return result.exitCode === undefined && !result.timedOut
      ? problem(subject, "dvcs", messages.dvcsMissing(program))
      : problem(subject, "dvcs", messages.dvcsBroken(program, result.shortMessage));
  }
  const version = /\d+(?:\.\d+)+/.exec(result.stdout)?.[0];
  const minimum = MINIMUM[commands.recipe.kind];
  if (version === undefined) return ok(subject, "dvcs", messages.dvcsVersion(program, "?"));
  if (olderThan(version.split(".").map(Number), minimum)) {
    return warning(subject, "dvcs", messages.dvcsOld(program, version, minimum.join(".")));
  }
  return ok(subject, "dvcs", messages.dvcsVersion(program, version));
}
