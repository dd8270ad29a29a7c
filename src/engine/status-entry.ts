/** One line of the DVCS's own status: the truth about what is local, whatever events said. */
export type ChangeAction = "added" | "modified" | "deleted" | "renamed";

export interface StatusEntry {
  /** Path relative to the repository root, forward slashes, exactly as the DVCS names it. */
  path: string;
  action: ChangeAction;
  /** For renames: the old path. */
  from?: string;
  /** Size in bytes of the working-tree file, for added and modified entries. */
  sizeBytes?: number;
}
