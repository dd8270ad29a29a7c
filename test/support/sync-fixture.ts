import { spawn, execFile, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, readFile, readdir, readlink, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import type { AutosyncEvent } from "../../src/events/autosync-event.js";
import { endChgServersOnExit } from "./chg-servers.js";
import { reapOnExit, type Reaping } from "./exit-reaper.js";
import { makeTempDir } from "./temp-dir.js";
import { waitFor } from "./wait-for.js";

/**
 * A black-box sync rig: one remote, N working copies, one real `autosync run` child per copy.
 * Everything the children and our own DVCS calls see (HOME, identities, global excludes) lives
 * in one temp dir, so a run never depends on the machine's global config and never touches it.
 */

export type Dvcs = "git" | "hg" | "bzr";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const AUTOSYNC_MAIN = join(REPO_ROOT, "dist", "cli", "main.js");
const METADATA_DIR: Record<Dvcs, string> = { git: ".git", hg: ".hg", bzr: ".bzr" };

/** Node ≥ 22 runs the binary; the system node may be older, the devDependency is not. */
export function nodeBinary(): string {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22) return process.execPath;
  return join(REPO_ROOT, "node_modules", ".bin", "node");
}

export interface Timers {
  commitDelay: string;
  maxCommitDelay: string;
  pushDelay: string;
  pullInterval: string;
}

export const FAST_TIMERS: Timers = {
  commitDelay: "300ms",
  maxCommitDelay: "3s",
  pushDelay: "100ms",
  pullInterval: "700ms",
};

export interface FixtureOptions {
  dvcs?: Dvcs;
  /** Working copies; hosts are named alpha, beta, gamma… */
  copies?: number;
  /** Files of the initial commit (besides README.md). */
  seed?: Record<string, string | Buffer>;
  timers?: Partial<Timers>;
  /** Merged into the config's `defaults` (ignore, deletionGuard, largeFiles, watcher…). */
  defaults?: Record<string, unknown>;
  prefix?: string;
  /** Host names of the copies (default alpha, beta, gamma…); may repeat, like cloned VMs. */
  hosts?: string[];
  /** Directory name of each working copy (default `copy-<index>-<host>`). */
  copyDirName?: (index: number, host: string) => string;
}

export interface TestContextLike {
  after(fn: () => unknown): void;
}

const HOSTS = ["alpha", "beta", "gamma", "delta", "epsilon"];

export interface WorkingCopy {
  index: number;
  host: string;
  name: string;
  path: string;
  configPath: string;
  pidfile: string;
  controlSocket: string;
}

export class SyncFixture {
  readonly copies: WorkingCopy[] = [];
  readonly processes: AutosyncProcess[] = [];
  readonly env: NodeJS.ProcessEnv;

  private constructor(
    readonly dir: string,
    readonly dvcs: Dvcs,
    readonly remote: string,
    readonly home: string,
    private readonly options: FixtureOptions,
  ) {
    // chg (the hg recipe's client) leaves a server per environment that outlives the daemon
    // for its idle timeout; it exits within a second of its socket going, so the socket lives
    // in the temp dir that cleanup removes.
    this.env = { ...isolatedEnv(home), CHGSOCKNAME: join(dir, "chg", "server") };
  }

  static async create(t: TestContextLike, options: FixtureOptions = {}): Promise<SyncFixture> {
    const { dir, cleanup } = await makeTempDir(options.prefix ?? "autosync-sync-");
    const dvcs = options.dvcs ?? "git";
    const remote = join(dir, dvcs === "git" ? "remote.git" : "remote");
    const fixture = new SyncFixture(dir, dvcs, remote, join(dir, "home"), options);
    const interrupted = endChgServersOnExit(join(dir, "chg"));
    t.after(async () => {
      await fixture.stopAll();
      await cleanup();
      interrupted.release();
    });
    await fixture.init();
    return fixture;
  }

  get metadataDir(): string {
    return METADATA_DIR[this.dvcs];
  }

