import { execa } from "execa";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { OperationRequest, OperationResult } from "../src/engine/operation.js";
import { createOperations } from "../src/operations/create-operations.js";
import type { RepoOperations } from "../src/operations/repo-operations.js";
import type { BUILTIN_RECIPES } from "../src/recipes/load-recipe.js";
import { loadRecipe } from "../src/recipes/load-recipe.js";
import { processRunner, type CommandRunner } from "../src/runtime/command-runner.js";
import { stringify } from "yaml";
import { AutosyncProcess, isolatedEnv, type WorkingCopy } from "../test/support/sync-fixture.js";
import { makeTempDir } from "../test/support/temp-dir.js";
import { withScope, type BenchScope } from "./bench-scope.js";
import { largeTreePath, largeTreeSizes, writeLargeTree } from "./large-tree.js";
import { summarize, type Summary } from "./percentiles.js";
import { sampleProc } from "./proc-stats.js";

export type Dvcs = (typeof BUILTIN_RECIPES)[number];

/** One operation beside the commands a person would type for the same result. */
export interface OperationRow {
  dvcs: Dvcs;
  operation: string;
  /** What the raw side ran, as typed. */
  raw: string;
  autosync: Summary;
  rawTime: Summary;
  /** autosync p50 / raw p50. */
  ratio: number;
  /** Child processes autosync started per operation (from the command runner; median). */
  autosyncProcesses: number;
  rawProcesses: number;
  target: number;
  met: boolean;
}

export interface OperationsResult {
  runs: number;
  rows: OperationRow[];
  failed: { dvcs: Dvcs; message: string }[];
}

const HOST = "bench";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The command runner the daemon uses, counting the processes it starts. */
class CountingRunner implements CommandRunner {
  count = 0;
  constructor(private readonly env: Record<string, string>) {}
  run: CommandRunner["run"] = (argv, options) => {
    this.count++;
    const started = performance.now();
    return processRunner
      .run(argv, { ...options, env: { ...this.env, ...options.env } })
      .then((result) => {
        if (process.env.AUTOSYNC_BENCH_TRACE)
          process.stderr.write(
            `  ${(performance.now() - started).toFixed(0)} ms ${argv.join(" ")}\n`,
          );
        return result;
      });
  };
}

interface World {
  dvcs: Dvcs;
  env: Record<string, string>;
  dir: string;
  /** Runs a raw command (as typed at a shell: one process each) and throws on failure. */
  sh(cwd: string, argv: string[], allowFailure?: boolean): Promise<void>;
  /** A clone of one of two identical remotes: autosync's clones and the raw ones never meet. */
  clone(name: string, remote: "auto" | "raw"): Promise<string>;
  ops(root: string): { ops: RepoOperations; runner: CountingRunner };
}

