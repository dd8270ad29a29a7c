import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";

export interface ExpandedPath {
  /** Absolute, normalised path. */
  path: string;
  /** Variables the path named that are not set (they expanded to ""). */
  unsetVariables: string[];
}

/**
 * Expands a leading `~` (the env's HOME, else the OS home), `$VAR` and `${VAR}`, then makes the
 * path absolute against `baseDir` (the config file's directory). `$$` is a literal `$`.
 */
export function expandPath(
  text: string,
  { env, baseDir }: { env: NodeJS.ProcessEnv; baseDir: string },
): ExpandedPath {
  const unsetVariables: string[] = [];
  const home = env.HOME || homedir();
  let expanded = text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      if (whole === "$$") return "$";
      const name = (braced ?? bare)!;
      const value = env[name];
      if (value === undefined) {
        unsetVariables.push(name);
        return "";
      }
      return value;
    },
  );
  if (expanded === "~") expanded = home;
  else if (expanded.startsWith("~/")) expanded = home + expanded.slice(1);
  return {
    path: isAbsolute(expanded) ? resolve(expanded) : resolve(baseDir, expanded),
    unsetVariables,
  };
}
