import { lstat, readFile, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import type { ConflictCopy, OperationResult } from "../engine/operation.js";
import type { StatusEntry } from "../engine/status-entry.js";
import { operationsMessages } from "../messages/operations-messages.js";
import {
  isStorableInBzr,
  parseBzrAddDryRun,
  STATUS_PREFIX,
  parseBzrConflicts,
  parseBzrStatus,
} from "../recipes/status-parsers/bzr-status-parser.js";
import type { CommandResult } from "../runtime/command-runner.js";
import { keptIdentityEnv } from "./commit-identity.js";
import { isConflictCopy } from "./conflict-copy-name.js";
import { withSizes } from "./entry-sizes.js";
import { existing, unstorableIn, unstorableList } from "./unstorable-names.js";
import { CachedDescription, describeRepository } from "./describe-repository.js";
import { runWhenHealthy } from "./dispatch-operation.js";
import { removeCreatedCopies, writeConflictCopy } from "./keep-both.js";
import { isStaleLockHolder } from "./lock-holder.js";
import { localParentIsBranch, readBzrMergePending, readBzrTip } from "./bzr-branch-files.js";
import { mergeJournal } from "./merge-journal.js";
import {
  originReport,
  runPullSequence,
  type OriginOutcome,
  type PullRequest,
} from "./pull-sequence.js";
import {
  commandFailure,
  lastLine,
  OperationFailure,
  RemoteUnreachable,
  withLocalCommit,
} from "./operation-failure.js";
import type { OperationsOptions } from "./operations-options.js";
import { chunkPaths, RecipeCommands, splitNul } from "./recipe-commands.js";
import { stripCredentials } from "./remote-url.js";
import { isSafePullUrl, type PullOrigin } from "../engine/pull-origin.js";
import type { RepoOperations } from "./repo-operations.js";

/** The branch this one was made from: every clone pushes to and merges from it. */
export const BZR_REMOTE = ":parent";
const REMOTE = BZR_REMOTE;

/**
 * brz messages (LANGUAGE=C keeps them untranslated) that mean "cannot reach the remote".
 * Measured: a missing local parent gives `Not a branch: "/x/"` or `Parent directory of /x
 * does not exist` (exit 3).
 */
const OFFLINE =
  /Not a branch|does not exist|Connection refused|Unable to connect|Connection reset|Could not resolve|Name or service not known|Temporary failure in name resolution|timed out|No route to host|Network is unreachable|Unsupported protocol|Transport operation not possible|ssh: /i;

const DIVERGED = /These branches have diverged/i;

/** `brz add` skipped a name it cannot version (see skippedByBzrAdd). */
const NEWLINE_SKIPPED = /^skipping '.+' \(contains \\n or \\r\)$/m;

// A peer on the LAN answers in well under a second; one that is asleep must not hold the pull
// for the whole network timeout before the central remote is asked.
const ORIGIN_TIMEOUT_MS = 20_000;

/** A brz revision id as announced (`email-date-random`): printable ASCII, no leading dash. */
const REVISION_ID = /^[\x21-\x2c\x2e-\x7e][\x21-\x7e]{0,254}$/;

/**
 * Paths per `brz commit`, in bytes of argv: far below Linux's ARG_MAX (2 MB with the
 * environment) and macOS's (1 MB), so one commit takes some thousands of files.
 */
const MAX_COMMIT_ARGV_BYTES = 256 * 1024;

/**
 * Breezy operations for a standalone branch that pushes to and merges from its parent branch.
 * brz prints paths verbatim in line-based output and cannot commit a name containing a newline
 * (see bzr-status-parser.ts), so such names are left out everywhere.
 */
export function createBzrOperations(options: OperationsOptions): RepoOperations {
  const commands = new RecipeCommands(options);
  const { root, recipe } = options;
  const metadata = join(root, recipe.metadataDir);
  const isIgnored = options.isIgnored ?? (() => false);
  const trackedCountMinDeletions = options.trackedCountMinDeletions ?? 1;
  const brz = recipe.commands.status[0];
  const journal = mergeJournal(root, recipe.metadataDir);
  let description: CachedDescription | undefined;

  const wanted = (path: string) => isStorableInBzr(path) && !isIgnored(path);
  const identity = keptIdentityEnv(commands, options.host);

  /** `revno revision-id` → the id; undefined for an empty branch (`0 null:`). */
  function revisionId(result: CommandResult): string | undefined {
    if (result.failed) return undefined;
    const id = result.stdout.trim().split(/\s+/).at(-1);
    return id && id !== "null:" ? id : undefined;
  }

  async function head(): Promise<string | undefined> {
    const tip = await readBzrTip(metadata);
    return tip ? tip.id : revisionId(await commands.run("head"));
  }

  async function mergePending(): Promise<boolean> {
    const pending = await readBzrMergePending(metadata);
    if (pending !== undefined) return pending;
    const result = await commands.run("mergeInProgress");
    return /^(P|C) {3}/m.test(result.stdout);
  }

  async function exists(path: string): Promise<boolean> {
    return lstat(join(root, path)).then(
      () => true,
      () => false,
    );
  }

  async function status(paths?: readonly string[]): Promise<OperationResult> {
    const scoped = paths && paths.length > 0 ? paths.filter(wanted) : [];
    // A scoped look names the unstorable paths it was given too, so the warning is not
    // postponed to the next whole-tree status.
    const named = paths
      ? await existing(
          root,
          paths.filter((path) => !isStorableInBzr(path) && !isIgnored(path)),
        )
      : [];
    if (paths && paths.length > 0 && scoped.length === 0) {
      return { kind: "status", outcome: "ok", entries: [], ...unstorableList(named) };
    }
    const chunks = scoped.length > 0 ? chunkPaths(scoped) : [[]];
    let stdout = "";
    for (const chunk of chunks) {
      const result = await commands.run("status", { paths: chunk });
      if (result.failed) {
        // A scoped path that exists neither on disk nor in the branch (a temp file already
        // gone) fails the whole status: look at the whole tree instead.
        if (scoped.length > 0 && /do not exist/i.test(result.stderr)) return status();
        throw commandFailure(result);
      }
      stdout += result.stdout;
    }

    // The status lists unknown files (`?`) too; with none there is nothing for `brz add
    // --dry-run` to find and one Python start is saved. Otherwise the unknown files of the
    // whole tree come from `brz add --dry-run`, which lists a new directory's files where status
    // names the directory alone (with explicit names it would list ignored files too, so it
    // never gets the scope).
    let unknown: CommandResult | undefined;
    if (/^\?/m.test(stdout)) {
      unknown = await commands.runArgv([brz, "add", "--dry-run"]);
      if (unknown.failed) throw commandFailure(unknown);
      if (NEWLINE_SKIPPED.test(unknown.stderr)) {
        // An unknown name with a newline spans lines of the status and could read as a
        // change: ask again for versioned files only (names brz can commit have no newline).
        stdout = "";
        for (const chunk of chunks) {
          const argv = commands.argv("status", { paths: chunk });
          stdout += (await commands.runArgv([...argv.slice(0, 2), "--versioned", ...argv.slice(2)]))
            .stdout;
        }
      }
    }
    // Unknown (`?`) and explicitly named ignored (`I`) lines: unknown files come from the add
    // dry run. No kept line can continue a name: versioned names have no newline.
    stdout = stdout
      .split("\n")
      .filter((line) => !/^[?I]/.test(line))
      .join("\n");
    const versioned = / => .* => /.test(stdout) ? await versionedPaths() : undefined;
    const entries: StatusEntry[] = parseBzrStatus(stdout, versioned);
    const known = new Set(entries.map((entry) => entry.path));
    for (const path of parseBzrAddDryRun(unknown?.stdout ?? "")) {
      if (!known.has(path)) entries.push({ path, action: "added" });
    }

    const kept = await withSizes(
      root,
      entries.filter((entry) => wanted(entry.path)),
    );
    // Names brz add skipped are unstorable by brz's own word, however they are spelled.
    const skipped = (await skippedByBzrAdd(unknown?.stderr ?? "")).filter(
      (path) => !isIgnored(path),
    );
    const unstorable = unstorableList([
      ...named,
      ...(unstorableIn(entries, isStorableInBzr, isIgnored).unstorable ?? []),
      ...skipped,
    ]);
    const deletions = kept.filter((entry) => entry.action === "deleted").length;
    if (deletions > 0 && deletions >= trackedCountMinDeletions) {
      // Fails on a branch without commits, where nothing can be deleted anyway.
      const tracked = await commands.run("trackedCount", { paths: [] });
      return {
        kind: "status",
        outcome: "ok",
        entries: kept,
        trackedCount: tracked.failed ? 0 : splitNul(tracked.stdout).length,
        ...unstorable,
      };
    }
    return { kind: "status", outcome: "ok", entries: kept, ...unstorable };
  }

  /**
   * `brz add` leaves names with a newline out of its list and says so on stderr, escaped:
   * `skipping '/root/new\nline.txt' (contains \n or \r)`. The real name is used when the
   * unescaped one exists, the escaped spelling otherwise (it is only ever shown).
   */
  async function skippedByBzrAdd(stderr: string): Promise<string[]> {
    const names: string[] = [];
    for (const match of stderr.matchAll(/^skipping '(.+)' \(contains \\n or \\r\)$/gm)) {
      const shown = relative(root, match[1] ?? "");
      const real = shown.replace(/\\([nr])/g, (_, c: string) => (c === "n" ? "\n" : "\r"));
      names.push((await exists(real)) ? real : shown);
    }
    return names;
  }

  /** Versioned paths of the working tree now (trackedCount lists the last commit's). */
  async function versionedPaths(): Promise<Set<string>> {
    const result = await commands.runArgv([brz, "ls", "--recursive", "--versioned", "--null"]);
    if (result.failed) throw commandFailure(result);
    return new Set(splitNul(result.stdout));
  }

  async function commit(
    entries: readonly StatusEntry[],
    message: string,
  ): Promise<OperationResult> {
    if (await mergePending()) throw new OperationFailure(operationsMessages.mergeInProgress);
    const wantedEntries: StatusEntry[] = [];
    const toAdd: string[] = [];
    for (const entry of entries) {
      if (!wanted(entry.path)) continue;
      const onDisk = await exists(entry.path);
      // An added file that vanished since the status is no change any more, and naming an
      // unversioned missing file makes brz refuse the whole commit.
      if (entry.action === "added" && !onDisk) continue;
      if (entry.action === "added") toAdd.push(entry.path);
      wantedEntries.push(entry);
    }
    if (wantedEntries.length === 0) return { kind: "commit", outcome: "nothing-to-commit" };
    // `brz add` of an already versioned file only warns; a missing file needs no command:
    // brz commit records a listed versioned file that is gone from disk as removed.
    for (const chunk of chunkPaths(toAdd)) await commands.ok("addPaths", { paths: chunk });

    // brz commit has no list-file option and a whole-tree commit would take files the status
    // left out (editor temp files, large files): beyond the argument limit, several commits.
    const committed: StatusEntry[] = [];
    for (const batch of commitBatches(wantedEntries)) {
      const result = await commands.runArgv(
        [...commands.argv("commit", { message }), "--", ...batch.flatMap(entryPaths)],
        { env: await identity() },
      );
      if (result.failed) {
        if (/No changes to commit/i.test(result.stderr)) continue;
        // Earlier batches are commits all the same: the failure carries them, so they are
        // reported, and what this batch held stays pending for the next try.
        const made = committed.length > 0 ? await head() : undefined;
        throw withLocalCommit(
          commandFailure(result),
          made ? { head: made, entries: committed, message } : undefined,
        );
      }
      committed.push(...batch);
    }
    if (committed.length === 0) return { kind: "commit", outcome: "nothing-to-commit" };
    const id = await head();
    if (!id) throw new OperationFailure(operationsMessages.unexpected("no revision after commit"));
    return { kind: "commit", outcome: "committed", head: id, entries: committed };
  }

  async function push(): Promise<OperationResult> {
    const id = await head();
    if (id === undefined) return { kind: "push", outcome: "up-to-date", head: "" };
    // brz push creates a new branch where there is none: a moved-away or unmounted parent
    // would silently become a fresh, empty "remote". Only push to an existing branch: a
    // local parent is looked at on disk, any other is asked (a brz process over the network).
    if (!(await localParentIsBranch(root, metadata))) {
      const parent = await commands.run("resolveRef", { ref: REMOTE }, { network: true });
      if (parent.failed) {
        if (OFFLINE.test(parent.stderr)) throw new RemoteUnreachable(lastLine(parent));
        throw commandFailure(parent);
      }
    }
    const result = await commands.run("push", { remote: REMOTE }, { network: true });
    const output = result.stdout + result.stderr;
    if (!result.failed) {
      const upToDate = /No new revisions or tags to push/i.test(output);
      return { kind: "push", outcome: upToDate ? "up-to-date" : "pushed", head: id };
    }
    if (DIVERGED.test(output)) {
      // History may have been rewritten here or there: the next describe asks everything.
      description?.forget();
      return { kind: "push", outcome: "rejected" };
    }
    if (OFFLINE.test(output)) throw new RemoteUnreachable(lastLine(result));
    throw commandFailure(result);
  }

  function pull(request: PullRequest): Promise<OperationResult> {
    return runPullSequence(request, {
      mergePending,
      journal,
      finishMerge: (started, request) =>
        merge(started.local, started.other, request, { resume: true }),
      head,
      status: () => status(),
      commit,
      fromOrigin: pullFromOrigin,
      fromRemote: async (request) => {
        // The tip we merge, named by id: the merge and the versions read for keep-both then
        // agree even if someone pushes meanwhile.
        const tipResult = await commands.run("resolveRef", { ref: REMOTE }, { network: true });
        if (tipResult.failed) {
          if (OFFLINE.test(tipResult.stderr)) throw new RemoteUnreachable(lastLine(tipResult));
          throw commandFailure(tipResult);
        }
        const remoteTip = revisionId(tipResult);
        const current = await head();
        const integrated =
          remoteTip !== undefined && remoteTip !== current
            ? await integrate(request, current, remoteTip, { location: REMOTE })
            : { conflicts: [], merged: false };
        // Our head differs from the remote's: we are ahead (a local commit, a merge), push.
        const ahead = async () => {
          const after = await head();
          return after !== undefined && after !== remoteTip;
        };
        return { ...integrated, ahead };
      },
      changedBetween: async (from, to) =>
        from === undefined
          ? splitNul((await commands.ok("trackedCount", { paths: [] })).stdout)
          : changedBetween(from, to),
    });
  }

  /**
   * Brings `tip` of another branch into this one: a fast-forward `brz pull` when this branch is
   * behind (or already has it: "No revisions to pull"), the keep-both merge when they diverged.
   */
  async function integrate(
    request: PullRequest,
    local: string | undefined,
    tip: string,
    source: MergeSource,
  ): Promise<{ conflicts: ConflictCopy[]; merged: boolean; changedPaths?: string[] }> {
    // A peer's location is used once, never remembered as the default pull/merge location.
    const once = source.location === REMOTE ? [] : ["--no-remember"];
    const pulled = await commands.runArgv(
      [
        ...commands.argv("pull", { remote: source.location }),
        ...once,
        "--revision",
        `revid:${tip}`,
      ],
      { network: true, ...timeoutOf(source) },
    );
    if (!pulled.failed) {
      const changedPaths = pulledPaths(pulled.stderr);
      return { conflicts: [], merged: false, ...(changedPaths ? { changedPaths } : {}) };
    }
    if (!DIVERGED.test(pulled.stderr) || local === undefined) {
      if (OFFLINE.test(pulled.stderr)) throw new RemoteUnreachable(lastLine(pulled));
      throw commandFailure(pulled);
    }
    return { conflicts: await merge(local, tip, request, { source }), merged: true };
  }

  /**
   * The announcing machine's branch, fetched and integrated like the remote's. Never fails the
   * pull: an unreachable, slow or refused peer is only reported, and the remote follows.
   */
  async function pullFromOrigin(request: PullRequest, origin: PullOrigin): Promise<OriginOutcome> {
    // The URL came over the network: it must never become an option or a command.
    if (!isSafePullUrl(origin.url)) return originReport(origin.url, "rejected");
    if (origin.head !== undefined && (await hasRevision(origin.head))) {
      return originReport(origin.url, "up-to-date");
    }
    const source: MergeSource = {
      location: origin.url,
      label: stripCredentials(origin.url),
      timeoutMs: ORIGIN_TIMEOUT_MS,
    };
    const tipResult = await commands.run(
      "resolveRef",
      { ref: origin.url },
      { network: true, ...timeoutOf(source) },
    );
    if (tipResult.failed) {
      const detail = tipResult.timedOut ? "timed out" : lastLine(tipResult);
      return originReport(origin.url, "failed", detail);
    }
    const tip = revisionId(tipResult);
    // The announced head was looked up above already: no second `brz revision-info` for it.
    if (tip === undefined || (tip !== origin.head && (await hasRevision(tip)))) {
      return originReport(origin.url, "up-to-date");
    }
    const before = await head();
    try {
      const integrated = await integrate(request, before, tip, source);
      if ((await head()) === before) return originReport(origin.url, "up-to-date");
      return { ...integrated, report: originReport(origin.url, "merged").report };
    } catch (error) {
      // A failed merge was undone (see merge); the central pull tries the remote as always.
      if (error instanceof OperationFailure || error instanceof RemoteUnreachable) {
        return originReport(origin.url, "failed", error.message);
      }
      throw error;
    }
  }

  /** Whether a revision is in this branch's history (`revision-info` prints `???` if not). */
  async function hasRevision(id: string): Promise<boolean> {
    // An announced id came over the network: a plain token, never an option or a spec.
    if (!REVISION_ID.test(id)) return false;
    const result = await commands.runArgv([brz, "revision-info", "--revision", `revid:${id}`]);
    return !result.failed && !/^\?\?\?/.test(result.stdout.trim());
  }

  async function changedBetween(from: string, to: string): Promise<string[]> {
    const result = await commands.ok("changedPaths", { from, to });
    const paths = new Set<string>();
    for (const entry of parseBzrStatus(result.stdout)) {
      paths.add(entry.path);
      if (entry.from !== undefined) paths.add(entry.from);
    }
    return [...paths];
  }

  async function version(rev: string, path: string): Promise<Uint8Array | undefined> {
    const result = await commands.run(
      "showVersion",
      { rev: `revid:${rev}`, path },
      { binaryOutput: true },
    );
    // `brz cat` exits 3 with "is not present in revision" when the revision lacks the file.
    if (result.failed) return undefined;
    return result.stdoutBytes ?? new TextEncoder().encode(result.stdout);
  }

  /**
   * Merges the remote tip into the committed local head. Each conflict is resolved from the two
   * committed versions: the remote's at the path (take-other, which also deletes brz's
   * .BASE/.OTHER/.THIS/.moved files), ours in the conflict copy. Any failure reverts the merge
   * and removes the copies: the tree is the local head again.
   */
  async function merge(
    local: string,
    other: string,
    request: PullRequest,
    {
      resume = false,
      source = { location: REMOTE },
    }: { resume?: boolean; source?: MergeSource } = {},
  ): Promise<ConflictCopy[]> {
    const from = source.label ?? source.location;
    const created: string[] = [];
    const copies: string[] = [];
    try {
      if (!resume) {
        await journal.write({ local, other });
        const once = source.location === REMOTE ? [] : ["--no-remember"];
        const merged = await commands.runArgv(
          [
            ...commands.argv("merge", { ref: source.location }),
            ...once,
            "--revision",
            `revid:${other}`,
          ],
          { network: true, ...timeoutOf(source) },
        );
        // Exit 1 means "conflicts encountered", which keep-both handles.
        if (merged.failed && merged.exitCode !== 1) throw commandFailure(merged);
      }

      const conflicts: ConflictCopy[] = [];
      for (const conflict of await listConflicts()) {
        if (conflict.type === "other") {
          throw new OperationFailure(operationsMessages.unresolved([conflict.line]));
        }
        const { path } = conflict;
        const ours = await version(local, path);
        const theirs = await version(other, path);
        if (ours && theirs) {
          const kind = conflict.type === "duplicate" ? "both-added" : "both-modified";
          let copyPath: string | undefined;
          if (!Buffer.from(ours).equals(Buffer.from(theirs)) && !isConflictCopy(path)) {
            const written = await writeConflictCopy({
              root,
              path,
              host: request.host,
              nowMs: request.nowMs,
              content: ours,
            });
            if (written.created) created.push(written.copyPath);
            copyPath = written.copyPath;
            copies.push(copyPath);
          }
          await commands.ok("takeTheirs", { paths: [path] });
          conflicts.push(copyPath ? { path, copyPath, kind } : { path, kind });
        } else if (theirs) {
          // Deleted here, modified there: the modified file comes back.
          await commands.ok("takeTheirs", { paths: [path] });
          conflicts.push({ path, kind: "deleted-locally" });
        } else if (ours) {
          // Modified here, deleted there: the local version stays at its path.
          await commands.ok("takeOurs", { paths: [path] });
          conflicts.push({ path, copyPath: path, kind: "deleted-remotely" });
        } else {
          await commands.ok("markResolved", { paths: [path] });
        }
      }
      for (const chunk of chunkPaths(copies)) await commands.ok("addPaths", { paths: chunk });
      const left = await listConflicts();
      if (left.length > 0) {
        throw new OperationFailure(
          operationsMessages.unresolved(left.map((c) => (c.type === "other" ? c.line : c.path))),
        );
      }
      await leftoversMustBeGone(conflicts);

      const committed = await commands.run(
        "commit",
        {
          message: operationsMessages.mergeCommitMessage(
            operationsMessages.mergeMessage(request.host, from),
            conflicts,
          ),
        },
        { env: await identity() },
      );
      if (committed.failed) throw commandFailure(committed);
      await journal.clear();
      return conflicts;
    } catch (error) {
      await commands.run("mergeAbort");
      await journal.clear();
      await removeCreatedCopies(root, created);
      const reason = error instanceof Error ? error.message : String(error);
      throw new OperationFailure(
        operationsMessages.mergeFailed(reason),
        error instanceof OperationFailure ? error.command : undefined,
      );
    }
  }

  async function listConflicts() {
    const result = await commands.ok("listUnmerged");
    return parseBzrConflicts(result.stdout);
  }

  /**
   * brz's side files must not be committed. `brz resolve --action=take-*` deletes them; this
   * checks that it did, and removes only files brz still reports as unknown, so a user's own
   * `notes.BASE` (versioned) is never touched.
   */
  async function leftoversMustBeGone(conflicts: readonly ConflictCopy[]) {
    const unknown = new Set(
      parseBzrAddDryRun((await commands.runArgv([brz, "add", "--dry-run"])).stdout),
    );
    for (const { path } of conflicts) {
      for (const suffix of [".BASE", ".OTHER", ".THIS", ".moved"]) {
        if (unknown.has(path + suffix)) await rm(join(root, path + suffix), { force: true });
      }
    }
  }

  return {
    run: (request) => runWhenHealthy(root, recipe.marker, request, { status, commit, push, pull }),
    describe: () => {
      description ??= new CachedDescription(
        () => describeRepository(commands, REMOTE, head, revisionId),
        head,
        [join(root, recipe.metadataDir, "branch", "branch.conf")],
      );
      return description.describe();
    },
    async recoverStaleLocks(): Promise<string[]> {
      const removed: string[] = [];
      for (const lock of ["branch/lock", "checkout/lock", "repository/lock"]) {
        // A held brz lock is the directory `held` with an `info` file naming host and pid;
        // breaking it (what `brz break-lock` does) is removing that directory.
        const held = join(root, recipe.metadataDir, lock, "held");
        const info = await readFile(join(held, "info"), "utf8").catch(() => undefined);
        if (info === undefined) continue;
        const host = /^hostname: (.*)$/m.exec(info)?.[1]?.trim() ?? "";
        const pid = Number(/^pid: (\d+)$/m.exec(info)?.[1]);
        if (!isStaleLockHolder(host, pid)) continue;
        await rm(held, { recursive: true, force: true });
        removed.push(held);
      }
      return removed;
    },
  };
}

/** Where a merge comes from: the parent branch, or a peer's URL shown without credentials. */
interface MergeSource {
  location: string;
  label?: string;
  timeoutMs?: number;
}

function timeoutOf(source: MergeSource): { timeoutMs?: number } {
  return source.timeoutMs !== undefined ? { timeoutMs: source.timeoutMs } : {};
}

/** Groups of paths (a rename's two names stay in one group) packed into argv-sized batches. */
/** A rename's two names travel together: brz records the move only when both are listed. */
function entryPaths(entry: StatusEntry): string[] {
  return entry.from !== undefined ? [entry.path, entry.from] : [entry.path];
}

function commitBatches(entries: readonly StatusEntry[]): StatusEntry[][] {
  const batches: StatusEntry[][] = [];
  let batch: StatusEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entryPaths(entry).reduce((sum, path) => sum + Buffer.byteLength(path) + 1, 0);
    if (batch.length > 0 && bytes + size > MAX_COMMIT_ARGV_BYTES) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

const PULL_DONE = "All changes applied successfully.";

/**
 * The paths a `brz pull` changed in the tree, from the report it prints to stderr before
 * "All changes applied successfully." (` M  a`, `+N  new`, `R   old => new`: status's short
 * form), which saves the `brz status --revision` that would ask again. Undefined, so the
 * caller asks, when the report is missing (a quiet pull) or holds anything else: a warning,
 * or a rename whose names contain ` => `.
 */
function pulledPaths(stderr: string): string[] | undefined {
  const lines = stderr.split("\n");
  const end = lines.indexOf(PULL_DONE);
  if (end < 0) return undefined;
  const report = lines.slice(0, end);
  if (!report.every((line) => STATUS_PREFIX.test(line) && !/ => .* => /.test(line))) {
    return undefined;
  }
  // The report names a directory `dir/`, status `dir`; no file name ends in a slash.
  const bare = (path: string) => path.replace(/\/$/, "");
  const paths = new Set<string>();
  for (const entry of parseBzrStatus(report.join("\n"))) {
    paths.add(bare(entry.path));
    if (entry.from !== undefined) paths.add(bare(entry.from));
  }
  return [...paths];
}