  private async init(): Promise<void> {
    await mkdir(join(this.home, ".config", "git"), { recursive: true });
    await mkdir(join(this.dir, "chg"));
    const seed: Record<string, string | Buffer> = {
      "README.md": "# synced\n",
      ...this.options.seed,
    };
    const count = this.options.copies ?? 2;
    if (this.dvcs === "git") {
      await this.run("git", ["init", "--quiet", "--bare", "--initial-branch=main", this.remote]);
      const seedDir = join(this.dir, "seed");
      await this.run("git", ["clone", "--quiet", this.remote, seedDir]);
      await writeTree(seedDir, seed);
      await this.run("git", ["add", "--all"], seedDir);
      // No background `gc --auto` after a big seed: it would write into the dir being removed.
      await this.run(
        "git",
        ["-c", "gc.auto=0", "commit", "--quiet", "-m", "Initial commit"],
        seedDir,
      );
      await this.run("git", ["-c", "gc.auto=0", "push", "--quiet", "origin", "HEAD:main"], seedDir);
      await rm(seedDir, { recursive: true, force: true, maxRetries: 5 });
    } else if (this.dvcs === "hg") {
      await this.run("hg", ["init", this.remote]);
      await writeTree(this.remote, seed);
      await this.run("hg", ["add", "--quiet"], this.remote);
      await this.run("hg", ["commit", "--quiet", "-m", "Initial commit"], this.remote);
    } else {
      // The central branch has no working tree, like one on a server (sftp://, bzr+ssh://):
      // a push into a local branch with a tree would also update and lock that tree.
      const seedDir = join(this.dir, "seed");
      await this.run("brz", ["init", "--quiet", seedDir]);
      await writeTree(seedDir, seed);
      await this.run("brz", ["add", "--quiet"], seedDir);
      await this.run("brz", ["commit", "--quiet", "-m", "Initial commit"], seedDir);
      await this.run("brz", ["push", "--quiet", "--no-tree", this.remote], seedDir);
      await rm(seedDir, { recursive: true, force: true, maxRetries: 5 });
    }
    for (let index = 0; index < count; index++) {
      const host = this.options.hosts?.[index] ?? HOSTS[index] ?? `host${index}`;
      const path = join(
        this.dir,
        this.options.copyDirName?.(index, host) ?? `copy-${index}-${host}`,
      );
      if (this.dvcs === "git") await this.run("git", ["clone", "--quiet", this.remote, path]);
      else if (this.dvcs === "hg") await this.run("hg", ["clone", "--quiet", this.remote, path]);
      else await this.run("brz", ["branch", "--quiet", this.remote, path]);
      const cfgDir = join(this.dir, `config-${index}-${host}`);
      await mkdir(cfgDir, { recursive: true });
      const copy: WorkingCopy = {
        index,
        host,
        name: "notes",
        path,
        configPath: join(cfgDir, "autosync.config.yaml"),
        pidfile: join(cfgDir, "autosync.pid"),
        controlSocket: join(cfgDir, "control.sock"),
      };
      await this.writeConfig(copy);
      this.copies.push(copy);
    }
  }

  /** The config a user would write for this copy; `extra` is merged into `defaults`. */
  configFor(copy: WorkingCopy, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const timers = { ...FAST_TIMERS, ...this.options.timers };
    return {
      version: 1,
      host: copy.host,
      defaults: {
        recipe: this.dvcs,
        timers,
        ...this.options.defaults,
        ...extra,
      },
      repositories: [{ path: copy.path, name: copy.name }],
      pidfile: copy.pidfile,
      controlSocket: copy.controlSocket,
    };
  }

  async writeConfig(copy: WorkingCopy, extra: Record<string, unknown> = {}): Promise<void> {
    await writeFile(copy.configPath, stringify(this.configFor(copy, extra)));
  }

