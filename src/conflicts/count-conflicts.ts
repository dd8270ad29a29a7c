import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { isConflictCopy, parseConflictCopyName } from "../operations/conflict-copy-name.js";
import type { OperationsOptions } from "../operations/operations-options.js";
import { VersionHistory } from "./version-history.js";

/**
 * How many files have unresolved conflict copies: tracked names matching the copy pattern that
 * still exist, grouped by the file they belong to. One `trackedFiles` run and a stat per copy,
 * cheap enough after every commit and pull. Undefined when the recipe cannot list files.
 */
export async function countUnresolvedConflicts(
  options: Pick<OperationsOptions, "root" | "recipe" | "runner">,
): Promise<number | undefined> {
  if (options.recipe.commands.trackedFiles === undefined) return undefined;
  const tracked = await new VersionHistory(options).trackedFiles();
  const files = new Set<string>();
  for (const path of tracked) {
    if (!isConflictCopy(path)) continue;
    const info = await lstat(join(options.root, path)).catch(() => undefined);
    const parts = parseConflictCopyName(path);
    if (info?.isFile() && parts) files.add(parts.path);
  }
  return files.size;
}
