// Generated from schemas/recipe.schema.json by scripts/generate.ts (npm run gen). Do not edit by hand.

/**
 * Machine-readable status of the working copy, parsed by `statusParser`. `{paths}` scopes it (the whole tree when empty).
 *
 * @minItems 1
 */
export type ArgvTemplate = [string, ...string[]];
/**
 * Stage every change, deletions included.
 *
 * @minItems 1
 */
export type ArgvTemplate1 = [string, ...string[]];
/**
 * Stage these paths (after `--`), deletions included. `{paths}` is chunked to stay below the argument limit.
 *
 * @minItems 1
 */
export type ArgvTemplate2 = [string, ...string[]];
/**
 * Optional faster form of `addPaths`: stages the NUL-separated paths written to its stdin (git's `--pathspec-from-file=- --pathspec-file-nul`), so thousands of paths need one process.
 *
 * @minItems 1
 */
export type ArgvTemplate3 = [string, ...string[]];
/**
 * Commit what is staged (or the merge in progress) with `{message}` as one argv element.
 *
 * @minItems 1
 */
export type ArgvTemplate4 = [string, ...string[]];
/**
 * Prints the configured user identity; empty output or a failure means none is configured and `identityEnv` is applied to commits.
 *
 * @minItems 1
 */
export type ArgvTemplate5 = [string, ...string[]];
/**
 * Push the current branch. git: `{remote}` and `{remoteBranch}` (the upstream, or the same-named branch on the first push); `{mailbox}` names this working copy's mailbox (`+HEAD:refs/heads/synced/{mailbox}`, see docs/architecture.md), which the first push, the one that records the upstream, leaves out.
 *
 * @minItems 1
 */
export type ArgvTemplate6 = [string, ...string[]];
/**
 * Download from `{remote}` without touching the working copy.
 *
 * @minItems 1
 */
export type ArgvTemplate7 = [string, ...string[]];
/**
 * Merge `{ref}` into the working copy with `{message}` when a merge commit is needed. Conflicts must stop the merge, not prompt.
 *
 * @minItems 1
 */
export type ArgvTemplate8 = [string, ...string[]];
/**
 * Moves the working copy to `{ref}` only if that is a fast-forward, and refuses, touching nothing, when the move would overwrite an untracked or ignored file (git: `merge --ff-only --no-overwrite-ignore`). Tried first when the working copy held the remote's previous head: it saves looking for ignored files in the way before every pull.
 *
 * @minItems 1
 */
export type ArgvTemplate9 = [string, ...string[]];
/**
 * For DVCS whose pull downloads and integrates in one step (hg `pull`, brz `merge`/`pull`).
 *
 * @minItems 1
 */
export type ArgvTemplate10 = [string, ...string[]];
/**
 * Update the working copy to the newest revision after a pull (hg `update`).
 *
 * @minItems 1
 */
export type ArgvTemplate11 = [string, ...string[]];
/**
 * Abandon a merge in progress and restore the working copy to its state before the merge.
 *
 * @minItems 1
 */
export type ArgvTemplate12 = [string, ...string[]];
/**
 * Exits 0 when a merge is in progress (git: MERGE_HEAD resolves).
 *
 * @minItems 1
 */
export type ArgvTemplate13 = [string, ...string[]];
/**
 * Lists the conflicted paths with their versions (git: `ls-files -z --unmerged`).
 *
 * @minItems 1
 */
export type ArgvTemplate14 = [string, ...string[]];
/**
 * Writes the bytes of one version of a conflicted file to stdout: git takes `{object}` (a blob id from `listUnmerged`) and `{path}` (for its attributes: CRLF, LFS); hg/bzr take `{rev}` and `{path}`.
 *
 * @minItems 1
 */
export type ArgvTemplate15 = [string, ...string[]];
/**
 * Put the remote version of conflicted `{paths}` into the working tree.
 *
 * @minItems 1
 */
export type ArgvTemplate16 = [string, ...string[]];
/**
 * Put the local version of conflicted `{paths}` into the working tree.
 *
 * @minItems 1
 */
