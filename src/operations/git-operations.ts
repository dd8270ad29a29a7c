import { appendFile, lstat, mkdir, readFile, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import type {
  ConflictCopy,
  LocalCommit,
  OperationRequest,
  OperationResult,
} from "../engine/operation.js";
import { isSafePullUrl, type PullOrigin, type PullOriginReport } from "../engine/pull-origin.js";
import type { StatusEntry } from "../engine/status-entry.js";
import { checkDeletions } from "../engine/deletion-guard.js";
import { operationsMessages } from "../messages/operations-messages.js";
import { expandArgv, type PlaceholderValues } from "../recipes/expand-argv.js";
import { findStatusParser } from "../recipes/status-parsers/index.js";
import { isConflictCopy } from "./conflict-copy-name.js";
import { dispatchOperation, unhealthyResult } from "./dispatch-operation.js";
import { removeCreatedCopies, writeConflictCopy } from "./keep-both.js";
import { GitMergeJournal } from "./git-merge-journal.js";
import {
  commandFailure,
  MergeRefused,
  OperationFailure,
  RemoteUnreachable,
  withLocalCommit,
} from "./operation-failure.js";
import type { CommandResult } from "../runtime/command-runner.js";
import type { OperationsOptions } from "./operations-options.js";
import { chunkPaths, RecipeCommands, splitNul } from "./recipe-commands.js";
import { stripCredentials } from "./remote-url.js";
import { findGitUpstream, type GitUpstream } from "./git-upstream.js";
import { findLockFiles, removeStaleLocks } from "./stale-locks.js";
import { gitOfflineReason } from "./git-offline.js";
import { MailboxDesk, type MailToMerge } from "./git-mailbox-desk.js";
import { fileStamp } from "./file-stamp.js";
import {
  configPath,
  locateGitDirs,
  mergeHeadExists,
  readHeadRef,
  readRef,
  type GitDirs,
} from "./git-ref-files.js";
import type { RepoDescription, RepoOperations } from "./repo-operations.js";
import { undecodableNames, unstorableList } from "./unstorable-names.js";

type PullRequest = Extract<OperationRequest, { kind: "pull" }>;
type PullResult = Extract<OperationResult, { kind: "pull"; outcome: "up-to-date" | "updated" }>;

interface OriginOutcome {
  report: PullOriginReport;
  conflicts: ConflictCopy[];
}

// A peer on the LAN answers in well under a second; one that is asleep must not hold the pull
// for the full network timeout before the central remote is asked.
const ORIGIN_TIMEOUT_MS = 20_000;

/** One side of an unmerged path, from `git ls-files --unmerged`. */
interface StageEntry {
  mode: string;
  object: string;
}

const GITLINK_MODE = "160000";
const DEFAULT_GUARD = { maxShare: 0.5, minFiles: 100 };
const STALE_LOCK = /Unable to create '.*\.lock': File exists|cannot lock ref/;
// What git says when it cannot build an author/committer identity.
const NO_IDENTITY = /Please tell me who you are|empty ident name|unable to auto-detect email/;

export function createGitOperations(options: OperationsOptions): RepoOperations {
  return new GitOperations(options);
}

/**
 * git behind the RepoOperations contract. Everything that changes the repository goes through
 * the recipe's argv templates; the safety rules live here: commit local work before merging,
 * merge (never rebase), resolve every conflict by keeping both sides, and undo the merge
 * completely when anything fails half-way.
 */
class GitOperations implements RepoOperations {
  private readonly git: RecipeCommands;
  private readonly root: string;
  private readonly isIgnored: (relPath: string) => boolean;
  private readonly host: string;
  private readonly now: () => number;
  private cachedGitDir: string | undefined;
  private cachedDirs: GitDirs | undefined;
  /**
   * Facts that rarely change, asked once and kept for the life of this instance (see
   * docs/architecture.md, "What the operations remember"). All but the roots hang on the config
   * file: a changed stamp (re-pointed remote, renamed branch, new upstream, identity set or
   * removed in the repository) drops them, and so does a failed push or fetch.
   */
  private configSeen: string | undefined;
  /** `user.email` was set when last asked (see identityEnv). */
  private identityConfigured = false;
  private cachedUpstream: { branch: string; upstream: GitUpstream } | undefined;
  private cachedRemoteUrl: { remote: string; url: string | undefined } | undefined;
  /** Root commits of the history as of `checkedAt`; a later HEAD only adds the new ones. */
  private roots: { ids: Set<string>; checkedAt: string } | undefined;
  private readonly mailbox: MailboxDesk;

  constructor(private readonly options: OperationsOptions) {
    this.git = new RecipeCommands(options);
    this.root = options.root;
    this.isIgnored = options.isIgnored ?? (() => false);
    this.host = options.host ?? hostname();
    this.now = options.now ?? Date.now;
    this.mailbox = new MailboxDesk(this.git, this.host, () => this.gitDir());
  }

  async run(request: OperationRequest): Promise<OperationResult> {
    const unhealthy = await unhealthyResult(this.root, this.options.recipe.marker, request.kind);
    if (unhealthy) return unhealthy;
    await this.dropFactsIfConfigChanged();
    const recovered = await this.recoverInterruptedMerge().catch((error: unknown) => error);
    if (recovered instanceof Error) {
      return { kind: request.kind, outcome: "failed", message: recovered.message };
    }
    const result = await this.runOnce(request);
    // A git process killed earlier (kill -9, power loss) leaves index.lock behind and every
    // later command fails on it. Remove it if provably stale and try once more.
    if (
      result.outcome === "failed" &&
      STALE_LOCK.test(`${result.message}\n${result.command?.stderrTail ?? ""}`)
    ) {
      const removed = await this.recoverStaleLocks();
      if (removed.length > 0) return this.runOnce(request);
    }
    return result;
  }

  private runOnce(request: OperationRequest): Promise<OperationResult> {
    return dispatchOperation(request, {
      status: (paths) => this.status(paths),
      commit: (entries, message) => this.commit(entries, message),
      push: () => this.push(),
      pull: (pull) => this.pull(pull),
    });
  }

  // ---- status -------------------------------------------------------------------------------

  private async status(paths: readonly string[] | undefined): Promise<OperationResult> {
    const changes = await this.localChanges(paths);
    const undecodable = await undecodableNames(this.root, changes);
    const unstorable = unstorableList(undecodable);
    const entries = await this.withSizes(
      changes.filter((entry) => !undecodable.includes(entry.path)),
    );
    const deletions = entries.filter((entry) => entry.action === "deleted").length;
    const threshold = this.options.trackedCountMinDeletions ?? 1;
    if (deletions > 0 && deletions >= threshold) {
      const tracked = await this.git.ok("trackedCount", { paths: [] });
      return {
        kind: "status",
        outcome: "ok",
        entries,
        trackedCount: splitNul(tracked.stdout).length,
        ...unstorable,
      };
    }
    return { kind: "status", outcome: "ok", entries, ...unstorable };
  }

  /** The status, filtered by the runtime's ignore rules; refuses while paths are unmerged. */
  private async localChanges(paths?: readonly string[]): Promise<StatusEntry[]> {
    if (paths && paths.length === 0) return [];
    const parser = findStatusParser(this.options.recipe.statusParser);
    if (!parser)
      throw new OperationFailure(`unknown status parser ${this.options.recipe.statusParser}`);
    const entries = new Map<string, StatusEntry>();
    const conflicted: string[] = [];
    for (const chunk of paths ? chunkPaths(paths) : [[]]) {
      const result = await this.git.ok("status", { paths: chunk });
      const parsed = parser(result.stdout);
      for (const entry of parsed.entries) entries.set(`${entry.action}\0${entry.path}`, entry);
      conflicted.push(...parsed.conflicted);
    }
    if (conflicted.length > 0)
      throw new OperationFailure(operationsMessages.unmergedPaths(conflicted));
    return this.withoutIgnored([...entries.values()]);
  }

  private withoutIgnored(entries: readonly StatusEntry[]): StatusEntry[] {
    const kept: StatusEntry[] = [];
    for (const entry of entries) {
      const pathIgnored = this.isIgnored(entry.path);
      if (entry.action === "renamed" && entry.from !== undefined) {
        const fromIgnored = this.isIgnored(entry.from);
        if (pathIgnored && fromIgnored) continue;
        // Half of a rename is ignored: the other half is a plain deletion or addition.
        if (pathIgnored) kept.push({ path: entry.from, action: "deleted" });
        else if (fromIgnored) kept.push({ path: entry.path, action: "added" });
        else kept.push(entry);
      } else if (!pathIgnored) {
        kept.push(entry);
      }
    }
    return kept;
  }

  private async withSizes(entries: StatusEntry[]): Promise<StatusEntry[]> {
    return Promise.all(
      entries.map(async (entry) => {
        if (entry.action === "deleted") return entry;
        const info = await lstat(join(this.root, entry.path)).catch(() => undefined);
        return info && (info.isFile() || info.isSymbolicLink())
          ? { ...entry, sizeBytes: info.size }
          : entry;
      }),
    );
  }

  // ---- commit -------------------------------------------------------------------------------

  private async commit(entries: readonly StatusEntry[], message: string): Promise<OperationResult> {
    const wanted = this.withoutIgnored(entries);
    const outcome = await this.commitEntries(wanted, message);
    if (!outcome) return { kind: "commit", outcome: "nothing-to-commit" };
    return {
      kind: "commit",
      outcome: "committed",
      head: outcome,
      entries: await this.withSizes(wanted),
    };
  }

  /** Stages exactly these entries and commits; returns the new head, undefined if nothing changed. */
  private async commitEntries(entries: readonly StatusEntry[], message: string) {
    const paths = [
      ...new Set(
        entries.flatMap((entry) => (entry.from ? [entry.path, entry.from] : [entry.path])),
      ),
    ];
    if (paths.length === 0) return undefined;
    const parent = await this.head();
    // Commit also concludes a merge someone left open, and a merge commit may add roots.
    const plain = !(await this.mergeInProgress());
    // Edits and deletions of tracked files (the usual sync of an edited file) need no staging
    // process: `git commit --only -- <paths>` records exactly those paths as they are on disk.
    // New files must be added first, and git refuses a partial commit during a merge.
    const onlyTracked =
      plain &&
      this.git.argv("commit", { message })[1] === "commit" &&
      entries.every((entry) => entry.action === "modified" || entry.action === "deleted") &&
      chunkPaths(paths).length === 1;
    if (!onlyTracked) await this.stage(paths);
    const result = await this.runWithIdentity(
      "commit",
      { message },
      onlyTracked ? ["--only", "--", ...paths] : [],
    );
    if (result.failed) {
      if (
        /nothing (added )?to commit|no changes added to commit/.test(result.stdout + result.stderr)
      ) {
        return undefined;
      }
      throw commandFailure(result);
    }
    const head = await this.head();
    // A commit on top of a head whose roots are known adds no root (a merge commit might).
    const roots = this.roots;
    if (plain && head !== undefined && roots && roots.checkedAt === parent) roots.checkedAt = head;
    return head;
  }

  /**
   * Stages exactly these paths: new and modified files are added, deleted ones removed.
   * A path that no longer exists and was never tracked (a temp file that came and went) is left
   * out, because git refuses the whole add for a pathspec that matches nothing.
   */
  private async stage(paths: readonly string[]) {
    const missing = new Set<string>();
    await Promise.all(
      paths.map(async (path) => {
        const exists = await lstat(join(this.root, path)).then(
          () => true,
          () => false,
        );
        if (!exists) missing.add(path);
      }),
    );
    let staged = paths;
    if (missing.size > 0) {
      const tracked = new Set<string>();
      for (const chunk of chunkPaths([...missing])) {
        const result = await this.git.ok("trackedCount", { paths: chunk });
        for (const path of splitNul(result.stdout)) tracked.add(path);
      }
      staged = paths.filter((path) => !missing.has(path) || tracked.has(path));
    }
    if (staged.length === 0) return;
    if (this.git.has("addPathsFromStdin")) {
      // One process, no argument-length limit: 20,000 paths are one `git update-index`.
      await this.git.ok("addPathsFromStdin", {}, { input: staged.join("\0") + "\0" });
    } else {
      for (const chunk of chunkPaths(staged)) await this.git.ok("addPaths", { paths: chunk });
    }
  }

  /**
   * With no identity configured git refuses to commit, and autosync would stop syncing for a
   * setup detail; so then (and only then) it commits as `autosync <host>`.
   */
  private async identityEnv(force = false): Promise<Record<string, string>> {
    const template = this.options.recipe.identityEnv;
    if (!template) return {};
    if (!force && this.identityConfigured) return {};
    if (!force && this.git.has("identity")) {
      const configured = await this.git.run("identity");
      if (!configured.failed && configured.stdout.trim() !== "") {
        // Asked once per process, not once per commit: should the user remove it later, git
        // refuses the commit and `runWithIdentity` retries with the fallback.
        this.identityConfigured = true;
        return {};
      }
    }
    const host = this.host.replace(/[^A-Za-z0-9.-]/g, "-") || "localhost";
    const values = { name: `autosync ${this.host}`, email: `autosync@${host}` };
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key, expandArgv([value], values)[0] ?? ""]),
    );
  }

  /**
   * Runs a command that creates a commit. An email alone is not always an identity (git also
   * wants a name, from config or the passwd entry): when git still refuses, retry once with
   * the fallback identity.
   */
  private async runWithIdentity(
    name: "commit" | "merge",
    values: PlaceholderValues,
    /** Arguments after the recipe's argv (the paths of a commit of tracked files). */
    extra: readonly string[] = [],
  ) {
    const argv = [...this.git.argv(name, values), ...extra];
    const env = await this.identityEnv();
    const result = await this.git.runArgv(argv, { env });
    if (!result.failed || Object.keys(env).length > 0 || !NO_IDENTITY.test(result.stderr)) {
      return result;
    }
    this.identityConfigured = false;
    if (name === "merge" && (await this.mergeInProgress())) return result;
    return this.git.runArgv(argv, { env: await this.identityEnv(true) });
  }

  // ---- push ---------------------------------------------------------------------------------

  private async push(): Promise<OperationResult> {
    const branch = await this.currentBranch();
    const head = await this.head();
    // Nothing committed yet: nothing to push (the first commit will be pushed).
    if (head === undefined) return { kind: "push", outcome: "up-to-date", head: "" };
    let recorded = false;
    let mailed = false;
    const result = await this.withRemote(branch, async ({ remote, remoteBranch, configured }) => {
      // Mail only when main (as last fetched) lacks this head: a push with nothing new (the
      // startup push) then creates no ref, here or on the remote.
      const mailbox =
        configured && (await this.resolve(`refs/remotes/${remote}/${remoteBranch}`)) !== head
          ? await this.mailbox.name()
          : undefined;
      const argv = this.git.argv("push", { remote, remoteBranch, branch, mailbox: mailbox ?? "" });
      // --set-upstream rewrites (locks, writes, renames) the config on every push; once the
      // config names this very upstream, that is work for nothing.
      const push = configured
        ? (mailbox === undefined ? this.mailbox.withoutMailbox(argv) : argv).filter(
            (arg) => arg !== "--set-upstream",
          )
        : this.mailbox.withoutMailbox(argv);
      recorded ||= push.includes("--set-upstream");
      mailed =
        configured &&
        mailbox !== undefined &&
        this.mailbox.withoutMailbox(argv).length < argv.length;
      return this.git.runArgv(push, { network: true });
    });
    // --set-upstream rewrote the config: that change is ours, not a reason to ask again.
    if (recorded) {
      this.configSeen = await fileStamp([configPath(await this.gitDirs())]);
      if (!result.failed && this.cachedUpstream) this.cachedUpstream.upstream.configured = true;
    }
    // --porcelain: one `<flag>\t<from>:<to>\t<summary>` line per ref on stdout. Only main's
    // line decides: a mailbox the remote refused costs speed, never the push.
    const refLines = this.mailbox.mainLines(
      result.stdout.split("\n").filter((line) => /^[ +\-*!=]\t/.test(line)),
    );
    if (!result.failed || this.mailbox.onlyMailboxFailed(result.stdout, refLines)) {
      const updated = refLines.some((line) => !line.startsWith("=") && !line.startsWith("!"));
      return {
        kind: "push",
        outcome: updated ? "pushed" : "up-to-date",
        head,
        ...(mailed ? { mailbox: true as const } : {}),
      };
    }
    const rejected = refLines.find((line) => line.startsWith("!"));
    // Behind the remote, or lost a race with a concurrent push to the same ref (the remote
    // says "cannot lock ref … is at X but expected Y"): either way pull first, then push.
    if (
      rejected &&
      (/\[rejected\].*\((non-fast-forward|fetch first)\)/.test(rejected) ||
        /cannot lock ref .* but expected/.test(result.stderr))
    ) {
      return { kind: "push", outcome: "rejected", ...(mailed ? { mailbox: true as const } : {}) };
    }
    const offline = rejected ? undefined : gitOfflineReason(result);
    if (offline) return { kind: "push", outcome: "offline", reason: offline };
    throw commandFailure(result);
  }

  // ---- pull ---------------------------------------------------------------------------------

  private async pull(request: PullRequest): Promise<OperationResult> {
    const made: LocalCommit[] = [];
    let result: PullResult;
    try {
      result = await this.pullInto(request, made);
    } catch (error) {
      throw withLocalCommit(error, foldCommits(made));
    }
    const localCommit = foldCommits(made);
    // Told on every pull (the startup pull first), not only by a push that mailed: a clone whose
    // first push waits behind an announced pull would otherwise never learn it.
    const mailboxes = (await this.mailbox.name()) !== undefined;
    return {
      ...result,
      ...(localCommit ? { localCommit } : {}),
      ...(mailboxes ? { mailboxPushes: true as const } : {}),
    };
  }

  private async pullInto(request: PullRequest, made: LocalCommit[]): Promise<PullResult> {
    // File reads, no process: asked together.
    const [branch, merging, startHead] = await Promise.all([
      this.currentBranch(),
      this.mergeInProgress(),
      this.head(),
    ]);
    if (merging) throw new OperationFailure(operationsMessages.mergeInProgress);
    // The announcing machine first (peers.pullFromOrigin); whatever it did, the central remote
    // follows, so the remote stays the authority and the push after the pull keeps it so.
    const fromOrigin = request.origin
      ? await this.pullFromOrigin(request, request.origin, made)
      : undefined;
    let upstream = await this.upstream(branch);
    // Read before the fetch: whether the fetch moves it says whether the remote brought news.
    const trackedRef = `refs/remotes/${upstream.remote}/${upstream.remoteBranch}`;
    const trackedBefore = await readRef(await this.gitDirs(), trackedRef);
    const fetched = await this.withRemote(branch, (used) => {
      upstream = used;
      return this.git.run("fetch", { remote: used.remote }, { network: true });
    });
    const { remote, remoteBranch } = upstream;
    if (fetched.failed) {
      // What came from the origin stays merged: it is committed, and the engine retries the
      // remote (and pushes) once it is back.
      const offline = gitOfflineReason(fetched);
      if (offline) throw new RemoteUnreachable(offline);
      throw commandFailure(fetched);
    }
    const remoteRef = `refs/remotes/${remote}/${remoteBranch}`;
    const remoteHead = await this.resolve(remoteRef);
    if (remoteHead === undefined) {
      // The remote has no commits yet: nothing to merge, our commits (if any) go up.
      const head = await this.head();
      return this.withOrigin(
        this.pullResult("up-to-date", head, [], [], head !== undefined),
        startHead,
        fromOrigin,
      );
    }

    // Nothing new on the remote: no merge, so no reason to commit here (local changes go
    // through the engine's own commit, with its quiet period and deletion guard).
    // Only a merge from the announcing machine can have moved HEAD since `startHead`.
    const headBefore = fromOrigin ? await this.head() : startHead;
    if (headBefore === remoteHead) {
      // The common case of an interval pull: fetch + one rev-parse, no rev-list walks.
      return this.withOrigin(
        this.pullResult("up-to-date", headBefore, [], [], false),
        startHead,
        fromOrigin,
      );
    }
    // The fetch moved the remote-tracking ref: the remote has commits HEAD lacks, but for a
    // remote rewound by force or commits that also came from the announcing machine (whose merge
    // is excluded here). Such a merge just finds nothing to do, so no rev-list walk first.
    const fetchMoved =
      remoteRef === trackedRef &&
      typeof trackedBefore === "string" &&
      trackedBefore !== remoteHead &&
      fromOrigin?.report.outcome !== "merged";
    if (
      headBefore !== undefined &&
      !fetchMoved &&
      (await this.countCommits(headBefore, remoteRef)) === 0
    ) {
      const needsPush = (await this.countCommits(remoteRef, headBefore)) > 0;
      return this.withOrigin(
        this.pullResult("up-to-date", headBefore, [], [], needsPush),
        startHead,
        fromOrigin,
      );
    }

    // HEAD held the remote's previous head, and the remote moved on: most likely a
    // fast-forward, which git can do without the look for ignored files in the way, and which
    // needs no merger election (HEAD has nothing main lacks).
    const likelyFastForward = fetchMoved && trackedBefore === headBefore;
    const election = likelyFastForward
      ? { mergeAlso: [] }
      : await this.mailbox.elect(request, remote, remoteRef, headBefore);
    if (election.deferTo !== undefined) {
      const deferred = this.pullResult("up-to-date", headBefore, [], [], false);
      return this.withOrigin(
        { ...deferred, deferredTo: election.deferTo, ...(fetchMoved ? { mainMoved: true } : {}) },
        startHead,
        fromOrigin,
      );
    }
    const { oldHead, conflicts, incoming } = await this.mergeWithLocalWork(
      request,
      remoteRef,
      `${remote}/${remoteBranch}`,
      made,
      headBefore,
      // After a deferral the merger's main holds our head: a fast-forward as well, which every
      // deferring clone pulls at once (fleet bench, 16 machines: 15 such pulls share two cores).
      likelyFastForward || election.headInMain === true,
      request.treeClean === true && fromOrigin === undefined,
    );
    // The elected merger: every other mailbox main lacks (see mergeMailboxes).
    const allMerged = await this.mergeMailboxes(request, election.mergeAlso, conflicts);
    if (allMerged && election.mergeAlso.length > 0) {
      // One more look before the push: mailboxes that arrived while this clone merged (and a
      // main that moved meanwhile) are merged now, so neither their owners nor this clone's
      // rejected push need another round (fleet bench: 5 of 7 mailboxes came after the fetch).
      const late = await this.lateArrivals(request, remote, remoteRef, `${remote}/${remoteBranch}`);
      conflicts.push(...late);
    }
    const newHead = await this.head();
    if (newHead === undefined)
      throw new OperationFailure(operationsMessages.mergeFailed("no HEAD"));
    if (newHead === headBefore) {
      // The remote's head was already in HEAD (see fetchMoved): nothing merged, nothing committed.
      return this.withOrigin(
        this.pullResult("up-to-date", newHead, [], [], newHead !== remoteHead),
        startHead,
        fromOrigin,
      );
    }
    // A fast-forward changed exactly what came in, which the merge already listed.
    const changedPaths =
      newHead === remoteHead && incoming !== undefined
        ? incoming
        : await this.changedPaths(oldHead, newHead);
    // HEAD now contains the remote's head, so anything else is ours to push.
    const needsPush = newHead !== remoteHead;
    const result = this.pullResult("updated", newHead, changedPaths, conflicts, needsPush);
    return this.withOrigin(
      election.mergeAlso.length > 0 ? { ...result, mergedMailboxes: true } : result,
      startHead,
      fromOrigin,
    );
  }

  /**
   * The elected merger's mailbox merges, in order, each committed before the next (a kill -9
   * between two leaves a committed, pushable head). One that cannot be merged was undone (see
   * merge): what merged so far goes out, and that mailbox's owner, finding its head still
   * missing from main, merges it in the next election. False when one failed.
   */
  private async mergeMailboxes(
    request: PullRequest,
    mail: readonly MailToMerge[],
    conflicts: ConflictCopy[],
  ): Promise<boolean> {
    for (const box of mail) {
      const merged = await this.mergeOrUndo(request, box.ref, box.label, box.host);
      if (!merged) return false;
      conflicts.push(...merged);
    }
    return true;
  }

  /** A merge that failed was undone (see merge): undefined then, for the caller to stop at. */
  private mergeOrUndo(request: PullRequest, ref: string, label: string, copyTheirsAs?: string) {
    return this.merge(request, ref, label, copyTheirsAs).catch((error: unknown) => {
      if (error instanceof OperationFailure) return undefined;
      throw error;
    });
  }

  /** Fetches again; merges main if it moved and every mailbox HEAD still lacks. */
  private async lateArrivals(
    request: PullRequest,
    remote: string,
    remoteRef: string,
    label: string,
  ): Promise<ConflictCopy[]> {
    const conflicts: ConflictCopy[] = [];
    const fetched = await this.git.run("fetch", { remote }, { network: true });
    if (fetched.failed) return conflicts;
    const head = await this.head();
    if (head !== undefined && (await this.countCommits(head, remoteRef)) > 0) {
      const merged = await this.mergeOrUndo(request, remoteRef, label);
      if (!merged) return conflicts;
      conflicts.push(...merged);
    }
    await this.mergeMailboxes(request, await this.mailbox.notIn("HEAD", remote), conflicts);
    return conflicts;
  }

  /** Commits local work (never let a merge meet it uncommitted), then merges `ref`. */
  private async mergeWithLocalWork(
    request: PullRequest,
    ref: string,
    label: string,
    made: LocalCommit[],
    /** HEAD as the caller just read it, to save asking again when nothing is committed. */
    knownHead?: string,
    /** Try git's fast-forward first (see fastForward) when nothing local needs a commit. */
    fastForwardLikely = false,
    /** The engine knows the tree clean (PullRequest.treeClean): try it before any status. */
    treeClean = false,
  ) {
    const startHead = knownHead ?? (await this.head());
    let known: string[] | undefined;
    if (fastForwardLikely && treeClean && startHead !== undefined) {
      // git's fast-forward refuses, touching nothing, to overwrite a file changed since the
      // engine's last look, and leaves every other change where it is for the engine to commit:
      // no status needed before it. The diff only reads commits, so it runs alongside.
      const [moved, incoming] = await Promise.all([
        this.fastForward(ref),
        this.incomingPaths(startHead, ref),
      ]);
      if (moved) return { oldHead: startHead, conflicts: [], incoming };
      known = incoming;
      fastForwardLikely = false; // refused once: the careful way from here
    }
    // Both only read: what is uncommitted here, and what the merge brings.
    const [local, incoming] = await Promise.all([
      this.localChanges(),
      known ?? this.incomingPaths(startHead, ref),
    ]);
    let oldHead = startHead;
    if (local.length > 0) {
      await this.refuseMassDeletion(local);
      const head = await this.commitEntries(local, request.commitMessage);
      if (head !== undefined) {
        made.push({ head, entries: await this.withSizes(local), message: request.commitMessage });
        oldHead = head;
      }
    }
    if (fastForwardLikely && oldHead === startHead && (await this.fastForward(ref))) {
      return { oldHead, conflicts: [], incoming };
    }
    // What differs between the local commit and `ref` is what came in or what it committed;
    // the first commit of an unborn branch has no diff taken before it.
    const candidates =
      incoming === undefined
        ? await this.incomingPaths(oldHead, ref)
        : oldHead !== startHead
          ? [
              ...new Set([
                ...incoming,
                ...local.flatMap((e) => (e.from ? [e.path, e.from] : [e.path])),
              ]),
            ]
          : incoming;
    const moved =
      oldHead === undefined ? [] : await this.moveIgnoredFilesAside(candidates ?? [], request);
    let merged: ConflictCopy[];
    try {
      merged = await this.merge(request, ref, label);
    } catch (error) {
      const racing =
        error instanceof MergeRefused ? await this.commitRacingEdits(request) : undefined;
      if (!racing) throw error;
      made.push(racing);
      oldHead = racing.head;
      merged = await this.merge(request, ref, label);
    }
    const conflicts = [...moved, ...merged];
    return { oldHead, conflicts, incoming: oldHead === startHead ? incoming : undefined };
  }

  /**
   * The user saved a file between the commit of local work and the merge, and git refused the
   * merge, touching nothing ("Your local changes … would be overwritten"). That edit is
   * committed like the rest, so the merge can run once more on a clean tree. Undefined when
   * nothing new is there: then the refusal had another cause and stands.
   */
  private async commitRacingEdits(request: PullRequest): Promise<LocalCommit | undefined> {
    const local = await this.localChanges();
    if (local.length === 0) return undefined;
    await this.refuseMassDeletion(local);
    const head = await this.commitEntries(local, request.commitMessage);
    if (head === undefined) return undefined;
    return { head, entries: await this.withSizes(local), message: request.commitMessage };
  }

  private async incomingPaths(from: string | undefined, ref: string) {
    if (from === undefined) return undefined;
    return splitNul((await this.git.ok("changedPaths", { from, to: ref })).stdout);
  }

  /**
   * A fast-forward without the look for ignored files in the way: git refuses it, touching
   * nothing, when it would overwrite an ignored or untracked file or is no fast-forward at all;
   * then the caller's careful merge takes over. True when HEAD is now at or past `ref`.
   */
  private async fastForward(ref: string): Promise<boolean> {
    if (!this.git.has("fastForward")) return false;
    const argv = this.git.argv("fastForward", { ref });
    // An override without these would overwrite an ignored file, or merge for real.
    if (!argv.includes("--ff-only") || !argv.includes("--no-overwrite-ignore")) return false;
    const result = await this.git.runArgv(argv);
    if (!result.failed) return true;
    if (await this.mergeInProgress()) throw commandFailure(result);
    return false;
  }

  /**
   * Fetches the announcing machine's HEAD and merges it like the remote's, keeping both sides
   * of a conflict. Never fails the pull: a peer that is asleep, unreachable, slow or refused
   * only yields a report, and the central remote is pulled next as always.
   */
  private async pullFromOrigin(
    request: PullRequest,
    origin: PullOrigin,
    made: LocalCommit[],
  ): Promise<OriginOutcome> {
    const url = origin.url;
    const shown = stripCredentials(url);
    const report = (outcome: PullOriginReport["outcome"], detail?: string): OriginOutcome => ({
      report: { url: shown, outcome, ...(detail !== undefined ? { detail } : {}) },
      conflicts: [],
    });
    // The URL came over the network: it must never become an option or a command.
    if (!isSafePullUrl(url)) return report("rejected");
    const head = await this.head();
    if (head === undefined) return report("failed", operationsMessages.originNoLocalCommit);
    if (origin.head !== undefined && /^[0-9a-f]{40,64}$/.test(origin.head)) {
      const missing = await this.git.run("countCommits", { from: head, to: origin.head });
      if (!missing.failed && missing.stdout.trim() === "0") return report("up-to-date");
    }
    const program = this.git.argv("fetch", { remote: "origin" })[0] ?? "git";
    const fetched = await this.options.runner.run(
      [program, "fetch", "--quiet", "--no-tags", "--", url, "HEAD"],
      {
        cwd: this.root,
        // Only real transports: no ext:: or fd:: helper, whatever the user's git config allows.
        env: { ...this.options.recipe.env, GIT_ALLOW_PROTOCOL: "file:git:ssh:http:https" },
        timeoutMs: Math.min(this.options.networkTimeoutMs ?? ORIGIN_TIMEOUT_MS, ORIGIN_TIMEOUT_MS),
      },
    );
    if (fetched.failed) {
      return report(
        "failed",
        gitOfflineReason(fetched) ??
          (fetched.stderr.trim().split("\n").pop() || fetched.shortMessage),
      );
    }
    const fetchedHead = await this.resolve("FETCH_HEAD");
    if (fetchedHead === undefined) return report("failed", "no FETCH_HEAD");
    if ((await this.countCommits(head, fetchedHead)) === 0) return report("up-to-date");
    try {
      const { conflicts } = await this.mergeWithLocalWork(request, fetchedHead, shown, made);
      return { report: { url: shown, outcome: "merged" }, conflicts };
    } catch (error) {
      // The merge was undone (see merge); the central pull below tries its own.
      if (error instanceof OperationFailure) return report("failed", error.message);
      throw error;
    }
  }

  /** Folds what the origin brought into the central pull's result. */
  private async withOrigin(
    result: PullResult,
    startHead: string | undefined,
    fromOrigin: OriginOutcome | undefined,
  ): Promise<PullResult> {
    if (!fromOrigin) return result;
    if (fromOrigin.report.outcome !== "merged") return { ...result, origin: fromOrigin.report };
    const head = (await this.head()) ?? result.head;
    return {
      ...result,
      outcome: "updated",
      head,
      changedPaths: await this.changedPaths(startHead, head),
      conflicts: [...fromOrigin.conflicts, ...result.conflicts],
      origin: fromOrigin.report,
    };
  }

  /**
   * git overwrites an ignored, untracked file without a word when the merge brings a tracked
   * file at the same path (a `.env` ignored here, force-added on another machine). Such a file
   * is moved to its conflict-copy name first, and that name is added to .git/info/exclude so the
   * local-only content (maybe a secret) stays local-only. The move survives a failed merge on
   * purpose: `git merge --abort` would delete the file the merge put there.
   */
  private async moveIgnoredFilesAside(
    /** The paths that differ between HEAD and what is merged. */
    incoming: readonly string[],
    request: PullRequest,
  ): Promise<ConflictCopy[]> {
    if (!this.git.has("ignoredPaths")) return [];
    // Only a path that exists here can be an ignored file in the way: files that arrive new
    // (the usual case) need no `ls-files` process.
    const present: string[] = [];
    await Promise.all(
      incoming.map(async (path) => {
        if (await lstat(join(this.root, path)).catch(() => undefined)) present.push(path);
      }),
    );
    const endangered: string[] = [];
    for (const chunk of chunkPaths(present)) {
      endangered.push(...splitNul((await this.git.ok("ignoredPaths", { paths: chunk })).stdout));
    }
    const moved: ConflictCopy[] = [];
    for (const path of endangered) {
      const absolute = join(this.root, path);
      const info = await lstat(absolute).catch(() => undefined);
      if (!info?.isFile()) continue;
      const written = await writeConflictCopy({
        root: this.root,
        path,
        host: request.host,
        nowMs: request.nowMs,
        content: await readFile(absolute),
        mode: info.mode & 0o777,
      });
      await this.excludeLocally(written.copyPath);
      await rm(absolute);
      moved.push({ path, copyPath: written.copyPath, kind: "both-added" });
    }
    return moved;
  }

  private async excludeLocally(path: string) {
    // A newline cannot be written in an exclude pattern; such a copy stays merely untracked.
    if (path.includes("\n")) return;
    const escaped = path.replace(/[\\*?[\]!#]/g, "\\$&").replace(/ $/, "\\ ");
    const exclude = join(await this.gitDir(), "info", "exclude");
    await mkdir(dirname(exclude), { recursive: true });
    await appendFile(
      exclude,
      `\n# autosync: local-only conflict copy of an ignored file\n/${escaped}\n`,
    );
  }

  /**
   * The commit before a merge is not seen by the engine's deletion guard, so it applies the
   * same rule: an emptied or half-unmounted tree must not be committed (and then pushed to
   * every machine) just because a pull came in first.
   */
  private async refuseMassDeletion(local: readonly StatusEntry[]) {
    if (!local.some((entry) => entry.action === "deleted")) return;
    const tracked = splitNul((await this.git.ok("trackedCount", { paths: [] })).stdout).length;
    const verdict = checkDeletions(local, tracked, this.options.deletionGuard ?? DEFAULT_GUARD);
    if (!verdict.ok) {
      throw new OperationFailure(operationsMessages.pullDeletionGuard(verdict.deleted, tracked));
    }
  }

  private pullResult(
    outcome: PullResult["outcome"],
    head: string | undefined,
    changedPaths: string[],
    conflicts: ConflictCopy[],
    needsPush: boolean,
  ): PullResult {
    return { kind: "pull", outcome, head: head ?? "", changedPaths, conflicts, needsPush };
  }

  /**
   * Merges the remote branch. On conflicts, every unmerged path is resolved by keeping both
   * sides and the merge is committed; if anything fails on the way, the merge is aborted and
   * the conflict copies written so far are removed, so the working copy is as it was.
   */
  private async merge(
    request: PullRequest,
    remoteRef: string,
    remoteName: string,
    /** A mailbox's merge: its version is the copy, named for its host; ours stays at the path. */
    copyTheirsAs?: string,
  ) {
    const message = operationsMessages.mergeMessage(request.host, remoteName);
    const journal = await this.journal();
    await journal.begin();
    const merged = await this.runWithIdentity("merge", { ref: remoteRef, message });
    if (!merged.failed) {
      await journal.end();
      return [];
    }
    // A merge git refused before touching anything (e.g. an untracked file in the way).
    if (!(await this.mergeInProgress())) {
      await journal.end();
      throw MergeRefused.from(commandFailure(merged));
    }

    const createdCopies: string[] = [];
    try {
      const conflicts = await this.keepBoth(
        request,
        remoteRef,
        async (copyPath) => {
          createdCopies.push(copyPath);
          await journal.addCopy(copyPath);
        },
        copyTheirsAs,
      );
      const fullMessage = operationsMessages.mergeCommitMessage(message, conflicts);
      // git refuses to commit while a path is still unmerged, so no look before the commit:
      // one process less per merge, which the merger of many mailboxes pays once per mailbox.
      const committed = await this.runWithIdentity("commit", { message: fullMessage });
      if (committed.failed) {
        const remaining = await this.unmergedPaths();
        if (remaining.size > 0)
          throw new OperationFailure(operationsMessages.unresolved([...remaining.keys()]));
        throw commandFailure(committed);
      }
      if (await this.mergeInProgress())
        throw new OperationFailure(
          operationsMessages.mergeFailed("merge still in progress after commit"),
        );
      await journal.end();
      return conflicts;
    } catch (error) {
      await this.abortMerge(createdCopies);
      await journal.end();
      const reason = error instanceof Error ? error.message : String(error);
      throw new OperationFailure(
        operationsMessages.mergeFailed(reason),
        error instanceof OperationFailure ? error.command : undefined,
      );
    }
  }

  private async abortMerge(createdCopies: readonly string[]) {
    await this.git.run("mergeAbort");
    await removeCreatedCopies(this.root, createdCopies);
  }

  private async journal(): Promise<GitMergeJournal> {
    return new GitMergeJournal(join(await this.gitDir(), "autosync-merge.json"));
  }

  /**
   * Undoes a merge of ours that a crash interrupted (see GitMergeJournal). Copies that the merge
   * did not commit are removed: their bytes are in the commit made before the merge.
   */
  private async recoverInterruptedMerge(): Promise<void> {
    const journal = await this.journal();
    const open = await journal.read();
    if (!open) return;
    const unmerged = await this.unmergedPaths();
    if ((await this.mergeInProgress()) || unmerged.size > 0) {
      await this.saveHandResolutions(unmerged);
      const aborted = await this.git.run("mergeAbort");
      if (aborted.failed) throw commandFailure(aborted);
    }
    const tracked = new Set<string>();
    for (const chunk of chunkPaths(open.copies)) {
      const result = await this.git.ok("trackedCount", { paths: chunk });
      for (const path of splitNul(result.stdout)) tracked.add(path);
    }
    await removeCreatedCopies(
      this.root,
      open.copies.filter((copy) => !tracked.has(copy)),
    );
    await journal.end();
  }

  /**
   * While autosync was down the user may have resolved a conflicted file by hand (it holds no
   * markers any more). The abort would overwrite it with the pre-merge version, so such a file
   * is first kept as a conflict copy; a file still holding markers is git's, not the user's.
   */
  private async saveHandResolutions(unmerged: Map<string, Map<number, StageEntry>>) {
    for (const [path, stages] of unmerged) {
      const bytes = await readFile(join(this.root, path)).catch(() => undefined);
      if (!bytes || bytes.includes("<<<<<<< ")) continue;
      const ours = stages.get(2);
      if (ours) {
        const local = await this.git.run(
          "showVersion",
          { object: ours.object, path },
          { binaryOutput: true },
        );
        if (!local.failed && local.stdoutBytes && Buffer.from(local.stdoutBytes).equals(bytes))
          continue;
      }
      await writeConflictCopy({
        root: this.root,
        path,
        host: this.host,
        nowMs: this.now(),
        content: bytes,
      });
    }
  }

  private async keepBoth(
    request: PullRequest,
    remoteRef: string,
    onCopyCreated: (copyPath: string) => Promise<void>,
    copyTheirsAs?: string,
  ): Promise<ConflictCopy[]> {
    const conflicts: ConflictCopy[] = [];
    for (const [path, stages] of await this.unmergedPaths()) {
      const base = stages.get(1);
      const ours = stages.get(2);
      const theirs = stages.get(3);
      const beside =
        ours && theirs ? undefined : await this.besideDirectory(path, ours ?? theirs, remoteRef);
      if (beside) {
        // git's directory/file conflict: it wrote the file beside the directory as
        // `name~<branch>`. The file gets the conflict-copy name every other kept side has,
        // and the `~` name (whose bytes the copy now holds) goes.
        const written = await writeConflictCopy({
          root: this.root,
          path: beside.directory,
          host: request.host,
          nowMs: request.nowMs,
          content: beside.content,
          mode: beside.mode,
        });
        if (written.created) await onCopyCreated(written.copyPath);
        await rm(join(this.root, path), { force: true });
        await this.git.ok("markResolved", { paths: [path, written.copyPath] });
        conflicts.push({
          path: beside.directory,
          copyPath: written.copyPath,
          kind: "directory-file",
        });
      } else if (ours && theirs) {
        const kind = base ? "both-modified" : "both-added";
        let copyPath: string | undefined;
        // Same bytes on both sides need no copy; a conflict copy is never conflicted again
        // (its local side stays in history, in the commit made before the merge); a
        // submodule has no bytes to copy. The copy of a symlink is a file holding its target.
        const copied = copyTheirsAs === undefined ? ours : theirs;
        if (
          ours.object !== theirs.object &&
          !isConflictCopy(path) &&
          copied.mode !== GITLINK_MODE
        ) {
          const bytes = await this.git.ok(
            "showVersion",
            { object: copied.object, path },
            { binaryOutput: true },
          );
          const written = await writeConflictCopy({
            root: this.root,
            path,
            host: copyTheirsAs ?? request.host,
            nowMs: request.nowMs,
            content: bytes.stdoutBytes ?? new TextEncoder().encode(bytes.stdout),
            mode: copied.mode === "100755" ? 0o755 : 0o644,
          });
          if (written.created) await onCopyCreated(written.copyPath);
          copyPath = written.copyPath;
        }
        await this.git.ok(copyTheirsAs === undefined ? "takeTheirs" : "takeOurs", {
          paths: [path],
        });
        await this.git.ok("markResolved", { paths: copyPath ? [path, copyPath] : [path] });
        conflicts.push(copyPath ? { path, copyPath, kind } : { path, kind });
      } else if (ours) {
        // Modified here, deleted (or renamed away) there: the local version stays at its path.
        await this.git.ok("takeOurs", { paths: [path] });
        await this.git.ok("markResolved", { paths: [path] });
        conflicts.push({ path, copyPath: path, kind: "deleted-remotely" });
      } else if (theirs) {
        // Deleted here, modified there: the modified file comes back.
        await this.git.ok("takeTheirs", { paths: [path] });
        await this.git.ok("markResolved", { paths: [path] });
        conflicts.push({ path, kind: "deleted-locally" });
      } else {
        // Deleted on both sides (a rename/rename split): nothing to keep.
        await this.git.ok("markResolved", { paths: [path] });
      }
    }
    return conflicts;
  }

  /**
   * The bytes of a file git moved to `name~<branch>` because a directory took `name`; undefined
   * for any other one-sided conflict (and for submodules, which have no bytes).
   */
  private async besideDirectory(path: string, side: StageEntry | undefined, remoteRef: string) {
    const match = /^(.+)~([^/~]+)$/.exec(path);
    const [, directory, suffix = ""] = match ?? [];
    if (!side || side.mode === GITLINK_MODE || directory === undefined) return undefined;
    // git names the side: `HEAD` or the merged ref with `/` as `_`, plus `_<n>` when taken. A
    // user's own `notes~draft` next to a `notes/` folder is no such file.
    const named = (label: string) =>
      suffix === label ||
      (suffix.startsWith(`${label}_`) && /^\d+$/.test(suffix.slice(label.length + 1)));
    if (!named("HEAD") && !named(remoteRef.replaceAll("/", "_"))) return undefined;
    const info = await lstat(join(this.root, directory)).catch(() => undefined);
    if (!info?.isDirectory()) return undefined;
    const onDisk = await readFile(join(this.root, path)).catch(() => undefined);
    const version = await this.git.ok(
      "showVersion",
      { object: side.object, path },
      { binaryOutput: true },
    );
    const content = version.stdoutBytes ?? new TextEncoder().encode(version.stdout);
    // Only what git wrote there: anything else at that name is the user's and stays.
    if (!onDisk || !Buffer.from(content).equals(onDisk)) return undefined;
    return { directory, content, mode: side.mode === "100755" ? 0o755 : 0o644 };
  }

  /** Unmerged paths → stage number (1 base, 2 ours, 3 theirs) → version. */
  private async unmergedPaths(): Promise<Map<string, Map<number, StageEntry>>> {
    const result = await this.git.ok("listUnmerged");
    const paths = new Map<string, Map<number, StageEntry>>();
    for (const record of splitNul(result.stdout)) {
      const match = /^(\d+) ([0-9a-f]+) (\d)\t([\s\S]*)$/.exec(record);
      if (!match) continue;
      const [, mode = "", object = "", stage = "0", path = ""] = match;
      const stages = paths.get(path) ?? new Map<number, StageEntry>();
      stages.set(Number(stage), { mode, object });
      paths.set(path, stages);
    }
    return paths;
  }

  private async changedPaths(from: string | undefined, to: string): Promise<string[]> {
    if (from === undefined) {
      // First pull into an empty clone: everything that arrived is new.
      return splitNul((await this.git.ok("trackedCount", { paths: [] })).stdout);
    }
    return splitNul((await this.git.ok("changedPaths", { from, to })).stdout);
  }

  // ---- small queries ------------------------------------------------------------------------

  private async head(): Promise<string | undefined> {
    const dirs = await this.gitDirs();
    const ref = await readHeadRef(dirs);
    if (ref && "detached" in ref) return ref.detached;
    if (ref) {
      const id = await readRef(dirs, `refs/heads/${ref.branch}`);
      if (id !== undefined) return id ?? undefined;
    }
    const result = await this.git.run("head");
    const head = result.stdout.trim();
    return result.failed || head === "" ? undefined : head;
  }

  private async resolve(ref: string): Promise<string | undefined> {
    if (ref.startsWith("refs/")) {
      const id = await readRef(await this.gitDirs(), ref);
      if (id !== undefined) return id ?? undefined;
    }
    const result = await this.git.run("resolveRef", { ref });
    const id = result.stdout.trim();
    return result.failed || id === "" ? undefined : id;
  }

  private async currentBranch(): Promise<string> {
    const branch = await this.branchName();
    if (branch === undefined) throw new OperationFailure(operationsMessages.detachedHead);
    return branch;
  }

  private async branchName(): Promise<string | undefined> {
    const ref = await readHeadRef(await this.gitDirs());
    if (ref) return "branch" in ref ? ref.branch : undefined;
    const result = await this.git.run("branch");
    return result.failed ? undefined : result.stdout.trim() || undefined;
  }

  private async mergeInProgress(): Promise<boolean> {
    const known = await mergeHeadExists(await this.gitDirs());
    if (known !== undefined) return known;
    return !(await this.git.run("mergeInProgress")).failed;
  }

  private async countCommits(from: string, to: string): Promise<number> {
    const result = await this.git.ok("countCommits", { from, to });
    return Number.parseInt(result.stdout.trim(), 10) || 0;
  }

  /** The branch's upstream, else `origin` (or the only remote) with the same branch name. */
  private async upstream(branch: string): Promise<GitUpstream> {
    if (this.cachedUpstream?.branch === branch) return this.cachedUpstream.upstream;
    const upstream = await findGitUpstream(this.git, branch);
    this.cachedUpstream = { branch, upstream };
    return upstream;
  }

  /**
   * Runs a push or fetch against the cached upstream. When it fails, the remote facts are
   * forgotten (the remote may have been renamed, removed or re-pointed) and, if the upstream
   * asked afresh differs from the one used, the command runs once more against it.
   */
  private async withRemote(
    branch: string,
    command: (upstream: GitUpstream) => Promise<CommandResult>,
  ): Promise<CommandResult> {
    const used = await this.upstream(branch);
    const result = await command(used);
    if (!result.failed) return result;
    this.forgetRemoteFacts();
    const fresh = await this.upstream(branch).catch(() => used);
    if (fresh.remote === used.remote && fresh.remoteBranch === used.remoteBranch) return result;
    return command(fresh);
  }

  private forgetRemoteFacts(): void {
    this.cachedUpstream = undefined;
    this.cachedRemoteUrl = undefined;
  }

  /** Drops what the config file holds when someone (the user, another tool) changed it. */
  private async dropFactsIfConfigChanged(): Promise<void> {
    const stamp = await fileStamp([configPath(await this.gitDirs())]);
    if (stamp === this.configSeen) return;
    this.forgetRemoteFacts();
    this.identityConfigured = false;
    this.configSeen = stamp;
  }

  // ---- describe, locks ----------------------------------------------------------------------

  /**
   * Facts for announcements, from the files and the caches: after a push (when the runner asks)
   * it runs no process at all unless history arrived from elsewhere (new roots are looked for
   * among the new commits only) or the config changed (the remote URL is asked again).
   */
  async describe(): Promise<RepoDescription> {
    await this.dropFactsIfConfigChanged();
    const head = await this.head();
    const branch = await this.branchName();
    const repositoryId = head === undefined ? undefined : await this.repositoryId(head);
    return { repositoryId, remoteUrl: await this.remoteUrl(branch), head, branch };
  }

  /** The smallest root commit: the same in every clone, also after merging unrelated histories. */
  private async repositoryId(head: string): Promise<string | undefined> {
    if (!this.git.has("rootId")) return undefined;
    if (this.roots?.checkedAt !== head) {
      const known = this.roots;
      // Only the commits that arrived since the roots were last counted can hold new ones.
      const since = known
        ? await this.git.runArgv([...this.git.argv("rootId"), `^${known.checkedAt}`])
        : undefined;
      const result = since && !since.failed ? since : await this.git.run("rootId");
      if (result.failed) return undefined;
      const found = result.stdout.split("\n").filter(Boolean);
      const ids = since === result && known ? new Set([...known.ids, ...found]) : new Set(found);
      this.roots = { ids, checkedAt: head };
    }
    return [...this.roots.ids].sort()[0];
  }

  private async remoteUrl(branch: string | undefined): Promise<string | undefined> {
    let remote: string;
    try {
      remote = (await this.upstream(branch ?? "HEAD")).remote;
    } catch {
      return undefined; // no remote configured
    }
    if (this.cachedRemoteUrl?.remote === remote) return this.cachedRemoteUrl.url;
    const result = await this.git.run("remoteUrl", { remote });
    const url =
      !result.failed && result.stdout.trim() !== ""
        ? stripCredentials(result.stdout.trim())
        : undefined;
    this.cachedRemoteUrl = { remote, url };
    return url;
  }

  /** The metadata directory; a linked worktree's `.git` file points elsewhere. */
  private async gitDir(): Promise<string> {
    if (this.cachedGitDir) return this.cachedGitDir;
    const located = this.git.has("metadataPath") ? await this.git.run("metadataPath") : undefined;
    if (located && !located.failed && located.stdout.trim() !== "") {
      this.cachedGitDir = located.stdout.trim();
      return this.cachedGitDir;
    }
    return join(this.root, this.options.recipe.metadataDir);
  }

  private async gitDirs(): Promise<GitDirs> {
    if (this.cachedDirs) return this.cachedDirs;
    const dirs = await locateGitDirs(await this.gitDir());
    // Kept only once git itself named the directory (gitDir's fallback is a guess).
    if (this.cachedGitDir !== undefined) this.cachedDirs = dirs;
    return dirs;
  }

  async recoverStaleLocks(): Promise<string[]> {
    const gitDir = await this.gitDir();
    const locks = await findLockFiles(gitDir, ["refs"]);
    return removeStaleLocks({ locks, workDirs: [this.root, gitDir], processNames: ["git"] });
  }
}

/**
 * The origin's and the remote's merge may each have committed local work first: reported as
 * one commit (the last head, every entry), so the engine sees every commit made here.
 */
function foldCommits(made: readonly LocalCommit[]): LocalCommit | undefined {
  const last = made.at(-1);
  if (last === undefined) return undefined;
  return { head: last.head, entries: made.flatMap((c) => c.entries), message: last.message };
}
