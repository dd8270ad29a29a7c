import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { buildCommitMessage } from "../engine/commit-message.js";
import { diffLines } from "../conflicts/line-diff.js";
import { historyMessages } from "../messages/history-messages.js";
import type { Recipe } from "../recipes/recipe.js";
import type { CommandRunner } from "../runtime/command-runner.js";
import { toHistoryChange, type HistoryChange } from "./history-change.js";
import { RecipeCommands } from "./recipe-commands.js";
import { RepoHistory } from "./repo-history.js";
import { stageRestore } from "./restore-change.js";
import type { LogFile } from "../recipes/log-parsers/index.js";
import type { FileChange, UserChangeOutcome } from "./user-change.js";

/** One file of one change: a row of the history view. */
export interface FileVersionRow {
  change: HistoryChange;
  file: LogFile;
}

/** What the terminal UI's history view (`h`) asks a running daemon for. */
export interface HistoryBrowser {
  /** The newest changes, flattened to one row per file (a merge: one row without a file). */
  rows(limit: number): Promise<FileVersionRow[]>;
  /** The row's file as a unified diff against the change's first parent (text lines). */
  diff(row: FileVersionRow): Promise<string[]>;
  /**
   * Plans (`apply` false: the confirmation line) or makes the restore of that file version as a
   * user change; a string says why it cannot be done.
   */
  restore(row: FileVersionRow, apply: boolean): Promise<{ summary: string } | string>;
}

export interface HistoryBrowserSource {
  repo: string;
  root: string;
  recipe: Recipe;
  runner: CommandRunner;
  host: string;
  formatTime: (ms: number) => string;
}

async function isFile(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isFile() === true;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function asText(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return "";
  if (bytes.includes(0)) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function historyBrowser(
  source: HistoryBrowserSource,
  change: (changes: readonly FileChange[], message: string) => Promise<UserChangeOutcome>,
): HistoryBrowser {
  const history = new RepoHistory(
    new RecipeCommands({ root: source.root, recipe: source.recipe, runner: source.runner }),
  );
  /** The version a row stands for: a deletion's is the content just before it. */
  async function versionOf(row: FileVersionRow) {
    const entryId = row.change.id;
    if (row.file.action !== "deleted")
      return { id: entryId, bytes: await history.content(entryId, row.file.path) };
    const parents = (await history.log([row.file.path])).find((e) => e.id === entryId)?.parents;
    const parent = parents?.[0];
    return { id: parent, bytes: parent ? await history.content(parent, row.file.path) : undefined };
  }
  return {
    async rows(limit) {
      const entries = await history.log([], limit);
      return entries.flatMap((entry) => {
        const changeRow = toHistoryChange(source.repo, entry);
        return changeRow.files.map((file) => ({ change: changeRow, file }));
      });
    },
    async diff(row) {
      const entry = (await history.log([], undefined)).find((e) => e.id === row.change.id);
      const parent = entry?.parents[0];
      const oldName = row.file.from ?? row.file.path;
      const before =
        row.file.action === "added" || !parent ? undefined : await history.content(parent, oldName);
      const after =
        row.file.action === "deleted"
          ? undefined
          : await history.content(row.change.id, row.file.path);
      const oldText = asText(before);
      const newText = asText(after);
      if (oldText === undefined || newText === undefined)
        return [historyMessages.binaryDiff(before?.length ?? 0, after?.length ?? 0)];
      const lines: string[] = [];
      for (const hunk of diffLines(oldText, newText)) {
        lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
        for (const line of hunk.lines) lines.push(`${line.sign}${line.text}`);
      }
      return lines.length > 0 ? lines : [historyMessages.noContentChange()];
    },
    async restore(row, apply) {
      const { bytes } = await versionOf(row);
      if (bytes === undefined)
        return historyMessages.absentAt(
          row.file.path,
          row.change.shortId,
          source.formatTime(Date.parse(row.change.time)),
        );
      const when = source.formatTime(Date.parse(row.change.time));
      const summary = historyMessages.restored(row.file.path, row.change.shortId, when, undefined);
      if (!apply)
        return {
          summary: historyMessages.confirmRestore(
            row.file.path,
            row.change.shortId,
            when,
            row.change.host ?? row.change.author,
          ),
        };
      // Whatever is pending at the file is committed first, so the restore overwrites nothing
      // that is not in history (nothing pending: nothing to commit, no commit made).
      if (await isFile(join(source.root, row.file.path)))
        await change(
          [{ op: "rename", from: row.file.path, to: row.file.path }],
          buildCommitMessage(source.host, [{ path: row.file.path, action: "modified" }]),
        );
      const staged = await stageRestore(source.root, row.file.path, bytes);
      try {
        await change(
          staged.changes,
          historyMessages.restoreCommit(source.host, row.file.path, when, row.change.shortId),
        );
      } finally {
        await staged.discard();
      }
      return { summary };
    },
  };
}
