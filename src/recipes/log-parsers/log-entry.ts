/** What happened to one file in one change, as the history shows it. */
export type LogFileAction = "added" | "modified" | "deleted" | "renamed";

export interface LogFile {
  /** Root-relative path after the change (for a deletion: the path that was deleted). */
  path: string;
  action: LogFileAction;
  /** The name before a rename. */
  from?: string;
}

/** One change (commit, changeset, revision) as a log parser reads it. */
export interface LogEntry {
  /** The full revision id, stable across clones (git/hg hash, brz revision-id). */
  id: string;
  /** What `history` prints and `restore --at` accepts besides the full id. */
  shortId: string;
  /** Parent ids; two or more make a merge. */
  parents: string[];
  /** Commit time in milliseconds since the epoch. */
  timeMs: number;
  /** `Name <email>` as the DVCS recorded it. */
  author: string;
  message: string;
  /** Files changed against the first parent (merges: none, their changes are in the merged commits). */
  files: LogFile[];
}

/** Turns the stdout of `commands.log` into entries, newest first; registered in ./index.ts. */
export type LogParser = (stdout: string) => LogEntry[];
