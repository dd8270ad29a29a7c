/** Text of `autosync history` and `autosync restore` (docs/history.md). */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** A name on one line: a newline in a file name must not forge lines in messages. */
export function quoteName(path: string): string {
  return CONTROL.test(path) ? JSON.stringify(path) : path;
}

export const historyMessages = {
  historyHelp: [
    "Usage: autosync history [PATH] [--since WHEN] [--host HOST] [--limit N] [--json] [--config PATH]",
    "",
    "What changed, when, on which machine, and what happened to each file, newest first.",
    "With PATH (a file or folder in a configured repository): that file's versions, across",
    "renames and a deletion. Without PATH: the repository around the current directory, or",
    "every configured repository.",
    "",
    "  --since WHEN    only changes at or after WHEN: `2 hours ago`, `2026-12-01 14:00`, ISO 8601",
    "  --host HOST     only changes made by autosync on that machine",
    "  --limit N       at most N changes (per repository)",
    "  --json          a JSON array, one object per change (docs/history.md)",
    "  --config PATH   the config naming the repositories (default: the usual search)",
  ].join("\n"),
  restoreHelp: [
    "Usage: autosync restore PATH --at REV|WHEN [--to NEWPATH] [--config PATH]",
    "",
    "Brings back the content PATH had at a revision (as `autosync history` prints it) or a",
    "time (`2 hours ago`, `2026-12-01 14:00`), also for a file deleted since. The restore is a",
    "new change, committed, pushed and announced like any other; history is never rewritten.",
    "Uncommitted changes to PATH are committed first, so they stay in history too.",
    "",
    "  --at REV|WHEN   the revision or moment to take the content from",
    "  --to NEWPATH    write that version to NEWPATH (must not exist) and leave PATH as it is",
    "  --config PATH   the config naming the repositories (default: the usual search)",
  ].join("\n"),

  unknownOption: (command: string, option: string) =>
    `autosync ${command}: unknown option '${option}'. Run 'autosync ${command} --help'.`,
  missingValue: (command: string, option: string) => `autosync ${command}: ${option} needs a value`,
  unexpectedArgument: (command: string, extra: string) =>
    `autosync ${command}: unexpected argument '${extra}'. Run 'autosync ${command} --help'.`,
  missingPath: () => "autosync restore: which file? Usage: autosync restore PATH --at REV|WHEN",
  missingAt: () =>
    "autosync restore: --at REV|WHEN is required (a revision from `autosync history`, or a time such as `2 hours ago`)",
  badWhen: (option: string, text: string) =>
    `autosync history: ${option} ${JSON.stringify(text)} is not a time; use \`2 hours ago\`, \`2026-12-01 14:00\` or ISO 8601`,
  badLimit: (text: string) =>
    `autosync history: --limit ${JSON.stringify(text)} must be a whole number above 0`,
  notInRepository: (command: string, path: string) =>
    `autosync ${command}: ${quoteName(path)} is not inside a configured repository`,
  metadataPath: (command: string, path: string) =>
    `autosync ${command}: ${quoteName(path)} is the DVCS's own metadata, not a synced file`,
  notSupported: (command: string, repo: string, recipe: string) =>
    `autosync ${command}: the recipe ${recipe} of ${repo} has no \`log\`/\`fileAtRevision\` templates or \`logParser\` (docs/recipes.md)`,
  readFailed: (command: string, repo: string, detail: string) =>
    `autosync ${command}: cannot read the history of ${repo}: ${detail}`,
  unknownRevision: (text: string, repo: string) =>
    `autosync restore: no revision ${JSON.stringify(text)} in ${repo} (and it is not a time); see \`autosync history\``,
  ambiguousRevision: (text: string, count: number) =>
    `autosync restore: revision ${JSON.stringify(text)} is ambiguous (${count} match); give more digits`,
  beforeHistory: (when: string, first: string | undefined) =>
    first === undefined
      ? `autosync restore: ${when} is before the repository's first change (it has none yet)`
      : `autosync restore: ${when} is before the repository's first change (${first})`,
  neverExisted: (path: string, repo: string) =>
    `autosync restore: ${quoteName(path)} never existed in the history of ${repo}`,
  absentAt: (path: string, rev: string, when: string) =>
    `autosync restore: ${quoteName(path)} did not exist in ${rev} (${when}); \`autosync history ${quoteName(path)}\` lists its versions`,
  targetExists: (path: string) =>
    `autosync restore: ${quoteName(path)} already exists; --to writes only a new file (pick another name)`,
  targetIsFolder: (path: string) =>
    `autosync restore: ${quoteName(path)} is a folder; restore a file inside it`,
  unchanged: (path: string, rev: string) =>
    `${quoteName(path)} already has the content of ${rev}: nothing to restore`,
  restored: (path: string, rev: string, when: string, target: string | undefined) =>
    target === undefined
      ? `restored ${quoteName(path)} as of ${when} (${rev})`
      : `restored ${quoteName(path)} as of ${when} (${rev}) into ${quoteName(target)}`,
  pushed: () => "committed and pushed",
  notPushed: (why: string) => `committed; not pushed yet (${why}): the next sync pushes it`,
  committedPending: (path: string) =>
    `committed the uncommitted changes of ${quoteName(path)} first (they stay in history)`,
  viaDaemon: () => "through the running daemon",
  failed: (command: string, detail: string) => `autosync ${command}: ${detail}`,

  /** The commit a restore makes: `autosync <host>:` first, so `history` names the machine. */
  restoreCommit: (host: string, path: string, when: string, rev: string, target?: string) =>
    target === undefined
      ? `autosync ${host}: restored ${quoteName(path)} as of ${when} (${rev})`
      : `autosync ${host}: restored ${quoteName(path)} as of ${when} (${rev}) as ${quoteName(target)}`,

  binaryDiff: (before: number, after: number) =>
    `binary or not UTF-8: ${before} bytes before, ${after} bytes after`,
  noContentChange: () => "(no change to the content: a rename or a mode change)",
  confirmRestore: (path: string, rev: string, when: string, origin: string) =>
    `restore ${quoteName(path)} to its version of ${when} (${rev}, ${origin})? y/n`,
  tuiTitle: (repo: string) => `History: ${repo}`,
  tuiLoading: "reading the history…",
  tuiEmpty: (repo: string) => `${repo} has no history yet. Esc: back`,
  tuiKeys: "↑↓ select  Enter diff  r restore this version  Esc back",
  tuiDiffKeys: "j/k scroll  Enter/Esc close diff  r restore this version",
  tuiWorking: "restoring…",
  noChanges: (repo: string) => `${repo}: no changes`,
  noVersions: (path: string) => `${quoteName(path)}: no versions in history`,
  repoHeading: (repo: string) => `== ${repo}`,
  byAuthor: (author: string) => `by hand, ${author}`,
  merge: () => "merge",
} as const;
