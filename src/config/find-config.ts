import { homedir } from "node:os";
import { basename } from "node:path";

/**
 * Where autosync looks, in each directory from cwd up to the home directory, then in the user
 * config directory ($XDG_CONFIG_HOME/autosync/config.yaml…). Explicit files win over the
 * `autosync` key of a package.json.
 */
export const SEARCH_PLACES = [
  "autosync.config.yaml",
  "autosync.config.yml",
  "autosync.config.json",
  ".autosyncrc",
  ".autosyncrc.yaml",
  ".autosyncrc.yml",
  ".autosyncrc.json",
  "package.json",
] as const;

export interface FoundConfig {
  file: string;
  /** The config is the `autosync` key of this package.json. */
  packageProperty?: "autosync";
}

/**
 * Finds the config file; does not parse it. cosmiconfig's own YAML loader drops positions and
 * throws on the first syntax error, so its loaders here only say "found"; the file is then
 * read by source-document.ts, which keeps line and column for every value.
 */
export async function findConfig({
  cwd,
  env,
}: {
  cwd: string;
  env: NodeJS.ProcessEnv;
}): Promise<FoundConfig | undefined> {
  // Imported only when searching: with `--config` the file is known and cosmiconfig (with its
  // own loaders' dependencies) never needs to be in memory.
  const { cosmiconfig } = await import("cosmiconfig");
  const found = () => ({ found: true });
  const explorer = cosmiconfig("autosync", {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: "global",
    stopDir: env.HOME || homedir(),
    cache: false,
    ignoreEmptySearchPlaces: false,
    loaders: {
      ".json": (filepath: string, content: string) => {
        if (basename(filepath) !== "package.json") return found();
        try {
          return JSON.parse(content) as unknown;
        } catch {
          // Someone else's broken package.json is not our config; keep searching.
          return null;
        }
      },
      ".yaml": found,
      ".yml": found,
      noExt: found,
      // cosmiconfig would execute these (its global places include config.js); a sync daemon's
      // config is data, never code.
      ".js": () => null,
      ".mjs": () => null,
      ".cjs": () => null,
      ".ts": () => null,
    },
  });
  const result = await explorer.search(cwd);
  if (!result) return undefined;
  return basename(result.filepath) === "package.json"
    ? { file: result.filepath, packageProperty: "autosync" }
    : { file: result.filepath };
}
