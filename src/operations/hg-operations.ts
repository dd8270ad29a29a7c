import { randomUUID } from "node:crypto";
import { lstat, readlink, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConflictCopy, OperationResult } from "../engine/operation.js";
import type { StatusEntry } from "../engine/status-entry.js";
import { operationsMessages } from "../messages/operations-messages.js";
import { isStorableInHg, parseHgStatus } from "../recipes/status-parsers/hg-status-parser.js";
import { isConflictCopy } from "./conflict-copy-name.js";
import { CachedDescription, describeRepository } from "./describe-repository.js";
import { runWhenHealthy } from "./dispatch-operation.js";
import { removeCreatedCopies, writeConflictCopy } from "./keep-both.js";
import {
  commandFailure,
  lastLine,
  OperationFailure,
  RemoteUnreachable,
} from "./operation-failure.js";
import type { OperationsOptions } from "./operations-options.js";
import { RecipeCommands, splitNul } from "./recipe-commands.js";
import { isSafePullUrl, type PullOrigin } from "../engine/pull-origin.js";
import type { RepoOperations } from "./repo-operations.js";
import { keptIdentityEnv } from "./commit-identity.js";
import { withSizes } from "./entry-sizes.js";
import { existing, unstorableIn, unstorableList } from "./unstorable-names.js";
import { isStaleLockHolder } from "./lock-holder.js";
import { HG_CLIENT_ENV, hgClientRunner } from "./hg-client.js";
import { readHgParents } from "./hg-dirstate.js";
import { mergeJournal } from "./merge-journal.js";
import {
  originReport,
  runPullSequence,
  type OriginOutcome,
  type PullRequest,
} from "./pull-sequence.js";

/** hg's name for the remote every clone pushes to and pulls from. */
export const HG_REMOTE = "default";
const REMOTE = HG_REMOTE;
const NULL_NODE = /^0{40}$/;
// A peer on the LAN answers in well under a second; one that is asleep must not hold the pull
// for the whole network timeout before the central remote is asked.
const ORIGIN_TIMEOUT_MS = 20_000;

/**
 * Messages of hg (HGPLAIN keeps them untranslated) and ssh that mean "cannot reach the remote",
 * as opposed to "the remote refused". Measured: a missing local path gives
 * "abort: repository /x not found" (exit 255).
 */
const OFFLINE =
  /repository .* not found|does not appear to be an hg repository|there is no Mercurial repository here|unable to connect|could not connect|connection refused|connection reset|timed out|no route to host|network is unreachable|name or service not known|temporary failure in name resolution|could not resolve|ssh: |abort: error: |HTTP Error 50[234]/i;

/** A push that would create a second head: someone pushed first. */
const REJECTED = /creates new remote head|not known locally|push creates new/i;

/**
 * Mercurial operations. hg reads every file argument as a pattern (a file named `glob:*` would
 * match everything), so paths never go on the command line as they are: they are written,
 * NUL-separated and each prefixed `path:` (exact file, or directory and below), to a list file
 * inside `.hg` and passed as one `listfile0:` pattern. That also removes any argument-length
 * limit for thousands of paths.
 */