export type ArgvTemplate17 = [string, ...string[]];
/**
 * Record `{paths}` as resolved with their working-tree content (a missing file resolves as deleted).
 *
 * @minItems 1
 */
export type ArgvTemplate18 = [string, ...string[]];
/**
 * Lists the configured remote names, one per line.
 *
 * @minItems 1
 */
export type ArgvTemplate19 = [string, ...string[]];
/**
 * Prints the upstream of `{branch}` (git: `remote NUL ref`); empty when none is set.
 *
 * @minItems 1
 */
export type ArgvTemplate20 = [string, ...string[]];
/**
 * Prints the URL of `{remote}` (credentials are stripped before anyone sees it).
 *
 * @minItems 1
 */
export type ArgvTemplate21 = [string, ...string[]];
/**
 * Prints the current revision id; fails before the first commit.
 *
 * @minItems 1
 */
export type ArgvTemplate22 = [string, ...string[]];
/**
 * Prints the current branch name; fails on a detached head.
 *
 * @minItems 1
 */
export type ArgvTemplate23 = [string, ...string[]];
/**
 * Prints the revision id `{ref}` names; fails when it does not exist.
 *
 * @minItems 1
 */
export type ArgvTemplate24 = [string, ...string[]];
/**
 * Prints how many commits `{to}` has that `{from}` lacks.
 *
 * @minItems 1
 */
export type ArgvTemplate25 = [string, ...string[]];
/**
 * Lists the paths that differ between revisions `{from}` and `{to}` (NUL-separated for git).
 *
 * @minItems 1
 */
export type ArgvTemplate26 = [string, ...string[]];
/**
 * Prints the parentless (root) revisions; the smallest is the repository id shared by every clone.
 *
 * @minItems 1
 */
export type ArgvTemplate27 = [string, ...string[]];
/**
 * Lists the tracked files among `{paths}` (all of them when empty; NUL-separated for git): counted for the deletion guard, and used to tell a vanished new file from a deletion.
 *
 * @minItems 1
 */
export type ArgvTemplate28 = [string, ...string[]];
/**
 * Lists the untracked files among `{paths}` that the DVCS ignores (git: `ls-files --others --ignored --exclude-standard`). A merge overwrites such files silently, so they are moved aside first.
 *
 * @minItems 1
 */
export type ArgvTemplate29 = [string, ...string[]];
/**
 * The changes, newest first, with their files and what happened to each (added, modified, deleted, renamed), parsed by `logParser`. `{limit}` is the most changes to list; `{paths}` (after `--`) limits it to changes touching those paths, and must still show every file of such a change, so a rename is seen with both names (git: `--full-diff`; hg: `--removed`, so deletions are listed too). Renames of a single path are followed by autosync from the rename records, so a deleted or renamed file's older versions are found the same way on every DVCS.
 *
 * @minItems 1
 */
export type ArgvTemplate30 = [string, ...string[]];
/**
 * Writes the bytes `{path}` had in revision `{rev}` (a full id from `log`) to stdout; fails when the file did not exist there. `{path}` is the name in that revision (brz: `--name-from-revision`).
 *
 * @minItems 1
 */
export type ArgvTemplate31 = [string, ...string[]];
/**
 * Prints the absolute metadata directory (git: `rev-parse --absolute-git-dir`, which also follows a `.git` file of a linked worktree); stale locks are looked for there.
 *
 * @minItems 1
 */
export type ArgvTemplate32 = [string, ...string[]];
/**
 * Makes a new working copy `{dir}` of the repository at `{url}` (`autosync clone`); both after `--`, so a URL starting with a dash is never read as an option. Run in the parent of `{dir}`.
 *
 * @minItems 1
 */
export type ArgvTemplate33 = [string, ...string[]];
/**
 * Lists every tracked file, NUL-separated (git: `ls-files -z`). `autosync conflicts` finds conflict copies among them, so copies that arrived by a pull are listed on every machine.
 *
 * @minItems 1
 */