async function makeWorld(scope: BenchScope, dvcs: Dvcs): Promise<World> {
  const { dir, cleanup } = await makeTempDir(`autosync-bench-ops-${dvcs}-`);
  scope.after(cleanup);
  const home = join(dir, "home");
  await mkdir(home);
  const env: Record<string, string> = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_DATE: "",
    LC_ALL: "C",
    HGRCPATH: join(home, ".hgrc"),
    HGPLAIN: "1",
    BRZ_EMAIL: "Bench <bench@example.invalid>",
    BRZ_LOG: "/dev/null",
  };
  delete env.GIT_AUTHOR_DATE;
  await writeFile(
    join(home, ".gitconfig"),
    // No background `gc --auto` after the large tree's 100,000 loose objects: it would race the
    // measured commits and the removal of the directory.
    "[user]\n\tname = Bench\n\temail = bench@example.invalid\n[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n",
  );
  await writeFile(join(home, ".hgrc"), "[ui]\nusername = Bench <bench@example.invalid>\n");
  const loaded = await loadRecipe(dvcs, { baseDir: dir });
  if (!loaded.ok) throw new Error(`recipe ${dvcs}: ${JSON.stringify(loaded.diagnostics)}`);
  const recipe = loaded.recipe;
  const sh = async (cwd: string, argv: string[], allowFailure = false) => {
    const [file = "", ...args] = argv;
    const result = await execa(file, args, { cwd, env, reject: false });
    if (result.failed && !allowFailure)
      throw new Error(`${argv.join(" ")}: ${String(result.stderr)}`);
  };
  // A first commit, so every clone shares a history; two remotes cloned from it.
  const seed = join(dir, "seed");
  const remotes = { auto: join(dir, "remote-auto"), raw: join(dir, "remote-raw") };
  await mkdir(seed);
  await writeFile(join(seed, "README"), "bench\n");
  if (dvcs === "git") {
    await sh(seed, ["git", "init", "-q", "-b", "main"]);
    await rawCommit(sh, dvcs, seed, "seed");
    for (const remote of Object.values(remotes))
      await sh(dir, ["git", "clone", "-q", "--bare", seed, remote]);
  } else if (dvcs === "hg") {
    await sh(seed, ["hg", "init"]);
    await rawCommit(sh, dvcs, seed, "seed");
    for (const remote of Object.values(remotes))
      await sh(dir, ["hg", "clone", "-q", "-U", seed, remote]);
  } else {
    await sh(seed, ["brz", "init", "-q"]);
    await rawCommit(sh, dvcs, seed, "seed");
    for (const remote of Object.values(remotes))
      await sh(dir, ["brz", "branch", "-q", "--no-tree", seed, remote]);
  }
  return {
    dvcs,
    env,
    dir,
    sh,
    async clone(name, which) {
      const remote = remotes[which];
      const path = join(dir, name);
      if (dvcs === "git") await sh(dir, ["git", "clone", "-q", remote, path]);
      else if (dvcs === "hg") await sh(dir, ["hg", "clone", "-q", remote, path]);
      else await sh(dir, ["brz", "branch", "-q", remote, path]);
      return path;
    },
    ops(root) {
      const runner = new CountingRunner(env);
      return { ops: createOperations({ root, recipe, runner, host: HOST }), runner };
    },
  };
}

type Sh = World["sh"];

/** The fewest commands a person types to commit everything (one process per command). */
const RAW_COMMIT: Record<Dvcs, (message: string) => string[][]> = {
  git: (m) => [
    ["git", "add", "-A"],
    ["git", "commit", "-q", "-m", m],
  ],
  hg: (m) => [
    ["hg", "addremove", "-q"],
    ["hg", "commit", "-m", m],
  ],
  bzr: (m) => [
    ["brz", "add", "-q"],
    ["brz", "commit", "-q", "-m", m],
  ],
};
const RAW_PUSH: Record<Dvcs, string[][]> = {
  git: [["git", "push", "-q"]],
  hg: [["hg", "push", "-q"]],
  bzr: [["brz", "push", "-q", ":parent"]],
};
const RAW_PULL: Record<Dvcs, string[][]> = {
  git: [["git", "pull", "-q", "--no-rebase"]],
  hg: [["hg", "pull", "-q", "-u"]],
  bzr: [["brz", "pull", "-q"]],
};
const RAW_FETCH: Record<Dvcs, string[][]> = {
  git: [["git", "fetch", "-q"]],
  hg: [["hg", "pull", "-q"]],
  // brz has no fetch: a pull that finds nothing is the nearest.
  bzr: [["brz", "pull", "-q"]],
};

async function rawCommit(sh: Sh, dvcs: Dvcs, cwd: string, message: string) {
  for (const argv of RAW_COMMIT[dvcs](message)) await sh(cwd, argv, argv[1] === "add");
}
async function rawPush(sh: Sh, dvcs: Dvcs, cwd: string): Promise<void> {
  for (const argv of RAW_PUSH[dvcs]) await sh(cwd, argv);
}

