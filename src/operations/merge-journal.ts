import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The two revisions of a merge autosync started. */
export interface MergeJournalEntry {
  local: string;
  other: string;
}

/**
 * A note inside the metadata directory, written before autosync starts a merge and removed once
 * it is committed or aborted. After a kill -9 mid-merge, a merge in progress *with* this note is
 * ours, and the next pull finishes it the same way (keep both, commit) instead of refusing to
 * touch a merge someone else started. Finishing, not aborting: edits made in the tree while the
 * merge was open are committed with it instead of being reverted away.
 */
export function mergeJournal(root: string, metadataDir: string) {
  const file = join(root, metadataDir, "autosync-merge.json");
  return {
    async write(entry: MergeJournalEntry): Promise<void> {
      await writeFile(file, JSON.stringify(entry));
    },
    async read(): Promise<MergeJournalEntry | undefined> {
      const text = await readFile(file, "utf8").catch(() => undefined);
      if (text === undefined) return undefined;
      try {
        const value = JSON.parse(text) as Partial<MergeJournalEntry>;
        return typeof value.local === "string" && typeof value.other === "string"
          ? { local: value.local, other: value.other }
          : undefined;
      } catch {
        return undefined;
      }
    },
    async clear(): Promise<void> {
      await rm(file, { force: true });
    },
  };
}
