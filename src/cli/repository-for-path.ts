import { realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { ResolvedConfig, ResolvedRepository } from "../config/resolved-config.js";

/** A path the user named, as the repository it lies in and its root-relative form. */
export interface PathInRepository {
  repository: ResolvedRepository;
  /** Root-relative with forward slashes; "" for the root itself. */
  relPath: string;
}

/** Loads the config (`--config` or the usual search); prints its diagnostics on failure. */
// Symlinked temp dirs and mount points: compare real paths, resolving as much as exists (a
// deleted file's own name does not).
function realish(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : resolve(realish(parent), path.slice(parent.length + 1));
  }
}

/** The configured repository holding `path` (relative to cwd), or undefined. */
export function findRepositoryForPath(
  config: ResolvedConfig,
  path: string,
  cwd: string,
): PathInRepository | undefined {
  const absolute = realish(isAbsolute(path) ? path : resolve(cwd, path));
  let best: PathInRepository | undefined;
  for (const repository of config.repositories) {
    const root = realish(repository.path);
    const rel = relative(root, absolute);
    if (rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) continue;
    // The innermost root wins when repositories are nested.
    if (best && best.repository.path.length > repository.path.length) continue;
    best = { repository, relPath: rel.split(sep).join("/") };
  }
  return best;
}

/** The path names the DVCS's metadata (`.git/…`), which is never synced nor restored. */
export function isMetadataPath(repository: ResolvedRepository, relPath: string): boolean {
  const dir = repository.recipe.metadataDir;
  return relPath === dir || relPath.startsWith(`${dir}/`);
}