/** The careful loop's conflict handling (shared/baselines/careful-loop.sh), per DVCS. */
async function rawKeepBoth(world: World, cwd: string, file: string) {
  const { sh, dvcs } = world;
  const copy = join(cwd, `${file} (conflict raw)`);
  if (dvcs === "git") {
    await sh(cwd, ["git", "fetch", "-q", "origin"]);
    await sh(cwd, ["git", "merge", "-q", "--no-edit", "origin/main"], true);
    const ours = await execa("git", ["show", `:2:${file}`], { cwd, env: world.env });
    await writeFile(copy, ours.stdout);
    await sh(cwd, ["git", "checkout", "--theirs", "--", file]);
    await sh(cwd, ["git", "add", "--", file, copy]);
    await sh(cwd, ["git", "commit", "-qm", "keep both", "--no-edit"]);
  } else if (dvcs === "hg") {
    await sh(cwd, ["hg", "pull", "-q"]);
    await sh(cwd, ["hg", "merge", "-q", "--tool", "internal:fail"], true);
    await sh(cwd, ["hg", "cat", "-r", ".", "-o", copy, "--", file]);
    await sh(cwd, ["hg", "resolve", "-q", "--tool", "internal:other", "--", file]);
    await sh(cwd, ["hg", "add", "-q", "--", copy]);
    await sh(cwd, ["hg", "commit", "-m", "keep both"]);
  } else {
    await sh(cwd, ["brz", "merge", "-q"], true);
    // A file added on both sides: brz moves ours to `<file>.moved` (a text conflict would
    // leave .THIS and .OTHER instead).
    if (existsSync(join(cwd, `${file}.moved`))) {
      await sh(cwd, ["mv", "--", join(cwd, `${file}.moved`), copy]);
    } else {
      await sh(cwd, ["cp", "--", join(cwd, `${file}.THIS`), copy]);
      await sh(cwd, ["cp", "--", join(cwd, `${file}.OTHER`), join(cwd, file)]);
    }
    await sh(cwd, ["brz", "resolve", "-q", "--", file]);
    await sh(cwd, ["brz", "add", "-q", "--", copy]);
    await sh(cwd, ["brz", "commit", "-q", "-m", "keep both"]);
  }
}

function expectOutcome(result: OperationResult, ...wanted: string[]): void {
  if (!wanted.includes(result.outcome))
    throw new Error(`${result.kind} ${result.outcome}: ${JSON.stringify(result).slice(0, 400)}`);
}

/** Timed and counted: autosync's side of one sample. */
async function timedOps(
  runner: CountingRunner,
  body: () => Promise<void>,
): Promise<{ ms: number; processes: number }> {
  const before = runner.count;
  const started = performance.now();
  await body();
  return { ms: performance.now() - started, processes: runner.count - before };
}

async function timedRaw(body: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await body();
  return performance.now() - started;
}

/** The engine's commit: a status scoped to what changed, then a commit of what it reported. */
async function engineCommit(ops: RepoOperations, paths: string[] | undefined, message: string) {
  const request: OperationRequest = paths ? { kind: "status", paths } : { kind: "status" };
  const status = await ops.run(request);
  if (status.kind !== "status" || status.outcome !== "ok") throw new Error("status failed");
  expectOutcome(await ops.run({ kind: "commit", entries: status.entries, message }), "committed");
}

/**
 * `treeClean`: what the engine adds when it knows nothing local is uncommitted (the daemon's
 * announced and interval pulls on a clean tree); without it the pull looks (status) first.
 */
const pullRequest = (treeClean = false): OperationRequest => ({
  kind: "pull",
  commitMessage: "bench: local work",
  host: HOST,
  nowMs: Date.now(),
  ...(treeClean ? { treeClean: true as const } : {}),
});

interface Samples {
  auto: number[];
  raw: number[];
  processes: number[];
  rawProcesses: number;
}

const medianOf = (values: number[]) => summarize(values).p50;

function rowOf(
  dvcs: Dvcs,
  operation: string,
  raw: string,
  target: number,
  samples: Samples,
): OperationRow {
  const autosync = summarize(samples.auto);
  const rawTime = summarize(samples.raw);
  const ratio = autosync.p50 / rawTime.p50;
  return {
    dvcs,
    operation,
    raw,
    autosync,
    rawTime,
    ratio,
    autosyncProcesses: medianOf(samples.processes),
    rawProcesses: samples.rawProcesses,
    target,
    met: ratio <= target,
  };
}

const newSamples = (rawProcesses: number): Samples => ({
  auto: [],
  raw: [],
  processes: [],
  rawProcesses,
});

/**
 * Every operation of one DVCS, autosync and raw alternating sample by sample in the same run
 * (so load from elsewhere hits both alike). Autosync's side goes through the operations layer
 * the daemon uses, with the daemon's command runner counting processes.
 */