export type ArgvTemplate34 = [string, ...string[]];
/**
 * The revisions reachable from `{rev}` that changed `{path}`, newest first, one NUL-terminated record each: id, parent ids (space-separated), commit time (Unix seconds, hg: `hgdate`), author, message. `autosync conflicts` learns from it which machine wrote each version and which merge made a conflict copy. brz: a `log --long --show-ids` of the path.
 *
 * @minItems 1
 */
export type ArgvTemplate35 = [string, ...string[]];
/**
 * Prints the common ancestor of revisions `{from}` and `{to}` (git: `merge-base`, hg: `ancestor()`): the base of the three-way view of a conflict.
 *
 * @minItems 1
 */
export type ArgvTemplate36 = [string, ...string[]];
/**
 * git: prints, one per line, the head id, a space and the name of each remote-tracking mailbox ref (`refs/remotes/{remote}/synced/*`) whose head `{ref}` (the remote's main) does not contain. Used to elect the one clone that merges them all; leave it out to keep the serial rounds.
 *
 * @minItems 1
 */
export type ArgvTemplate37 = [string, ...string[]];
/**
 * What starts a rule: a local `change`, an operation that finished (`committed`, `pushed`, `pulled`, `conflict`), an `announcement` from another machine, the pull `interval`, `startup`, or a `manual` sync.
 */
export type PipelineTrigger =
  | "change"
  | "committed"
  | "pushed"
  | "pulled"
  | "conflict"
  | "announcement"
  | "interval"
  | "startup"
  | "manual";
/**
 * Quiet period after the last trigger, restarted by each trigger; absent: act at once.
 */
export type Delay = TimerName | Duration;
/**
 * A timer configured under `timers`: `commitDelay`, `maxCommitDelay` or `pushDelay`.
 */
export type TimerName = "commitDelay" | "maxCommitDelay" | "pushDelay";
/**
 * A duration such as `500ms`, `2s`, `10m` or `1h`.
 */
export type Duration = string;
/**
 * Act at the latest this long after the first trigger of a quiet period.
 */
export type Delay1 = TimerName | Duration;
/**
 * What a rule does: a built-in action (`commit`, `push`, `pull`, `announce`), a desktop notice (`{ notify: kind }`) or a user command (`{ run: [argv…] }`, run in the repository root).
 */
export type PipelineActionSpec =
  | ("commit" | "push" | "pull" | "announce")
  | {
      notify: PipelineNoticeKind;
    }
  | {
      /**
       * The command and its arguments, one element each.
       *
       * @minItems 1
       */
      run: [string, ...string[]];
    };
/**
 * Kind of desktop notice.
 */
export type PipelineNoticeKind = "pushed" | "pulled" | "conflict" | "error" | "offline" | "online";
/**
 * The rules of a repository's pipeline, as a recipe declares them (a config may replace them).
 */
export type PipelineSpec = PipelineRuleSpec[];

/**
 * How autosync drives one DVCS: how to recognise a working copy, the environment that keeps the tool non-interactive, the argv templates of every command it runs, and the default pipeline. Templates are argv arrays, never shell strings; `{name}` placeholders are filled per command (see src/recipes/placeholders.ts), `{{` and `}}` stand for literal braces.
 */
export interface Recipe {
  /**
   * Path or URL of this schema, for editors.
   */
  $schema?: string;
  /**
   * Name of the recipe, as a config's `recipe` key refers to it (e.g. `git`).
   */
  name: string;
  /**
   * One line for humans: what this recipe is for.
   */
  description?: string;
  /**
   * Which DVCS this recipe drives; selects the operations implementation (git, hg or bzr via Breezy's `brz`).
   */
  kind: "git" | "hg" | "bzr";
  /**
   * A file or directory that must exist at the root of a working copy (e.g. `.git`). The health check before every operation refuses to run when it is missing, so an unmounted root never looks like 'everything was deleted'.
   */
  marker: string;
  /**
   * The DVCS's metadata directory at the root, relative to the root (e.g. `.git`). Never watched, never committed; stale locks are looked for below it.
   */
  metadataDir: string;
  /**
   * Ignore sources the watcher honours besides the config's own patterns.
   */
  ignoreFiles: IgnoreFile[];
  /**
   * Environment added to every command: no prompts, no editors, no pagers, a parseable locale.
   */
  env: {
    [k: string]: string;
  };
  /**
   * Environment added to commits only when the DVCS has no user identity configured (the `identity` command prints nothing). Values may use `{name}` and `{email}`.
   */
  identityEnv?: {
    [k: string]: string;
  };
  /**
   * Name of the parser for the output of `commands.status` (e.g. `git-porcelain-v2`, `hg-status`, `bzr-status`); the registry is src/recipes/status-parsers/index.ts.
   */
  statusParser: string;
  /**
   * Name of the parser for the output of `commands.log` (`git-log`, `hg-log-json`, `bzr-log-long`); the registry is src/recipes/log-parsers/index.ts. Without it (or without `commands.log`), `autosync history` and `restore` refuse this recipe.
   */
  logParser?: string;
  commands: RecipeCommands;
  pipeline: PipelineSpec;
}
/**
 * One ignore source in the DVCS's own syntax.
 */