  copy(index: number): WorkingCopy {
    const copy = this.copies[index];
    if (!copy) throw new Error(`no working copy ${index}`);
    return copy;
  }

  /** Starts `autosync run` for a copy and waits until it reports being up. */
  async start(
    copyOrIndex: WorkingCopy | number,
    {
      configPath,
      waitReady = true,
      env = {},
    }: { configPath?: string; waitReady?: boolean; env?: NodeJS.ProcessEnv } = {},
  ): Promise<AutosyncProcess> {
    const copy = typeof copyOrIndex === "number" ? this.copy(copyOrIndex) : copyOrIndex;
    const proc = AutosyncProcess.spawn(copy, configPath ?? copy.configPath, {
      ...this.env,
      ...env,
    });
    this.processes.push(proc);
    if (waitReady) await proc.waitReady();
    return proc;
  }

  async startAll(): Promise<AutosyncProcess[]> {
    return Promise.all(this.copies.map((copy) => this.start(copy)));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.processes.map((proc) => proc.destroy()));
  }

  /** Runs a tool with the fixture's isolated environment; throws with stderr on failure. */
  async run(file: string, args: string[], cwd = this.dir): Promise<string> {
    return runTool(file, args, cwd, this.env);
  }

  // ---- the remote, read directly (git only: a bare repository) ----

  /** path → git blob id of the remote's main branch. */
  async remoteTree(ref = "main"): Promise<Map<string, GitTreeEntry>> {
    this.requireGit("remoteTree");
    const out = await this.run("git", ["--git-dir", this.remote, "ls-tree", "-r", "-z", ref]);
    const tree = new Map<string, GitTreeEntry>();
    for (const record of out.split("\0")) {
      if (!record) continue;
      const tab = record.indexOf("\t");
      const [mode, type, id] = record.slice(0, tab).split(" ");
      tree.set(record.slice(tab + 1), { mode: mode ?? "", type: type ?? "", id: id ?? "" });
    }
    return tree;
  }

  async remoteFile(path: string, ref = "main"): Promise<string> {
    this.requireGit("remoteFile");
    return this.run("git", ["--git-dir", this.remote, "show", `${ref}:${path}`]);
  }

  /** Every path any commit on the remote ever added, deleted or changed (merges included). */
  async remoteHistoryPaths(): Promise<Set<string>> {
    this.requireGit("remoteHistoryPaths");
    const out = await this.run("git", [
      "--git-dir",
      this.remote,
      "log",
      "--all",
      "-m",
      "--no-renames",
      "--name-only",
      "--format=",
      "-z",
    ]);
    const paths = new Set<string>();
    for (const raw of out.split("\0")) {
      const path = raw.replace(/^\n+/, "");
      if (path) paths.add(path);
    }
    return paths;
  }

  async remoteCommitCount(ref = "main"): Promise<number> {
    this.requireGit("remoteCommitCount");
    const out = await this.run("git", ["--git-dir", this.remote, "rev-list", "--count", ref]);
    return Number(out.trim());
  }

  async remoteMergeCount(ref = "main"): Promise<number> {
    this.requireGit("remoteMergeCount");
    const args = ["--git-dir", this.remote, "rev-list", "--merges", "--count", ref];
    return Number((await this.run("git", args)).trim());
  }

  /** Each copy's config announces over this MQTT broker (written before `start`). */
  async writeMqttConfigs(url: string, topicPrefix: string): Promise<void> {
    for (const copy of this.copies) {
      const config = { ...this.configFor(copy), channels: { mqtt: { url, topicPrefix } } };
      await writeFile(copy.configPath, stringify(config));
    }
  }

  async remoteHead(ref = "main"): Promise<string> {
    this.requireGit("remoteHead");
    return (await this.run("git", ["--git-dir", this.remote, "rev-parse", ref])).trim();
  }

  /** Lines of any blob in any remote commit that look like merge-conflict markers. */
  async remoteConflictMarkers(): Promise<string> {
    if (this.dvcs === "git") {
      const revs = (await this.run("git", ["--git-dir", this.remote, "rev-list", "--all"]))
        .split("\n")
        .filter(Boolean);
      return grepOutput(
        this.env,
        "git",
        ["--git-dir", this.remote, "grep", "-n", "-E", "^(<<<<<<<|>>>>>>>)( |$)", ...revs],
        this.dir,
      );
    }
    const [file, args] =
      this.dvcs === "hg"
        ? ["hg", ["log", "--patch", "-R", this.remote]]
        : ["brz", ["log", "--include-merged", "-p", this.remote]];
    const patch = await this.run(file, args);
    return patch
      .split("\n")
      .filter((line) => /^\+(<<<<<<<|>>>>>>>)( |$)/.test(line))
      .join("\n");
  }

  private requireGit(what: string): void {
    if (this.dvcs !== "git") throw new Error(`${what} reads a bare git remote`);
  }
}