async function measureDvcs(scope: BenchScope, dvcs: Dvcs, runs: number, bigFiles: number) {
  const world = await makeWorld(scope, dvcs);
  const autoA = await world.clone("auto-a", "auto");
  const autoB = await world.clone("auto-b", "auto");
  const rawA = await world.clone("raw-a", "raw");
  const rawB = await world.clone("raw-b", "raw");
  const a = world.ops(autoA);
  const b = world.ops(autoB);
  // Warm the caches as a running daemon has them (upstream, identity, roots).
  await a.ops.describe();
  await b.ops.describe();
  const rawText = (argvs: string[][]) => argvs.map((argv) => argv.join(" ")).join(" && ");
  const rows: OperationRow[] = [];

  const commit1 = newSamples(2);
  const push = newSamples(1);
  const ffPull = newSamples(1);
  const ffPullClean = newSamples(1);
  const noopPull = newSamples(1);
  for (let i = 0; i < runs; i++) {
    // Commit of one changed file.
    await writeFile(join(autoA, "one.txt"), `auto ${i}\n`);
    const c = await timedOps(a.runner, () => engineCommit(a.ops, ["one.txt"], `auto ${i}`));
    commit1.auto.push(c.ms);
    commit1.processes.push(c.processes);
    await writeFile(join(rawA, "one.txt"), `raw ${i}\n`);
    commit1.raw.push(await timedRaw(() => rawCommit(world.sh, dvcs, rawA, `raw ${i}`)));

    // Push of that commit (raw first this time: the remote grows by one commit per push).
    push.raw.push(await timedRaw(() => rawPush(world.sh, dvcs, rawA)));
    const p = await timedOps(a.runner, async () =>
      expectOutcome(await a.ops.run({ kind: "push" }), "pushed"),
    );
    push.auto.push(p.ms);
    push.processes.push(p.processes);

    // Fast-forward pull of both pushes, one clone each.
    const f = await timedOps(b.runner, async () =>
      expectOutcome(await b.ops.run(pullRequest()), "updated"),
    );
    ffPull.auto.push(f.ms);
    ffPull.processes.push(f.processes);
    ffPull.raw.push(
      await timedRaw(async () => {
        for (const argv of RAW_PULL[dvcs]) await world.sh(rawB, argv);
      }),
    );

    // The same with the engine's word that the tree is clean, of one more commit on each side.
    await writeFile(join(autoA, "two.txt"), `auto ${i}\n`);
    await rawCommit(world.sh, dvcs, autoA, `auto two ${i}`);
    await rawPush(world.sh, dvcs, autoA);
    await writeFile(join(rawA, "two.txt"), `raw ${i}\n`);
    await rawCommit(world.sh, dvcs, rawA, `raw two ${i}`);
    await rawPush(world.sh, dvcs, rawA);
    const fc = await timedOps(b.runner, async () =>
      expectOutcome(await b.ops.run(pullRequest(true)), "updated"),
    );
    ffPullClean.auto.push(fc.ms);
    ffPullClean.processes.push(fc.processes);
    ffPullClean.raw.push(
      await timedRaw(async () => {
        for (const argv of RAW_PULL[dvcs]) await world.sh(rawB, argv);
      }),
    );

    // A pull that finds nothing new.
    noopPull.raw.push(
      await timedRaw(async () => {
        for (const argv of RAW_FETCH[dvcs]) await world.sh(rawB, argv);
      }),
    );
    const n = await timedOps(b.runner, async () =>
      expectOutcome(await b.ops.run(pullRequest()), "up-to-date"),
    );
    noopPull.auto.push(n.ms);
    noopPull.processes.push(n.processes);
    // Keep A and raw-A current, so the next push is a fast-forward.
    expectOutcome(await a.ops.run(pullRequest()), "updated", "up-to-date");
    for (const argv of RAW_PULL[dvcs]) await world.sh(rawA, argv);
  }
  rows.push(
    rowOf(dvcs, "commit 1 changed file", rawText(RAW_COMMIT[dvcs]("m")), 1.5, commit1),
    rowOf(dvcs, "push", rawText(RAW_PUSH[dvcs]), 1.3, push),
    rowOf(dvcs, "pull, fast-forward", rawText(RAW_PULL[dvcs]), 1.5, ffPull),
    rowOf(dvcs, "pull, fast-forward, tree known clean", rawText(RAW_PULL[dvcs]), 1.5, ffPullClean),
    rowOf(dvcs, "pull, nothing new", rawText(RAW_FETCH[dvcs]), 1.2, noopPull),
  );

  // A conflict: both sides of one file kept. A and raw-A write, push; B and raw-B merge.
  const conflict = newSamples(dvcs === "git" ? 6 : 6);
  const conflictRuns = Math.max(2, Math.ceil(runs / 2));
  for (let i = 0; i < conflictRuns; i++) {
    const file = `conflict-${i}.txt`;
    for (const [writer, reader] of [
      [autoA, autoB],
      [rawA, rawB],
    ] as const) {
      await writeFile(join(reader, file), `reader ${i}\n`);
      await rawCommit(world.sh, dvcs, reader, `reader ${i}`);
      for (const argv of RAW_PULL[dvcs]) await world.sh(writer, argv);
      await writeFile(join(writer, file), `writer ${i}\n`);
      await rawCommit(world.sh, dvcs, writer, `writer ${i}`);
      await rawPush(world.sh, dvcs, writer);
    }
    const k = await timedOps(b.runner, async () => {
      const result = await b.ops.run(pullRequest());
      expectOutcome(result, "updated");
      if (result.kind !== "pull" || result.outcome !== "updated" || result.conflicts.length !== 1)
        throw new Error(`expected one conflict: ${JSON.stringify(result).slice(0, 300)}`);
    });
    conflict.auto.push(k.ms);
    conflict.processes.push(k.processes);
    conflict.raw.push(await timedRaw(() => rawKeepBoth(world, rawB, file)));
    // Both readers push, so the next round starts from one shared history.
    expectOutcome(await b.ops.run({ kind: "push" }), "pushed");
    await rawPush(world.sh, dvcs, rawB);
    for (const root of [autoA, autoB]) {
      const ops = root === autoA ? a.ops : b.ops;
      expectOutcome(await ops.run(pullRequest()), "updated", "up-to-date");
    }
    for (const root of [rawA, rawB]) for (const argv of RAW_PULL[dvcs]) await world.sh(root, argv);
    await sleep(10);
  }
  rows.push(
    rowOf(
      dvcs,
      "pull, merge keeping both sides of 1 conflict",
      "careful loop: fetch + merge + copy + commit",
      2,
      conflict,
    ),
  );

  // Commit of many new files (fewer runs: each writes the whole set again).
  const many = newSamples(2);
  const manyRuns = Math.max(2, Math.ceil(runs / 4));
  for (let i = 0; i < manyRuns; i++) {
    for (const root of [autoA, rawA]) {
      const folder = join(root, `many-${i}`);
      await mkdir(folder);
      for (let f = 0; f < bigFiles; f += 64) {
        await Promise.all(
          Array.from({ length: Math.min(64, bigFiles - f) }, (_, k) =>
            writeFile(join(folder, `f${f + k}.txt`), `${i} ${f + k}\n`),
          ),
        );
      }
    }
    // More paths than the engine scopes a status to (500): a whole-tree status, as the engine.
    const m = await timedOps(a.runner, () => engineCommit(a.ops, undefined, `many ${i}`));
    many.auto.push(m.ms);
    many.processes.push(m.processes);
    many.raw.push(await timedRaw(() => rawCommit(world.sh, dvcs, rawA, `many ${i}`)));
  }
  rows.push(
    rowOf(dvcs, `commit ${bigFiles.toLocaleString("en")} new files`, "add + commit", 1.5, many),
  );
  return rows;
}

