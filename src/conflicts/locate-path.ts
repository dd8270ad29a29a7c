import { realpathSync } from "node:fs";
import { dirname, basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { ResolvedConfig, ResolvedRepository } from "../config/resolved-config.js";

export interface LocatedPath {
  repository: ResolvedRepository;
  /** Root-relative, with `/`. */
  path: string;
}

/**
 * The repository a path given on the command line belongs to (the innermost root holding it),
 * also through a symlinked folder on either side. The path itself need not exist (a copy that
 * is already gone is still located, so the error can say so).
 */
export function locatePath(
  config: ResolvedConfig,
  cwd: string,
  given: string,
): LocatedPath | undefined {
  const absolute = resolve(cwd, given);
  const candidates = [absolute, join(real(dirname(absolute)), basename(absolute))];
  let best: LocatedPath | undefined;
  for (const repository of config.repositories) {
    for (const root of new Set([repository.path, real(repository.path)])) {
      for (const candidate of candidates) {
        const rel = relative(root, candidate);
        if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) continue;
        if (!best || repository.path.length > best.repository.path.length)
          best = { repository, path: rel.split(sep).join("/") };
      }
    }
  }
  return best;
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
