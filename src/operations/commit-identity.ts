import { hostname } from "node:os";
import { expandArgv } from "../recipes/expand-argv.js";
import type { RecipeCommands } from "./recipe-commands.js";

/**
 * Environment for commands that commit. The user's own identity always wins; only when none is
 * configured (the recipe's `identity` command fails or prints nothing: hg has no ui.username,
 * brz whoami says "Unable to determine your name") do commits run under the machine's name via
 * `identityEnv`, instead of failing on every quiet period forever.
 */
export async function commitIdentityEnv(
  commands: RecipeCommands,
  host: string = hostname(),
): Promise<Record<string, string>> {
  const fallback = commands.recipe.identityEnv;
  if (!fallback || !commands.has("identity")) return {};
  const result = await commands.run("identity");
  if (!result.failed && result.stdout.trim() !== "") return {};
  const values = fallbackIdentity(host);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(fallback)) {
    env[key] = expandArgv([value], values)[0] ?? "";
  }
  return env;
}

/**
 * commitIdentityEnv for hg and brz, asked once while the user's own identity applies. A fallback
 * is asked again at the next commit: its HGUSER or BRZ_EMAIL would override an identity the user
 * configures meanwhile, so without asking, autosync would commit as the machine until restarted.
 */
export function keptIdentityEnv(
  commands: RecipeCommands,
  host?: string,
): () => Promise<Record<string, string>> {
  let kept: Promise<Record<string, string>> | undefined;
  return async () => {
    kept ??= commitIdentityEnv(commands, host);
    try {
      const env = await kept;
      if (Object.keys(env).length > 0) kept = undefined;
      return env;
    } catch (error) {
      kept = undefined;
      throw error;
    }
  };
}

/** The identity commits get when the user configured none; also what `autosync doctor` shows. */
export function fallbackIdentity(host: string = hostname()): { name: string; email: string } {
  // Same identity as the git operations give: `autosync <host>`.
  return {
    name: `autosync ${host}`,
    email: `autosync@${host.replace(/[^A-Za-z0-9.-]/g, "-") || "localhost"}`,
  };
}