export function createHgOperations(given: OperationsOptions): RepoOperations {
  const runner = hgClientRunner(given.runner, given.recipe.env[HG_CLIENT_ENV]);
  const options: OperationsOptions = { ...given, runner };
  const commands = new RecipeCommands(options);
  const { root, recipe } = options;
  const metadata = join(root, recipe.metadataDir);
  const isIgnored = options.isIgnored ?? (() => false);
  const trackedCountMinDeletions = options.trackedCountMinDeletions ?? 1;
  const journal = mergeJournal(root, recipe.metadataDir);
  let description: CachedDescription | undefined;

  const wanted = (path: string) => isStorableInHg(path) && !isIgnored(path);
  const identity = keptIdentityEnv(commands, options.host);

  async function withPathList<T>(
    paths: readonly string[],
    use: (pattern: string) => Promise<T>,
  ): Promise<T> {
    const file = join(root, recipe.metadataDir, `autosync-paths-${randomUUID()}`);
    await writeFile(file, paths.map((path) => `path:${path}\0`).join(""));
    try {
      return await use(`listfile0:${file}`);
    } finally {
      await rm(file, { force: true });
    }
  }

  async function readNode(ref: string): Promise<string | undefined> {
    const result = await commands.run("resolveRef", { ref });
    if (result.failed) return undefined;
    const node = result.stdout.split("\n")[0]?.trim();
    return node && !NULL_NODE.test(node) ? node : undefined;
  }

  async function head(): Promise<string | undefined> {
    const parents = await readHgParents(metadata);
    if (parents) return parents.p1;
    const result = await commands.run("head");
    const node = result.stdout.trim();
    return result.failed || node === "" || NULL_NODE.test(node) ? undefined : node;
  }

  async function mergeInProgress(): Promise<boolean> {
    const parents = await readHgParents(metadata);
    if (parents) return parents.p2 !== undefined;
    const result = await commands.run("mergeInProgress");
    return !result.failed && result.stdout.trim() !== "";
  }

  async function status(paths?: readonly string[]): Promise<OperationResult> {
    let scoped: string[] = [];
    // A scoped look names the unstorable paths it was given too, so the warning is not
    // postponed to the next whole-tree status.
    let named: string[] = [];
    if (paths && paths.length > 0) {
      scoped = paths.filter(wanted);
      named = await existing(
        root,
        paths.filter((path) => !isStorableInHg(path) && !isIgnored(path)),
      );
      if (scoped.length === 0) {
        return { kind: "status", outcome: "ok", entries: [], ...unstorableList(named) };
      }
    }
    const result =
      scoped.length > 0
        ? await withPathList(scoped, (pattern) => commands.run("status", { paths: [pattern] }))
        : await commands.run("status", { paths: [] });
    if (result.failed) throw commandFailure(result);
    const parsed = parseHgStatus(result.stdout);
    const entries = await withSizes(
      root,
      parsed.filter((entry) => wanted(entry.path)),
    );
    const unstorable = unstorableList([
      ...named,
      ...(unstorableIn(parsed, isStorableInHg, isIgnored).unstorable ?? []),
    ]);
    const deletions = entries.filter((entry) => entry.action === "deleted").length;
    if (deletions >= trackedCountMinDeletions && deletions > 0) {
      const tracked = await commands.run("trackedCount");
      // `hg files` exits 1 when nothing is tracked.
      const trackedCount = tracked.failed ? 0 : splitNul(tracked.stdout).length;
      return { kind: "status", outcome: "ok", entries, trackedCount, ...unstorable };
    }
    return { kind: "status", outcome: "ok", entries, ...unstorable };
  }

  async function commit(
    entries: readonly StatusEntry[],
    message: string,
  ): Promise<OperationResult> {
    if (await mergeInProgress()) throw new OperationFailure(operationsMessages.mergeInProgress);
    const committed: StatusEntry[] = [];
    const paths = new Set<string>();
    for (const entry of entries) {
      if (!wanted(entry.path)) continue;
      const exists = await lstat(join(root, entry.path)).then(
        () => true,
        () => false,
      );
      // An added file that vanished before the commit is no change any more; naming an
      // untracked missing file would make hg abort the whole commit ("No such file").
      if (!exists && entry.action === "added") continue;
      committed.push(entry);
      paths.add(entry.path);
      if (entry.from !== undefined) paths.add(entry.from);
    }
    if (paths.size === 0) return { kind: "commit", outcome: "nothing-to-commit" };
    const env = await identity();
    const result = await withPathList([...paths], async (pattern) => {
      const added = await commands.run("addPaths", { paths: [pattern] });
      if (added.failed && added.exitCode !== 1) throw commandFailure(added);
      return commands.runArgv([...commands.argv("commit", { message }), "--", pattern], { env });
    });
    if (result.failed) {
      if (/nothing changed/i.test(result.stdout + result.stderr)) {
        return { kind: "commit", outcome: "nothing-to-commit" };
      }
      throw commandFailure(result);
    }
    const node = await head();
    if (!node)
      throw new OperationFailure(operationsMessages.unexpected("no revision after commit"));
    return { kind: "commit", outcome: "committed", head: node, entries: committed };
  }

  async function push(): Promise<OperationResult> {
    const result = await commands.run("push", { remote: REMOTE }, { network: true });
    const output = result.stdout + result.stderr;
    const node = (await head()) ?? "";
    if (!result.failed) return { kind: "push", outcome: "pushed", head: node };
    // hg push exits 1 when there is nothing to push.
    if (result.exitCode === 1 && /no changes found/i.test(output)) {
      return { kind: "push", outcome: "up-to-date", head: node };
    }
    if (REJECTED.test(output)) {
      // History may have been rewritten here or there: the next describe asks everything.
      description?.forget();
      return { kind: "push", outcome: "rejected" };
    }
    if (OFFLINE.test(output)) throw new RemoteUnreachable(lastLine(result));
    throw commandFailure(result);
  }

  function pull(request: PullRequest): Promise<OperationResult> {
    return runPullSequence(request, {
      mergePending: mergeInProgress,
      journal,
      finishMerge: (started, request) =>
        merge(started.local, started.other, request, { resume: true }),
      head,
      status: () => status(),
      commit,
      fromOrigin: pullFromOrigin,
      fromRemote: async (request) => {
        const pulled = await commands.run("pull", { remote: REMOTE }, { network: true });
        if (pulled.failed) {
          if (OFFLINE.test(pulled.stdout + pulled.stderr)) {
            throw new RemoteUnreachable(lastLine(pulled));
          }
          throw commandFailure(pulled);
        }
        const { ahead, ...integrated } = await integrateIncoming(request);
        // A merge with a peer may have been made by an earlier pull that then found the
        // remote offline: its commits are still drafts (never pushed to a publishing remote).
        return { ...integrated, ahead: () => Promise.resolve(ahead) };
      },
      changedBetween: (from, to) => changedBetween(from ?? "null", to),
    });
  }

  /**
   * Updates to, or merges, the head a pull brought in next to the working copy's. Local work
   * is committed before this runs, so an update or merge never meets an uncommitted edit.
   */
  async function integrateIncoming(
    request: PullRequest,
  ): Promise<{ conflicts: ConflictCopy[]; merged: boolean; ahead: boolean }> {
    const before = await head();
    const { here, incoming } = await branchHeads();
    const other = incoming.find((next) => next.node !== before);
    if (other === undefined) return { conflicts: [], merged: false, ahead: here.draft };
    if (before === undefined || other.fastForward) {
      const updated = await commands.run("update", { rev: other.node });
      if (updated.failed) throw commandFailure(updated);
      return { conflicts: [], merged: false, ahead: other.draft };
    }
    return { conflicts: await merge(before, other.node, request), merged: true, ahead: true };
  }

  /**
   * One `hg log` for what used to take three: the heads of the working copy's branch other than
   * `.` (what a pull brought in), whether each is a descendant of `.` (an update suffices) and
   * the phase of `.` and of each head. A public changeset has only public ancestors, so "any
   * draft among the ancestors" (commits the remote lacks) is the phase of the tip itself.
   */
  async function branchHeads(): Promise<{ here: BranchHead; incoming: BranchHead[] }> {
    const program = commands.argv("head")[0] ?? "hg";
    const result = await commands.runArgv([
      program,
      "log",
      "--rev",
      "(heads(branch(.)) - .) or .",
      "--template",
      '{node} {ifcontains(rev, revset("."), "here", ifcontains(rev, revset("descendants(.)"), "ff", "merge"))} {phase}\\n',
    ]);
    if (result.failed) throw commandFailure(result);
    let here: BranchHead = { node: "", fastForward: false, draft: false };
    const incoming: BranchHead[] = [];
    for (const line of result.stdout.split("\n")) {
      const [node = "", relation, phase] = line.trim().split(" ");
      if (!/^[0-9a-f]{40}$/.test(node)) continue;
      const found = { node, fastForward: relation === "ff", draft: phase !== "public" };
      if (relation === "here") here = found;
      else if (!NULL_NODE.test(node)) incoming.push(found);
    }
    return { here, incoming };
  }

  /**
   * `hg pull` from the announcing machine, then the same update or keep-both merge as for the
   * remote. Never fails the pull: an unreachable, slow or refused peer is only reported.
   */
  async function pullFromOrigin(request: PullRequest, origin: PullOrigin): Promise<OriginOutcome> {
    // The URL came over the network: it must never become an option or a command.
    if (!isSafePullUrl(origin.url)) return originReport(origin.url, "rejected");
    if (origin.head !== undefined && /^[0-9a-f]{40}$/.test(origin.head)) {
      if ((await readNode(`${origin.head} and ancestors(.)`)) !== undefined) {
        return originReport(origin.url, "up-to-date");
      }
    }
    const program = commands.argv("pull", { remote: REMOTE })[0] ?? "hg";
    const pulled = await options.runner.run([program, "pull", "--", origin.url], {
      cwd: root,
      env: { ...recipe.env },
      timeoutMs: Math.min(options.networkTimeoutMs ?? ORIGIN_TIMEOUT_MS, ORIGIN_TIMEOUT_MS),
    });
    if (pulled.failed) {
      return originReport(origin.url, "failed", pulled.timedOut ? "timed out" : lastLine(pulled));
    }
    const before = await head();
    try {
      const integrated = await integrateIncoming(request);
      if ((await head()) === before) return originReport(origin.url, "up-to-date");
      return { ...integrated, report: originReport(origin.url, "merged").report };
    } catch (error) {
      // The merge was undone (see merge); the central pull tries again with the same heads.
      if (error instanceof OperationFailure) {
        return originReport(origin.url, "failed", error.message);
      }
      throw error;
    }
  }

  async function changedBetween(from: string, to: string): Promise<string[]> {
    const result = await commands.run("changedPaths", { from, to });
    if (result.failed) throw commandFailure(result);
    return splitNul(result.stdout);
  }

  async function version(rev: string, path: string): Promise<Uint8Array | undefined> {
    const result = await withPathList([path], (pattern) =>
      commands.run("showVersion", { rev, path: pattern }, { binaryOutput: true }),
    );
    // `hg cat` exits 1 with "no such file in rev" when the revision lacks the file.
    if (result.failed) return undefined;
    return result.stdoutBytes ?? new TextEncoder().encode(result.stdout);
  }

  /**
   * Merges `other` into the committed local head. hg merges what merges cleanly; every file
   * left unresolved (overlapping edits, binary, delete versus modify) is then resolved from the
   * two committed versions: the remote's at the path, ours in the conflict copy, whatever
   * markers the merge tool left in the tree. Any failure aborts the merge and removes the
   * copies: the tree is the local head again.
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
        const merged = await commands.run("merge", {
          ref: other,
          message: operationsMessages.mergeMessage(request.host, REMOTE),
        });
        // Exit 1 means "files left unresolved", which is what keep-both handles.
        if (merged.failed && merged.exitCode !== 1) throw commandFailure(merged);
      }

      const conflicts: ConflictCopy[] = [];
      const base = await readNode(`ancestor(${local}, ${other})`);
      for (const path of await unresolved()) {
        const ours = await version(local, path);
        const theirs = await version(other, path);
        if (ours && theirs) {
          const kind =
            base !== undefined && (await version(base, path)) !== undefined
              ? "both-modified"
              : "both-added";
          // Same bytes need no copy; a conflict copy is never conflicted again (its local side
          // stays in history, in the commit made before the merge).
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
          await resolveWith("takeTheirs", path);
          conflicts.push(copyPath ? { path, copyPath, kind } : { path, kind });
        } else if (theirs) {
          // Deleted here, modified there: the modified file comes back.
          await resolveWith("takeTheirs", path);
          conflicts.push({ path, kind: "deleted-locally" });
        } else if (ours) {
          // Modified here, deleted there: the local version stays at its path.
          await resolveWith("takeOurs", path);
          conflicts.push({ path, copyPath: path, kind: "deleted-remotely" });
        } else {
          await resolveWith("markResolved", path);
        }
      }
      if (copies.length > 0) {
        const added = await withPathList(copies, (pattern) =>
          commands.run("addPaths", { paths: [pattern] }),
        );
        if (added.failed) throw commandFailure(added);
      }
      const left = await unresolved();
      if (left.length > 0) throw new OperationFailure(operationsMessages.unresolved(left));

      const committed = await commands.run(
        "commit",
        {
          message: operationsMessages.mergeCommitMessage(
            operationsMessages.mergeMessage(request.host, REMOTE),
            conflicts,
          ),
        },
        { env: await identity() },
      );
      if (committed.failed) throw commandFailure(committed);
      await journal.clear();
      return conflicts;
    } catch (error) {
      if (await mergeInProgress()) await commands.run("mergeAbort");
      await journal.clear();
      await removeCreatedCopies(root, created);
      const reason = error instanceof Error ? error.message : String(error);
      throw new OperationFailure(
        operationsMessages.mergeFailed(reason),
        error instanceof OperationFailure ? error.command : undefined,
      );
    }
  }

  async function resolveWith(
    command: "takeTheirs" | "takeOurs" | "markResolved",
    path: string,
  ): Promise<void> {
    const result = await withPathList([path], (pattern) =>
      commands.run(command, { paths: [pattern] }),
    );
    if (result.failed) throw commandFailure(result);
  }

  async function unresolved(): Promise<string[]> {
    const result = await commands.run("listUnmerged");
    if (result.failed) throw commandFailure(result);
    const list = JSON.parse(result.stdout || "[]") as { mergestatus?: string; path?: string }[];
    return list
      .filter((item) => item.mergestatus?.toLowerCase() === "u" && typeof item.path === "string")
      .map((item) => item.path as string);
  }

  return {
    run: (request) => runWhenHealthy(root, recipe.marker, request, { status, commit, push, pull }),
    describe: () => {
      description ??= new CachedDescription(
        () =>
          describeRepository(commands, REMOTE, head, (rootId) => {
            const id = rootId.stdout.trim();
            return rootId.failed || id === "" || NULL_NODE.test(id) ? undefined : id;
          }),
        head,
        [join(root, recipe.metadataDir, "hgrc"), join(root, recipe.metadataDir, "branch")],
      );
      return description.describe();
    },
    async recoverStaleLocks(): Promise<string[]> {
      const removed: string[] = [];
      for (const lock of ["wlock", "store/lock"]) {
        const path = join(root, recipe.metadataDir, lock);
        // hg's locks are symlinks whose target is `host:pid` (on Linux `host/pid-namespace:pid`).
        const holder = await readlink(path).catch(() => undefined);
        if (holder === undefined || !isStaleHolder(holder)) continue;
        await rm(path, { force: true });
        removed.push(path);
      }
      return removed;
    },
  };
}

/** Whether a lock holder `host[/namespace]:pid` names a process of this host that is gone. */
function isStaleHolder(holder: string): boolean {
  const colon = holder.lastIndexOf(":");
  if (colon < 0) return false;
  const host = holder.slice(0, colon).split("/")[0] ?? "";
  return isStaleLockHolder(host, Number(holder.slice(colon + 1)));
}

/** A head of the working copy's branch as `branchHeads` reads it. */
interface BranchHead {
  node: string;
  /** A descendant of `.`: updating to it is a fast-forward. */
  fastForward: boolean;
  /** Not public: it or an ancestor is not on the (publishing) remote yet. */
  draft: boolean;
}
