import type { EngineConfig } from "./engine-config.js";
import type { StatusEntry } from "./status-entry.js";

export type DeletionVerdict =
  | { ok: true }
  | {
      ok: false;
      /** Deletions that are not moves. */
      deleted: number;
      /** Tracked files before the change; undefined when the status did not say. */
      tracked: number | undefined;
      everyFile: boolean;
    };

function baseName(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}

/**
 * Deletions that are not explained as moves. A status without rename detection (hg, brz, git on
 * an unstaged tree) reports a moved directory as N deletions plus N additions; pairing them by
 * file name keeps "I moved my photos folder" from looking like "I lost my photos".
 */
export function unexplainedDeletions(entries: readonly StatusEntry[]): number {
  const added = new Map<string, number>();
  for (const entry of entries) {
    if (entry.action === "added") {
      const name = baseName(entry.path);
      added.set(name, (added.get(name) ?? 0) + 1);
    }
  }
  let deleted = 0;
  for (const entry of entries) {
    if (entry.action !== "deleted") continue;
    const name = baseName(entry.path);
    const left = added.get(name) ?? 0;
    if (left > 0) added.set(name, left - 1);
    else deleted += 1;
  }
  return deleted;
}

/**
 * The mass-deletion guard (Syncthing halts a folder rather than propagate "everything was
 * deleted"): an unmounted drive, an emptied folder or a runaway script must never wipe the other
 * machines. Trips when one quiet period would delete more than `maxShare` of the tracked files
 * and at least `minFiles` of them, or every tracked file (also below `minFiles`).
 */
export function checkDeletions(
  entries: readonly StatusEntry[],
  trackedCount: number | undefined,
  guard: EngineConfig["deletionGuard"],
): DeletionVerdict {
  const deleted = unexplainedDeletions(entries);
  if (deleted === 0) return { ok: true };
  if (trackedCount === undefined) {
    // Without a count the share is unknown: trust only deletions below the absolute minimum.
    return deleted >= guard.minFiles
      ? { ok: false, deleted, tracked: undefined, everyFile: false }
      : { ok: true };
  }
  const everyFile = trackedCount > 1 && deleted >= trackedCount;
  const tooMany = deleted > guard.maxShare * trackedCount && deleted >= guard.minFiles;
  return everyFile || tooMany
    ? { ok: false, deleted, tracked: trackedCount, everyFile }
    : { ok: true };
}