export interface GitTreeEntry {
  mode: string;
  type: string;
  id: string;
}

// ---- the autosync child process ----

const READY_TIMEOUT_MS = 30_000;

export class AutosyncProcess {
  readonly events: AutosyncEvent[] = [];
  /** stdout lines that were not JSON events (the contract says there are none). */
  readonly strayLines: string[] = [];
  stderr = "";
  exitCode: number | null = null;
  signal: NodeJS.Signals | null = null;
  readonly exited: Promise<void>;
  private stdoutBuffer = "";

  private constructor(
    readonly child: ChildProcess,
    readonly copy: WorkingCopy,
    /** Kills the group if the test process dies before `destroy` runs. */
    private readonly reaping: Reaping,
  ) {
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => this.onStdout(chunk));
    child.stderr?.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
      });
      // `close` waits for stdio to drain, so every event is parsed before a test looks.
      child.on("close", () => {
        if (this.stdoutBuffer) this.onLine(this.stdoutBuffer);
        this.stdoutBuffer = "";
        resolve();
      });
      child.on("error", (error) => {
        this.stderr += `spawn failed: ${error.message}\n`;
        resolve();
      });
    });
  }

  static spawn(copy: WorkingCopy, configPath: string, env: NodeJS.ProcessEnv): AutosyncProcess {
    if (!existsSync(AUTOSYNC_MAIN)) {
      throw new Error(`${AUTOSYNC_MAIN} is missing: run \`npm run build\` first`);
    }
    const child = spawn(
      nodeBinary(),
      [AUTOSYNC_MAIN, "run", "--config", configPath, "--log-format", "json"],
      // Own process group: cleanup (and the crash test) can kill the git children it left.
      { cwd: dirname(configPath), env, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    return new AutosyncProcess(child, copy, reapOnExit(child, { group: true }));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error("autosync did not start");
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === null && this.signal === null && this.child.pid !== undefined;
  }

  private onStdout(chunk: string): void {
    this.stdoutBuffer += chunk;
    let newline: number;
    while ((newline = this.stdoutBuffer.indexOf("\n")) >= 0) {
      this.onLine(this.stdoutBuffer.slice(0, newline));
      this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1);
    }
  }

  private onLine(line: string): void {
    if (!line.trim()) return;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === "object" && "type" in value) {
        this.events.push(value as AutosyncEvent);
        return;
      }
    } catch {
      // not JSON: kept below
    }
    this.strayLines.push(line);
  }

  /** The last events and stderr, for failure messages that explain themselves. */
  describe(lastEvents = 25): string {
    const events = this.events
      .slice(-lastEvents)
      .map((event) => JSON.stringify(event))
      .join("\n  ");
    const status = this.running ? "running" : `exited code=${this.exitCode} signal=${this.signal}`;
    // Interval pulls that find nothing fill the tail of a long wait: what else happened is
    // listed apart, so a timeout still shows the change, commit or error it was waiting after.
    const routine = (event: AutosyncEvent) =>
      ((event.type === "operationStarted" || event.type === "operationFinished") &&
        event.operation === "pull") ||
      event.type === "stateChanged";
    const rest = this.events.filter((event) => !routine(event));
    const other = rest
      .slice(-15)
      .map((event) => JSON.stringify(event))
      .join("\n  ");
    return (
      `autosync[${this.copy.host}] ${status}; ${this.events.length} events, ` +
      `the last ${Math.min(15, rest.length)} other than pulls and state changes:\n  ${other}\n` +
      `last events:\n  ${events}` +
      (this.strayLines.length
        ? `\nnon-JSON stdout:\n  ${this.strayLines.slice(-10).join("\n  ")}`
        : "") +
      (this.stderr ? `\nstderr:\n${this.stderr.slice(-3000)}` : "")
    );
  }

  /**
   * Up = it has said anything about the repository (a state change, an info line): the watcher
   * and the startup sync are its business; tests only need to know it did not die on start.
   */
  async waitReady(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    await this.waitForEvent(
      "autosync to come up",
      (event) => event.type === "stateChanged" || event.type === "info" || event.type === "pulled",
      { timeoutMs },
    );
  }

  /**
   * The startup sync (commit what changed while down, pull, push) has run its pull. A test that
   * must know which quiet period sees its edits starts them after this: the startup commit takes
   * a snapshot without a quiet period, so edits racing it are split over two commits.
   */
  async waitStartupSync(timeoutMs = 30_000): Promise<void> {
    await this.waitForEvent(
      "the startup pull to finish",
      (event) => event.type === "operationFinished" && event.operation === "pull",
      { timeoutMs },
    );
  }

  /** Waits until the channel (mqtt, xmpp) says it is connected. */
  async waitChannelConnected(channel: string, timeoutMs = 30_000): Promise<void> {
    await this.waitForEvent(
      `${this.copy.host} to connect over ${channel}`,
      (event) =>
        event.type === "channelStatus" && event.channel === channel && event.status === "connected",
      { timeoutMs },
    );
  }

  /** Waits for an event matching `predicate` at index ≥ `since`; fails at once if it exits. */
  async waitForEvent<E extends AutosyncEvent>(
    what: string,
    predicate: (event: AutosyncEvent) => event is E,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<E>;
  async waitForEvent(
    what: string,
    predicate: (event: AutosyncEvent) => boolean,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<AutosyncEvent>;
  async waitForEvent(
    what: string,
    predicate: (event: AutosyncEvent) => boolean,
    { timeoutMs = 30_000, since = 0 }: { timeoutMs?: number; since?: number } = {},
  ): Promise<AutosyncEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(since).find(predicate);
      if (found) return found;
      if (!this.running) {
        await this.exited;
        const late = this.events.slice(since).find(predicate);
        if (late) return late;
        throw new Error(`autosync exited while waiting for ${what}\n${this.describe()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.describe()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  eventsOf<T extends AutosyncEvent["type"]>(type: T): Extract<AutosyncEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<AutosyncEvent, { type: T }> => {
      return event.type === type;
    });
  }

  /** Waits for the exit; returns the code (or the signal's name). */
  async waitExit(timeoutMs = 20_000): Promise<number | NodeJS.Signals | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const result = await Promise.race([this.exited.then(() => "exited" as const), timeout]);
    clearTimeout(timer);
    if (result === "timeout") {
      throw new Error(`autosync did not exit within ${timeoutMs} ms\n${this.describe()}`);
    }
    return this.exitCode ?? this.signal;
  }

  /** SIGTERM to the main process only, as a service manager or `kill` would; waits for exit. */
  async stop(timeoutMs = 20_000): Promise<number | NodeJS.Signals | null> {
    if (this.running) this.child.kill("SIGTERM");
    return this.waitExit(timeoutMs);
  }

  /**
   * kill -9. With `group` (default) the DVCS child it was running dies too, as under an OOM kill
   * of the session or a power cut: that is what leaves stale lock files behind.
   */
  async kill9({ group = true }: { group?: boolean } = {}): Promise<void> {
    if (this.running) {
      try {
        if (group) process.kill(-this.pid, "SIGKILL");
        else this.child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    await this.waitExit();
    if (group) this.reaping.release();
  }

  /** Cleanup: stop gracefully, then make sure nothing of ours survives. */
  async destroy(): Promise<void> {
    if (this.running) {
      this.child.kill("SIGTERM");
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    try {
      // Our own process group (spawned detached): leftover git/hg/brz children of this run.
      if (this.child.pid !== undefined) process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // the group is empty
    }
    this.reaping.release();
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
}

// ---- files and trees ----

export async function writeTree(root: string, files: Record<string, string | Buffer>) {
  for (const [path, content] of Object.entries(files)) await writeFileIn(root, path, content);
}

export async function writeFileIn(root: string, path: string, content: string | Buffer) {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
}

/** Writes `count` files as fast as the disk takes them, 64 at a time, spread over directories. */
export async function writeBurst(root: string, count: number, prefix = "burst"): Promise<string[]> {
  const paths = Array.from(
    { length: count },
    (_, i) => `${prefix}/dir-${String(i % 40).padStart(2, "0")}/file-${i}.txt`,
  );
  for (let start = 0; start < paths.length; start += 64) {
    await Promise.all(
      paths.slice(start, start + 64).map((path) => writeFileIn(root, path, `${path}\n`)),
    );
  }
  return paths;
}

export async function readFileIn(root: string, path: string): Promise<string | undefined> {
  try {
    return await readFile(join(root, path), "utf8");
  } catch {
    return undefined;
  }
}

/**
 * path → content hash of every file under `root` (symlinks by target), skipping the metadata
 * directory at the top. Compare two of these to compare two trees by content.
 */
export async function treeDigest(root: string, skip: string[] = [".git", ".hg", ".bzr"]) {
  const digest = new Map<string, string>();
  async function walk(dir: string, prefix: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (!prefix && skip.includes(entry.name)) continue;
      const full = join(dir, entry.name);
      if (entry.isSymbolicLink()) digest.set(rel, `link:${await readlink(full)}`);
      else if (entry.isDirectory()) await walk(full, rel);
      else if (entry.isFile()) digest.set(rel, gitBlobId(await readFile(full)));
    }
  }
  await walk(root, "");
  return digest;
}

/** git's blob id of a content: lets a working tree be compared with `ls-tree` without git. */
export function gitBlobId(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

/** A readable difference between two digests, empty when they are equal. */
export function diffDigests(
  left: Map<string, string>,
  right: Map<string, string>,
  names: [string, string] = ["left", "right"],
): string {
  const problems: string[] = [];
  for (const [path, id] of left) {
    const other = right.get(path);
    if (other === undefined) problems.push(`only in ${names[0]}: ${JSON.stringify(path)}`);
    else if (other !== id) problems.push(`differs: ${JSON.stringify(path)}`);
  }
  for (const path of right.keys()) {
    if (!left.has(path)) problems.push(`only in ${names[1]}: ${JSON.stringify(path)}`);
  }
  return (
    problems.slice(0, 20).join("\n") +
    (problems.length > 20 ? `\n… ${problems.length} differences` : "")
  );
}

/** The remote's tree as the same path → blob id digest (files and symlinks). */
export function remoteDigest(tree: Map<string, GitTreeEntry>): Map<string, string> {
  return new Map([...tree].map(([path, entry]) => [path, entry.id]));
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Waits until every given copy holds the same tree (by content) and returns it. */
export async function waitForConvergence(
  fixture: SyncFixture,
  copies: WorkingCopy[] = fixture.copies,
  timeoutMs = 45_000,
  /** Paths that exist on one machine only by design (files autosync deliberately ignores). */
  exclude: (path: string) => boolean = () => false,
): Promise<Map<string, string>> {
  let detail = "";
  try {
    return await waitFor(
      "all working copies to hold identical trees",
      async () => {
        const digests = await Promise.all(
          copies.map(async (copy) => {
            const digest = await treeDigest(copy.path);
            for (const path of digest.keys()) if (exclude(path)) digest.delete(path);
            return digest;
          }),
        );
        const first = digests[0];
        if (!first) return undefined;
        for (let index = 1; index < digests.length; index++) {
          const other = digests[index];
          if (!other) continue;
          detail = diffDigests(first, other, [copies[0]!.host, copies[index]!.host]);
          if (detail) return undefined;
        }
        return first;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (error) {
    const processes = fixture.processes.map((proc) => proc.describe(15)).join("\n");
    throw new Error(`${(error as Error).message}\n${detail}\n${processes}`, { cause: error });
  }
}

// ---- tools ----

export function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    // Anything a surrounding git hook, hg or brz session, or an autosync user set would leak in.
    if (/^(GIT_|HG|BRZ_|BZR_|AUTOSYNC_|XDG_)/.test(key)) delete env[key];
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Autosync Test",
    GIT_AUTHOR_EMAIL: "autosync-test@example.invalid",
    GIT_COMMITTER_NAME: "Autosync Test",
    GIT_COMMITTER_EMAIL: "autosync-test@example.invalid",
    HGUSER: "Autosync Test <autosync-test@example.invalid>",
    BRZ_EMAIL: "Autosync Test <autosync-test@example.invalid>",
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
  };
}

export function runTool(
  file: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env, maxBuffer: 512 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`${file} ${args.join(" ")} (in ${cwd}) failed: ${error.message}\n${stderr}`),
          );
        } else resolve(stdout);
      },
    );
  });
}

/** Like runTool, but exit 1 with no output is "nothing found" (grep's convention). */
function grepOutput(env: NodeJS.ProcessEnv, file: string, args: string[], cwd: string) {
  return new Promise<string>((resolve, reject) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as { code?: unknown }).code !== 1) {
        reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
      } else resolve(stdout);
    });
  });
}

/** Waits until `path` in a working copy holds exactly `content`. */
export async function waitForContent(
  fixture: SyncFixture,
  copy: WorkingCopy,
  path: string,
  content: string,
  timeoutMs = 30_000,
): Promise<void> {
  try {
    await waitFor(
      `${JSON.stringify(path)} in ${copy.host} to hold the new content`,
      async () => (await readFileIn(copy.path, path)) === content,
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    const processes = fixture.processes.map((proc) => proc.describe(15)).join("\n");
    throw new Error(`${(error as Error).message}\n${processes}`, { cause: error });
  }
}

/** Waits until `path` is gone from a working copy. */
export async function waitForAbsent(
  fixture: SyncFixture,
  copy: WorkingCopy,
  path: string,
  timeoutMs = 30_000,
): Promise<void> {
  try {
    await waitFor(
      `${JSON.stringify(path)} to disappear from ${copy.host}`,
      async () => !(await pathExists(join(copy.path, path))),
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    const processes = fixture.processes.map((proc) => proc.describe(15)).join("\n");
    throw new Error(`${(error as Error).message}\n${processes}`, { cause: error });
  }
}

/** Waits until the remote's main branch satisfies `check` (git); returns its tree. */
export async function waitForRemote(
  fixture: SyncFixture,
  what: string,
  check: (tree: Map<string, GitTreeEntry>) => boolean,
  timeoutMs = 30_000,
): Promise<Map<string, GitTreeEntry>> {
  try {
    return await waitFor(
      what,
      async () => {
        const tree = await fixture.remoteTree();
        return check(tree) ? tree : undefined;
      },
      { timeoutMs, intervalMs: 150 },
    );
  } catch (error) {
    const processes = fixture.processes.map((proc) => proc.describe(15)).join("\n");
    throw new Error(`${(error as Error).message}\n${processes}`, { cause: error });
  }
}
