import type { CommandName } from "./recipe.js";

/**
 * The placeholders each command may use. The operations fill exactly these, so a recipe that
 * uses another one would run with a literal `{name}` in its argv: that is a validation error
 * (checkPlaceholders), not a surprise at 3 a.m.
 *
 * - `paths`: the paths (relative to the root), one argv element each; must be a whole element.
 * - `message`: the commit message, one element.
 * - `remote`, `remoteBranch`, `branch`: remote name, branch on the remote, local branch.
 * - `ref`, `from`, `to`, `rev`: revision names or ids.
 * - `object`: a blob id (git `listUnmerged` output).
 * - `path`: one path, as one element.
 * - `url`, `dir`: the repository to clone and the new working copy's path (`clone`).
 * - `limit`: the most entries a listing may print (a decimal number).
 * - `mailbox`: this working copy's mailbox name (git `push`; see git-mailbox.ts).
 */
export const allowedPlaceholders = {
  status: ["paths"],
  addAll: [],
  addPaths: ["paths"],
  addPathsFromStdin: [],
  commit: ["message"],
  identity: [],
  push: ["remote", "remoteBranch", "branch", "mailbox"],
  fetch: ["remote"],
  merge: ["ref", "message"],
  fastForward: ["ref"],
  pull: ["remote"],
  update: ["rev"],
  mergeAbort: [],
  mergeInProgress: [],
  listUnmerged: [],
  showVersion: ["object", "rev", "path"],
  takeTheirs: ["paths"],
  takeOurs: ["paths"],
  markResolved: ["paths"],
  remotes: [],
  upstream: ["branch"],
  remoteUrl: ["remote"],
  head: [],
  branch: [],
  resolveRef: ["ref"],
  countCommits: ["from", "to"],
  changedPaths: ["from", "to"],
  rootId: [],
  trackedCount: ["paths"],
  ignoredPaths: ["paths"],
  metadataPath: [],
  clone: ["url", "dir"],
  log: ["limit", "paths"],
  fileAtRevision: ["rev", "path"],
  trackedFiles: [],
  pathLog: ["rev", "path"],
  mergeBase: ["from", "to"],
  mailboxes: ["ref", "remote"],
} as const satisfies Record<CommandName, readonly string[]>;

/** Placeholders allowed in `identityEnv` values. */
export const identityPlaceholders = ["name", "email"] as const;

export type Placeholder =
  (typeof allowedPlaceholders)[CommandName][number] | (typeof identityPlaceholders)[number];

/** The placeholder that expands to several argv elements. */
export const LIST_PLACEHOLDER = "paths";
