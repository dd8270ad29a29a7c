import type { StatusEntry } from "../../engine/status-entry.js";

/** What a status parser makes of a status command's stdout. */
export interface ParsedStatus {
  /** Local changes, relative to the root, without sizes (the operations add those). */
  entries: StatusEntry[];
  /**
   * Paths left unmerged by someone else's merge (autosync itself never leaves one). While any
   * exist nothing is committed: committing them would commit conflict markers.
   */
  conflicted: string[];
}

/** Turns the stdout of `commands.status` into entries; registered by name in ./index.ts. */
export type StatusParser = (stdout: string) => ParsedStatus;
