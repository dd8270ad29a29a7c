import { lstat } from "node:fs/promises";
import { join } from "node:path";
import type { StatusEntry } from "../engine/status-entry.js";

/**
 * Adds the working-tree size to added, modified and renamed entries (the engine's large-file
 * rule needs it). Directories are dropped: hg and brz version files, and a directory is added
 * with its first file. An added file that vanished since the status is no change any more.
 */
export async function withSizes(
  root: string,
  entries: readonly StatusEntry[],
): Promise<StatusEntry[]> {
  const sized = await Promise.all(
    entries.map(async (entry): Promise<StatusEntry | undefined> => {
      if (entry.action === "deleted") return entry;
      const info = await lstat(join(root, entry.path)).catch(() => undefined);
      if (!info) return entry.action === "added" ? undefined : entry;
      if (info.isDirectory()) return undefined;
      return { ...entry, sizeBytes: info.size };
    }),
  );
  return sized.filter((entry): entry is StatusEntry => entry !== undefined);
}