export interface IgnoreFile {
  /**
   * File name (scope `every-level`) or path relative to the root (scope `root`), e.g. `.gitignore` or `.git/info/exclude`.
   */
  path: string;
  /**
   * `every-level`: a file of this name in any directory applies below that directory (git's .gitignore). `root`: only the file at this path relative to the root.
   */
  scope: "every-level" | "root";
  /**
   * Pattern syntax of the file: `gitignore`, `hgignore` (regexp by default, `syntax: glob` switches) or `bzrignore`.
   */
  syntax: "gitignore" | "hgignore" | "bzrignore";
}
/**
 * Argv templates of the commands the operations run. Which placeholders a command may use is fixed per command (src/recipes/placeholders.ts); any other is a validation error. Commands a kind does not use may be left out.
 */
export interface RecipeCommands {
  status: ArgvTemplate;
  addAll: ArgvTemplate1;
  addPaths: ArgvTemplate2;
  addPathsFromStdin?: ArgvTemplate3;
  commit: ArgvTemplate4;
  identity?: ArgvTemplate5;
  push: ArgvTemplate6;
  fetch?: ArgvTemplate7;
  merge?: ArgvTemplate8;
  fastForward?: ArgvTemplate9;
  pull?: ArgvTemplate10;
  update?: ArgvTemplate11;
  mergeAbort?: ArgvTemplate12;
  mergeInProgress?: ArgvTemplate13;
  listUnmerged?: ArgvTemplate14;
  showVersion?: ArgvTemplate15;
  takeTheirs?: ArgvTemplate16;
  takeOurs?: ArgvTemplate17;
  markResolved?: ArgvTemplate18;
  remotes?: ArgvTemplate19;
  upstream?: ArgvTemplate20;
  remoteUrl: ArgvTemplate21;
  head: ArgvTemplate22;
  branch?: ArgvTemplate23;
  resolveRef?: ArgvTemplate24;
  countCommits?: ArgvTemplate25;
  changedPaths?: ArgvTemplate26;
  rootId?: ArgvTemplate27;
  trackedCount?: ArgvTemplate28;
  ignoredPaths?: ArgvTemplate29;
  log?: ArgvTemplate30;
  fileAtRevision?: ArgvTemplate31;
  metadataPath?: ArgvTemplate32;
  clone?: ArgvTemplate33;
  trackedFiles?: ArgvTemplate34;
  pathLog?: ArgvTemplate35;
  mergeBase?: ArgvTemplate36;
  mailboxes?: ArgvTemplate37;
}
/**
 * One rule: when any trigger in `on` fires, wait `quietPeriod` after the last trigger (at most `maxWait` after the first), then do the actions in order.
 */
export interface PipelineRuleSpec {
  /**
   * Triggers that start this rule.
   *
   * @minItems 1
   */
  on: [PipelineTrigger, ...PipelineTrigger[]];
  quietPeriod?: Delay;
  maxWait?: Delay1;
  /**
   * Actions, run in order.
   *
   * @minItems 1
   */
  do: [PipelineActionSpec, ...PipelineActionSpec[]];
}
