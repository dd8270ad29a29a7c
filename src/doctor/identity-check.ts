import { doctorMessages as messages } from "../messages/doctor-messages.js";
import { fallbackIdentity } from "../operations/commit-identity.js";
import type { RecipeCommands } from "../operations/recipe-commands.js";
import { type CheckResult, ok, problem, warning } from "./check-result.js";

/**
 * The identity commits are made under: the user's own, else the machine's fallback
 * (commit-identity.ts), which works but makes every machine's commits look like a robot's.
 */
export async function checkIdentity(
  subject: string,
  commands: RecipeCommands,
  host: string,
): Promise<CheckResult> {
  const kind = commands.recipe.kind;
  if (!commands.has("identity")) return ok(subject, "identity", messages.identityUnchecked);
  const result = await commands.run("identity");
  const identity = result.stdout.trim();
  if (!result.failed && identity !== "")
    return ok(subject, "identity", messages.identity(identity));
  if (commands.recipe.identityEnv) {
    const fallback = fallbackIdentity(host);
    return warning(subject, "identity", messages.identityFallback(kind, fallback));
  }
  return problem(subject, "identity", messages.identityMissing(kind));
}
