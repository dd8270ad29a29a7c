/** `autosync conflicts` and `autosync resolve`: every line they print. */
export const conflictMessages = {
  conflictsHelp: [
    "Usage: autosync conflicts [REPO…] [--json] [--config PATH]",
    "       autosync conflicts show PATH [--config PATH]",
    "",
    "Lists every conflict autosync kept both sides of and nobody settled yet: the file, its",
    "conflict copies, and for each version the machine that wrote it, when, its size and",
    "whether it is text. Copies that arrived from other machines are listed too.",
    "`show PATH` (the file or any of its copies) prints the common ancestor and each machine's",
    "version as a diff against it; for binary files sizes, hashes and times.",
    "Settle one with `autosync resolve PATH --keep HOST|both|edited`.",
    "",
    "  --json          one JSON object: { conflicts: [...] } (see docs/conflicts.md)",
    "  --config PATH   the config to read (default: the usual search)",
  ].join("\n"),
  resolveHelp: [
    "Usage: autosync resolve PATH --keep HOST|both|edited [--config PATH]",
    "",
    "Settles a conflict as an ordinary change: committed, pushed and announced, so every",
    "machine stops listing it. The versions not kept stay in history.",
    "",
    "  --keep HOST     the file gets the version that machine wrote; the copies go",
    "  --keep both     both stay; each copy loses the word conflict: notes (laptop).md",
    "  --keep edited   you merged by hand into the file; the copies go (refused while the",
    "                  file still holds conflict markers)",
    "  --config PATH   the config to read (default: the usual search)",
  ].join("\n"),
  usage: (command: string, problem: string) =>
    `autosync ${command}: ${problem}. Run 'autosync ${command} --help'.`,
  unknownRepos: (names: readonly string[], known: readonly string[]) =>
    `no repository named ${names.join(", ")} in the config (it has ${known.join(", ") || "none"})`,
  noneUnresolved: (repos: readonly string[]) => `Nothing is unresolved in ${repos.join(", ")}.`,
  repoUnreadable: (repo: string, reason: string) => `${repo}: cannot look for conflicts: ${reason}`,
  conflictTitle: (repo: string, path: string, versions: number) =>
    `${repo}: ${path} (${versions} versions)`,
  settleHint: (path: string, hosts: readonly string[]) =>
    `  settle: autosync resolve ${shellQuote(path)} --keep ${[...hosts, "both", "edited"].join("|")}`,
  uncommitted: "not committed yet",
  notInRepository: (path: string) => `${path} is not inside any configured repository`,
  noConflict: (path: string) => `${path} has no unresolved conflict`,
  copyGone: (path: string) =>
    `${path} is no longer there: that conflict copy was already resolved, renamed or deleted`,
  unknownHost: (path: string, host: string, hosts: readonly string[]) =>
    `no version of ${path} was written by ${host}; its versions are from ${hosts.join(", ")}`,
  fileGone: (path: string) => `${path} is missing: there is no edited version to keep`,
  markersLeft: (path: string, line: number) =>
    `${path} still holds conflict markers (line ${line}); finish merging it first`,
  resolvedSubject: (host: string, path: string, kept: string) =>
    `autosync ${host}: resolved the conflict on ${path}: ${kept}`,
  keptHost: (host: string) => `kept ${host}'s version`,
  keptBoth: "kept both versions",
  keptEdited: (host: string) => `kept the version merged by hand on ${host}`,
  droppedLine: (host: string, path: string) =>
    `${host}'s version (${path}) is no longer in the tree; it stays in history`,
  renamedLine: (host: string, from: string, to: string) => `${host}'s version: ${from} → ${to}`,
  resolved: (
    what: string,
    via: "daemon" | "direct",
    push: string | undefined,
    announced = false,
  ) =>
    via === "daemon"
      ? `${what}; the daemon pushes and announces it.`
      : push === "pushed" || push === "up-to-date"
        ? `${what}; committed and pushed${announced ? " and announced" : ""}.`
        : `${what}; committed, not pushed (${push ?? "no push"}): the daemon pushes it when it runs.`,
  nothingChanged: "Nothing to commit: the tree already was as asked.",
  showTitle: (repo: string, path: string) => `${repo}: ${path}`,
  ancestorHeading: (revision: string) => `common ancestor (${revision})`,
  ancestorMissing: (revision: string) =>
    `common ancestor (${revision}): the file did not exist yet (added on both sides)`,
  ancestorUnknown: "common ancestor: unknown (the DVCS cannot tell); versions shown whole",
  versionHeading: (host: string, path: string) => `${host}'s version: ${path}`,
  sameAsAncestor: "  (same as the common ancestor)",
  binaryVersion: "  binary: compare sizes, hashes and times",
} as const;

/** A path as a shell word, for hints the user may paste. */
export function shellQuote(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
