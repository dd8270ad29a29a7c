import { lstat, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type {
  ConflictCopy,
  LocalCommit,
  OperationRequest,
  OperationResult,
} from "../engine/operation.js";
import type { StatusEntry } from "../engine/status-entry.js";
import { operationsMessages } from "../messages/operations-messages.js";
import {
  isStorableInBzr,
  parseBzrAddDryRun,
  parseBzrConflicts,
  parseBzrStatus,
} from "../recipes/status-parsers/bzr-status-parser.js";
import type { CommandResult } from "../runtime/command-runner.js";
import { commitIdentityEnv } from "./commit-identity.js";
import { isConflictCopy } from "./conflict-copy-name.js";
import { withSizes } from "./entry-sizes.js";
import { dispatchOperation, unhealthyResult } from "./dispatch-operation.js";
import { removeCreatedCopies, writeConflictCopy } from "./keep-both.js";
import { isStaleLockHolder } from "./lock-holder.js";
import { mergeJournal } from "./merge-journal.js";
import { commandFailure, OperationFailure, RemoteUnreachable } from "./operation-failure.js";
import type { OperationsOptions } from "./operations-options.js";
import { chunkPaths, RecipeCommands, splitNul } from "./recipe-commands.js";
import { stripCredentials } from "./remote-url.js";
import type { RepoDescription, RepoOperations } from "./repo-operations.js";

type PullRequest = Extract<OperationRequest, { kind: "pull" }>;

/** The branch this one was made from: every clone pushes to and merges from it. */
const REMOTE = ":parent";

/**
 * brz messages (LANGUAGE=C keeps them untranslated) that mean "cannot reach the remote".
 * Measured: a missing local parent gives `Not a branch: "/x/"` or `Parent directory of /x
 * does not exist` (exit 3).
 */
const OFFLINE =
  /Not a branch|does not exist|Connection refused|Unable to connect|Connection reset|Could not resolve|Name or service not known|Temporary failure in name resolution|timed out|No route to host|Network is unreachable|Unsupported protocol|Transport operation not possible|ssh: /i;

const DIVERGED = /These branches have diverged/i;

/** A text merge (`brz commit` argv) longer than this commits the whole tree instead of a list. */
const MAX_COMMIT_ARGV_BYTES = 100 * 1024;

/**
 * Breezy operations for a standalone branch that pushes to and merges from its parent branch.
 * brz prints paths verbatim in line-based output and cannot commit a name containing a newline
 * (see bzr-status-parser.ts), so such names are left out everywhere.
 */
export function createBzrOperations(options: OperationsOptions): RepoOperations {
  const commands = new RecipeCommands(options);
  const { root, recipe } = options;
  const isIgnored = options.isIgnored ?? (() => false);
  const trackedCountMinDeletions = options.trackedCountMinDeletions ?? 1;
  const brz = recipe.commands.status[0];
  let identityEnv: Promise<Record<string, string>> | undefined;
  const journal = mergeJournal(root, recipe.metadataDir);

  const wanted = (path: string) => isStorableInBzr(path) && !isIgnored(path);
  const identity = () => (identityEnv ??= commitIdentityEnv(commands, options.host));

  /** `revno revision-id` → the id; undefined for an empty branch (`0 null:`). */
  function revisionId(result: CommandResult): string | undefined {
    if (result.failed) return undefined;
    const id = result.stdout.trim().split(/\s+/).at(-1);
    return id && id !== "null:" ? id : undefined;
  }

  async function head(): Promise<string | undefined> {
    return revisionId(await commands.run("head"));
  }

  async function mergePending(): Promise<boolean> {
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
    if (paths && paths.length > 0 && scoped.length === 0) {
      return { kind: "status", outcome: "ok", entries: [] };
    }
    let stdout = "";
    for (const chunk of scoped.length > 0 ? chunkPaths(scoped) : [[]]) {
      const result = await commands.run("status", { paths: chunk });
      if (result.failed) {
        // A scoped path that exists neither on disk nor in the branch (a temp file already
        // gone) fails the whole status: look at the whole tree instead.
        if (scoped.length > 0 && /do not exist/i.test(result.stderr)) return status();
        throw commandFailure(result);
      }
      stdout += result.stdout;
    }
    const versioned = / => .* => /.test(stdout) ? await versionedPaths() : undefined;
    const entries: StatusEntry[] = parseBzrStatus(stdout, versioned);

    // Unknown files of the whole tree: `brz add --dry-run` with explicit file names would list
    // ignored files too (explicit names override .bzrignore), so it never gets the scope.
    const unknown = await commands.runArgv([brz, "add", "--dry-run"]);
    if (unknown.failed) throw commandFailure(unknown);
    const known = new Set(entries.map((entry) => entry.path));
    for (const path of parseBzrAddDryRun(unknown.stdout)) {
      if (!known.has(path)) entries.push({ path, action: "added" });
    }

    const kept = await withSizes(
      root,
      entries.filter((entry) => wanted(entry.path)),
    );
    const deletions = kept.filter((entry) => entry.action === "deleted").length;
    if (deletions > 0 && deletions >= trackedCountMinDeletions) {
      // Fails on a branch without commits, where nothing can be deleted anyway.
      const tracked = await commands.run("trackedCount", { paths: [] });
      return {
        kind: "status",
        outcome: "ok",
        entries: kept,
        trackedCount: tracked.failed ? 0 : splitNul(tracked.stdout).length,
      };
    }
    return { kind: "status", outcome: "ok", entries: kept };
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
    const committed: StatusEntry[] = [];
    const toAdd: string[] = [];
    const paths = new Set<string>();
    for (const entry of entries) {
      if (!wanted(entry.path)) continue;
      const onDisk = await exists(entry.path);
      // An added file that vanished since the status is no change any more, and naming an
      // unversioned missing file makes brz refuse the whole commit.
      if (entry.action === "added" && !onDisk) continue;
      if (entry.action === "added") toAdd.push(entry.path);
      committed.push(entry);
      paths.add(entry.path);
      if (entry.from !== undefined) paths.add(entry.from);
    }
    if (paths.size === 0) return { kind: "commit", outcome: "nothing-to-commit" };
    // `brz add` of an already versioned file only warns; a missing file needs no command:
    // brz commit records a listed versioned file that is gone from disk as removed.
    for (const chunk of chunkPaths(toAdd)) await commands.ok("addPaths", { paths: chunk });

    const list = [...paths];
    const listBytes = list.reduce((sum, path) => sum + Buffer.byteLength(path) + 1, 0);
    // brz commit has no list-file option; beyond the argument limit the whole tree is committed
    // (what status reported, plus changes that appeared since: the truth either way).
    const extraArgs = listBytes > MAX_COMMIT_ARGV_BYTES ? [] : ["--", ...list];
    const result = await commands.runArgv([...commands.argv("commit", { message }), ...extraArgs], {
      env: await identity(),
    });
    if (result.failed) {
      if (/No changes to commit/i.test(result.stderr)) {
        return { kind: "commit", outcome: "nothing-to-commit" };
      }
      throw commandFailure(result);
    }
    const id = await head();
    if (!id) throw new OperationFailure(operationsMessages.unexpected("no revision after commit"));
    return { kind: "commit", outcome: "committed", head: id, entries: committed };
  }

  async function push(): Promise<OperationResult> {
    const id = await head();
    if (id === undefined) return { kind: "push", outcome: "up-to-date", head: "" };
    // brz push creates a new branch where there is none: a moved-away or unmounted parent
    // would silently become a fresh, empty "remote". Only push to an existing branch.
    const parent = await commands.run("resolveRef", { ref: REMOTE }, { network: true });
    if (parent.failed) {
      if (OFFLINE.test(parent.stderr)) throw new RemoteUnreachable(lastLine(parent));
      throw commandFailure(parent);
    }
    const result = await commands.run("push", { remote: REMOTE }, { network: true });
    const output = result.stdout + result.stderr;
    if (!result.failed) {
      const upToDate = /No new revisions or tags to push/i.test(output);
      return { kind: "push", outcome: upToDate ? "up-to-date" : "pushed", head: id };
    }
    if (DIVERGED.test(output)) return { kind: "push", outcome: "rejected" };
    if (OFFLINE.test(output)) throw new RemoteUnreachable(lastLine(result));
    throw commandFailure(result);
  }

  async function pull(request: PullRequest): Promise<OperationResult> {
    // `request.origin` (peers.pullFromOrigin) is ignored for brz on purpose: `brz pull` from a
    // peer mirrors its branch and `brz merge` from it would need a second journalled merge
    // with revision ids that are not the announced head. The central remote alone is pulled;
    // docs/channels.md says so.
    if (await mergePending()) {
      const started = await journal.read();
      if (!started) throw new OperationFailure(operationsMessages.mergeInProgress);
      // Our own merge, left open by a kill: finish it exactly as the pull would have.
      const conflicts = await merge(started.local, started.other, request, { resume: true });
      const after = (await head()) ?? "";
      const changedPaths = await changedBetween(started.local, after);
      return {
        kind: "pull",
        outcome: "updated",
        head: after,
        changedPaths,
        conflicts,
        needsPush: true,
      };
    }
    // A note without a merge: killed before the merge began or after it was committed.
    await journal.clear();

    // The tip we merge, named by id: the merge and the versions read for keep-both then agree
    // even if someone pushes meanwhile.
    const tipResult = await commands.run("resolveRef", { ref: REMOTE }, { network: true });
    if (tipResult.failed) {
      if (OFFLINE.test(tipResult.stderr)) throw new RemoteUnreachable(lastLine(tipResult));
      throw commandFailure(tipResult);
    }
    const remoteTip = revisionId(tipResult);

    // Everything local is committed first: the merge then works on commits only, and undoing
    // it (revert) cannot touch a single local edit.
    let needsPush = false;
    let made: { localCommit: LocalCommit } | Record<string, never> = {};
    const local = await status();
    if (local.kind === "status" && local.outcome === "ok" && local.entries.length > 0) {
      const committed = await commit(local.entries, request.commitMessage);
      if (committed.kind === "commit" && committed.outcome === "committed") {
        needsPush = true;
        // Reported like any commit: the engine would otherwise never know it was made.
        const message = request.commitMessage;
        made = { localCommit: { head: committed.head, entries: committed.entries, message } };
      }
    }
    const before = await head();
    // Nothing to pull while our head differs from the remote's: we are ahead, push.
    const upToDate = (): OperationResult => ({
      kind: "pull",
      outcome: "up-to-date",
      head: before ?? "",
      changedPaths: [],
      conflicts: [],
      needsPush: needsPush || (before !== undefined && before !== remoteTip),
      ...made,
    });
    if (remoteTip === undefined || remoteTip === before) return upToDate();

    // Fast-forward when we are behind; "diverged" means a merge is needed.
    const pulled = await commands.runArgv(
      [...commands.argv("pull", { remote: REMOTE }), "--revision", `revid:${remoteTip}`],
      { network: true },
    );
    let conflicts: ConflictCopy[] = [];
    if (pulled.failed) {
      if (!DIVERGED.test(pulled.stderr)) {
        if (OFFLINE.test(pulled.stderr)) throw new RemoteUnreachable(lastLine(pulled));
        throw commandFailure(pulled);
      }
      if (before === undefined) throw commandFailure(pulled);
      conflicts = await merge(before, remoteTip, request);
      needsPush = true;
    }
    const after = await head();
    if (after === undefined || after === before) return upToDate();
    const changedPaths =
      before === undefined
        ? splitNul((await commands.ok("trackedCount", { paths: [] })).stdout)
        : await changedBetween(before, after);
    if (!needsPush) needsPush = after !== remoteTip;
    return {
      kind: "pull",
      outcome: "updated",
      head: after,
      changedPaths,
      conflicts,
      needsPush,
      ...made,
    };
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
    { resume = false }: { resume?: boolean } = {},
  ): Promise<ConflictCopy[]> {
    const created: string[] = [];
    const copies: string[] = [];
    try {
      if (!resume) {
        await journal.write({ local, other });
        const merged = await commands.runArgv([
          ...commands.argv("merge", {
            ref: REMOTE,
            message: operationsMessages.mergeMessage(request.host, REMOTE),
          }),
          "--revision",
          `revid:${other}`,
        ]);
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
        { message: mergeCommitMessage(request.host, conflicts) },
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

  async function run(request: OperationRequest): Promise<OperationResult> {
    return (
      (await unhealthyResult(root, recipe.marker, request.kind)) ??
      dispatchOperation(request, { status, commit, push, pull })
    );
  }

  return {
    run,
    async describe(): Promise<RepoDescription> {
      const [rootId, url, id, nick] = await Promise.all([
        commands.run("rootId"),
        commands.run("remoteUrl", { remote: REMOTE }),
        head(),
        commands.run("branch"),
      ]);
      const remoteUrl = url.stdout.trim();
      return {
        repositoryId: revisionId(rootId),
        remoteUrl: url.failed || remoteUrl === "" ? undefined : stripCredentials(remoteUrl),
        head: id,
        branch: nick.failed ? undefined : nick.stdout.trim() || undefined,
      };
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

function mergeCommitMessage(host: string, conflicts: readonly ConflictCopy[]): string {
  const title = operationsMessages.mergeMessage(host, REMOTE);
  if (conflicts.length === 0) return title;
  const lines = conflicts.map(
    (c) =>
      `  ${c.path}${c.copyPath && c.copyPath !== c.path ? ` → ${c.copyPath}` : ""} (${c.kind})`,
  );
  return [title, "", operationsMessages.mergeConflictsLine(conflicts.length), ...lines].join("\n");
}

function lastLine(result: CommandResult): string {
  return (result.stderr.trim() || result.stdout.trim()).split("\n").at(-1) ?? result.shortMessage;
}