export async function measureOperations(options: {
  runs: number;
  bigFiles: number;
  dvcs: readonly Dvcs[];
  log: (line: string) => void;
}): Promise<OperationsResult> {
  const rows: OperationRow[] = [];
  const failed: OperationsResult["failed"] = [];
  for (const dvcs of options.dvcs) {
    options.log(`operations: ${dvcs}, ${options.runs} runs`);
    try {
      rows.push(
        ...(await withScope((scope) => measureDvcs(scope, dvcs, options.runs, options.bigFiles))),
      );
    } catch (error) {
      failed.push({ dvcs, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { runs: options.runs, rows, failed };
}

export interface LargeTreeResult {
  files: number;
  /** Bytes in the tree as written (sizes drawn by `largeTreeSizes` from the seed). */
  bytes: number;
  setupS: number;
  row: OperationRow;
  /** VmRSS of `autosync run` on the tree, 2 s after it pushed one change (issue 10, target 4). */
  daemonRssMb: number;
}

/**
 * The seed's case: one changed file in a large tree, committed and pushed. autosync as the
 * engine runs it when a watcher named the file (a status scoped to it, commit, push) beside
 * `git add -A && git commit && git push`, alternating. Then a real daemon on the same tree
 * syncs one change, and its RSS is read.
 */
export async function measureLargeTree(options: {
  files: number;
  bytes: number;
  seed: number;
  runs: number;
  log: (line: string) => void;
}): Promise<LargeTreeResult> {
  return withScope(async (scope) => {
    const setupStarted = performance.now();
    const world = await makeWorld(scope, "git");
    const seed = join(world.dir, "seed");
    const sizes = largeTreeSizes(options.files, options.bytes, options.seed);
    const bytes = sizes.reduce((sum, size) => sum + size, 0);
    options.log(
      `large tree: writing ${options.files.toLocaleString("en")} files, ${(bytes / 2 ** 30).toFixed(2)} GiB`,
    );
    // Registered after the world's removal, so it runs before it (cleanups run in reverse).
    const writing = new AbortController();
    scope.after(() => writing.abort());
    await writeLargeTree(seed, sizes, options.seed, writing.signal);
    options.log(`large tree: committing and pushing it to two remotes, cloning them`);
    await rawCommit(world.sh, "git", seed, "large tree");
    for (const remote of ["remote-auto", "remote-raw"]) {
      await world.sh(seed, ["git", "push", "-q", join(world.dir, remote), "main"]);
    }
    const auto = await world.clone("large-auto", "auto");
    const raw = await world.clone("large-raw", "raw");
    const a = world.ops(auto);
    await a.ops.describe();
    const setupS = (performance.now() - setupStarted) / 1000;
    options.log(`large tree: ready after ${setupS.toFixed(0)} s; ${options.runs} runs`);
    const samples = newSamples(3);
    const changed = largeTreePath(1);
    for (let i = 0; i < options.runs; i++) {
      await writeFile(join(auto, changed), `auto ${i}\n`);
      const s = await timedOps(a.runner, async () => {
        await engineCommit(a.ops, [changed], `auto ${i}`);
        expectOutcome(await a.ops.run({ kind: "push" }), "pushed");
      });
      samples.auto.push(s.ms);
      samples.processes.push(s.processes);
      await writeFile(join(raw, changed), `raw ${i}\n`);
      samples.raw.push(
        await timedRaw(async () => {
          await rawCommit(world.sh, "git", raw, `raw ${i}`);
          await rawPush(world.sh, "git", raw);
        }),
      );
    }
    const row = {
      ...rowOf(
        "git",
        `commit + push 1 file of ${options.files.toLocaleString("en")}`,
        "git add -A && git commit && git push",
        1.5,
        samples,
      ),
    };
    options.log(`large tree: autosync run on it, one change synced`);
    const daemonRssMb = await daemonRssAfterSync(scope, world, auto);
    return { files: options.files, bytes, setupS, row, daemonRssMb };
  });
}

/** Starts `autosync run` on `root` with production timers, syncs one change, reads its RSS. */
async function daemonRssAfterSync(scope: BenchScope, world: World, root: string): Promise<number> {
  const configDir = join(world.dir, "daemon");
  await mkdir(configDir);
  const copy: WorkingCopy = {
    index: 0,
    host: HOST,
    name: "large",
    path: root,
    configPath: join(configDir, "autosync.config.yaml"),
    pidfile: join(configDir, "autosync.pid"),
    controlSocket: join(configDir, "control.sock"),
  };
  const config = {
    version: 1,
    host: HOST,
    defaults: {
      recipe: "git",
      timers: { commitDelay: "2s", maxCommitDelay: "60s", pushDelay: "0s", pullInterval: "60s" },
    },
    repositories: [{ path: root, name: copy.name }],
    pidfile: copy.pidfile,
    controlSocket: copy.controlSocket,
  };
  await writeFile(copy.configPath, stringify(config));
  const proc = AutosyncProcess.spawn(copy, copy.configPath, isolatedEnv(join(world.dir, "home")));
  scope.after(() => proc.stop());
  await proc.waitStartupSync(600_000);
  const since = proc.events.length;
  await writeFile(join(root, largeTreePath(2)), `changed under a running daemon\n`);
  await proc.waitForEvent("the change to be pushed", (event) => event.type === "pushed", {
    since,
    timeoutMs: 600_000,
  });
  await sleep(2000);
  return (await sampleProc(proc.pid)).rssMb;
}
