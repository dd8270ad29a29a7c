import { lstat } from "node:fs/promises";
import { join } from "node:path";
import type { StatusEntry } from "../engine/status-entry.js";

/**
 * The changed paths a DVCS cannot record (hg and brz refuse a name with a newline), as the
 * optional `unstorable` field of a status result: such files stay untouched on disk, and the
 * engine tells the user once instead of leaving them out in silence.
 */
export function unstorableIn(
  entries: readonly StatusEntry[],
  isStorable: (path: string) => boolean,
  isIgnored: (path: string) => boolean,
): { unstorable?: string[] } {
  const unstorable = entries
    .map((entry) => entry.path)
    .filter((path) => !isStorable(path) && !isIgnored(path));
  return unstorable.length > 0 ? { unstorable } : {};
}

/** The `unstorable` field for a list that may repeat names; absent when the list is empty. */
export function unstorableList(paths: readonly string[]): { unstorable?: string[] } {
  return paths.length > 0 ? { unstorable: [...new Set(paths)] } : {};
}

/** The paths that are on disk now (a watcher's path may be gone again). */
export async function existing(root: string, paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    if (
      await lstat(join(root, path)).then(
        () => true,
        () => false,
      )
    )
      found.push(path);
  }
  return found;
}

/**
 * Names that are not valid UTF-8: command output is decoded as UTF-8, so such a name arrives
 * with U+FFFD in place of its bytes and names no file; git would be asked to add a path that
 * does not exist. A name that really contains U+FFFD exists on disk and stays. (Deletions are
 * left alone: a deleted file cannot be told apart that way.)
 */
export async function undecodableNames(
  root: string,
  entries: readonly StatusEntry[],
): Promise<string[]> {
  const candidates = entries
    .filter((entry) => entry.action !== "deleted" && entry.path.includes("\uFFFD"))
    .map((entry) => entry.path);
  const present = new Set(await existing(root, candidates));
  return candidates.filter((path) => !present.has(path));
}
