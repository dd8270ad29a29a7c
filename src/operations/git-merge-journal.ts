import { readFile, rename, rm, writeFile } from "node:fs/promises";

interface JournalContent {
  /** Conflict copies written so far (root-relative), removed if the merge is undone. */
  copies: string[];
}

/**
 * A file in git's metadata directory that exists exactly while autosync has a merge open. A
 * kill -9 between `git merge` and its commit leaves the repository mid-merge with conflict
 * markers in the working tree; on the next operation the journal says the merge is ours, so it
 * is aborted (and our uncommitted copies removed) instead of being mistaken for a merge the user
 * started and left alone forever. git aborts rather than finishes: `git merge --abort` restores
 * the pre-merge commit exactly, which holds every local edit (the pull committed them first),
 * and the next pull redoes the merge from scratch.
 */
export class GitMergeJournal {
  constructor(private readonly file: string) {}

  async begin(): Promise<void> {
    await this.write({ copies: [] });
  }

  async addCopy(copyPath: string): Promise<void> {
    const content = (await this.read()) ?? { copies: [] };
    content.copies.push(copyPath);
    await this.write(content);
  }

  async end(): Promise<void> {
    await rm(this.file, { force: true });
  }

  /** The open journal, or undefined when no merge of ours was interrupted. */
  async read(): Promise<JournalContent | undefined> {
    const text = await readFile(this.file, "utf8").catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const parsed = JSON.parse(text) as Partial<JournalContent>;
      return { copies: Array.isArray(parsed.copies) ? parsed.copies.map(String) : [] };
    } catch {
      return { copies: [] }; // torn write: still ours, still to be undone
    }
  }

  private async write(content: JournalContent): Promise<void> {
    // Write-then-rename: a crash leaves the old or the new journal, never half of one.
    const temporary = `${this.file}.tmp`;
    await writeFile(temporary, JSON.stringify(content));
    await rename(temporary, this.file);
  }
}
