/** User-facing text of the DVCS operations (failures end up in events, logs and the UI). */
export const operationsMessages = {
  rootMissing: (root: string) => `the watch root ${root} does not exist (unmounted or deleted?)`,
  rootNotDirectory: (root: string) => `the watch root ${root} is not a directory`,
  markerMissing: (root: string, marker: string) =>
    `${root} holds no ${marker}: it is not (or no longer) a working copy`,
  commandMissing: (recipe: string, command: string) =>
    `the ${recipe} recipe has no commands.${command}, which this operation needs`,
  commandFailed: (shortMessage: string) => shortMessage,
  unmergedPaths: (paths: readonly string[]) =>
    `a merge is in progress with unmerged paths (${paths.slice(0, 3).join(", ")}${paths.length > 3 ? ", …" : ""}); finish or abort it, autosync commits nothing until then`,
  mergeInProgress: "a merge someone else started is in progress; finish or abort it first",
  detachedHead: "HEAD is detached: check out a branch so autosync knows where to commit",
  noRemote: "the repository has no remote to push to or pull from",
  mergeFailed: (reason: string) => `merge failed and was undone: ${reason}`,
  unresolved: (paths: readonly string[]) => `conflicts could not be resolved: ${paths.join(", ")}`,
  originNoLocalCommit: "no local commit yet to merge into",
  mergeMessage: (host: string, remoteRef: string) => `autosync: merge ${remoteRef} on ${host}`,
  mergeConflictsLine: (count: number) =>
    `${count} conflict${count === 1 ? "" : "s"}, both sides kept:`,
  /** A merge commit's message: the title, then one line per conflict and where each side went. */
  mergeCommitMessage: (
    title: string,
    conflicts: readonly { path: string; copyPath?: string; kind: string }[],
  ) =>
    conflicts.length === 0
      ? title
      : [
          title,
          "",
          operationsMessages.mergeConflictsLine(conflicts.length),
          ...conflicts.map(
            (c) =>
              `  ${c.path}${c.copyPath && c.copyPath !== c.path ? ` → ${c.copyPath}` : ""} (${c.kind})`,
          ),
        ].join("\n"),
  pullDeletionGuard: (deleted: number, tracked: number) =>
    `not pulling: ${deleted} of ${tracked} tracked files are deleted locally, and the deletion guard holds them back (nothing was committed or merged)`,
  changeOutsideRoot: (path: string) =>
    `${JSON.stringify(path)} is not a path inside the repository`,
  changeSourceGone: (path: string) => `${path} is no longer there (already resolved or moved?)`,
  changeNotCommitted: (reason: string) => `the change was made but not committed: ${reason}`,
  unexpected: (error: unknown) =>
    `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
} as const;
