import { spawn, type ChildProcess, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { startMosquitto } from "../test/support/mosquitto-server.js";
import {
  REPO_ROOT,
  SyncFixture,
  diffDigests,
  remoteDigest,
  treeDigest,
  type AutosyncProcess,
} from "../test/support/sync-fixture.js";
import { withScope, type BenchScope } from "./bench-scope.js";
import { planWorkload, playWorkload, verifyTree, type Write } from "./fleet-workload.js";
import { percentile } from "./percentiles.js";
import { table } from "./text-table.js";

/** Where the issue keeps the yardstick: beside the repository, `../shared/baselines/`. */
const CAREFUL_LOOP = "../shared/baselines/careful-loop.sh";

const TIMERS = {
  commitDelay: "500ms",
  maxCommitDelay: "3s",
  pushDelay: "0s",
  // Only announcements (and the startup pull) bring changes over, as in the runs.
  pullInterval: "0",
};

export interface OperationTimings {
  n: number;
  p50Ms: number;
  maxMs: number;
}

export interface FleetMachine {
  host: string;
  /** When this machine first held the final head, after the last edit (by its own events). */
  atFinalHeadMs: number | null;
  operations: Record<string, OperationTimings>;
  pushed: number;
  rejected: number;
}

export interface FleetRun {
  tool: "careful loop" | "autosync";
  machines: number;
  writes: number;
  /** From the last edit until every copy holds the remote's head and tree; null: deadline. */
  convergenceMs: number | null;
  headsMs: number | null;
  /** Commits on the remote's main made during the run, merges included. */
  commits: number;
  merges: number;
  /** Updates of the remote's main (its reflog): pushes that went through. */
  pushes: number;
  /** Pushes the remote refused (autosync's events; the loop does not say). */
  rejected: number | null;
  identical: boolean;
  missing: string[];
  markers: string[];
  perMachine: FleetMachine[];
}

export interface FleetResult {
  machines: number;
  seed: number;
  seconds: number;
  loop: FleetRun;
  autosync: FleetRun;
  /** ofLoop: the issue asks it of 8 machines only. */
  targets: { convergenceMs: number; ofLoop: number | null; pushesPerCommit: number };
  met: { convergence: boolean; halfLoop: boolean | null; pushes: boolean; data: boolean };
}

/**
 * The careful loop script, relative to the repository; a git worktree elsewhere finds it
 * relative to its main checkout. Absent: the comparison cannot be made, so the section fails.
 */
export function carefulLoopScript(): string {
  const candidates = [resolve(REPO_ROOT, CAREFUL_LOOP)];
  try {
    const common = execFileSync(
      "git",
      ["rev-parse", "--path-format=absolute", "--git-common-dir"],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
      },
    ).trim();
    candidates.push(resolve(dirname(common), CAREFUL_LOOP));
  } catch {
    // not a git checkout: the first candidate only
  }
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `the careful loop baseline is missing: expected ${CAREFUL_LOOP} beside the repository ` +
        `(looked at ${candidates.join(", ")})`,
    );
  }
  return found;
}

const hostsFor = (machines: number) =>
  Array.from({ length: machines }, (_, i) => `m${String(i + 1).padStart(2, "0")}`);

async function newFleet(scope: BenchScope, machines: number, tool: string): Promise<SyncFixture> {
  const fixture = await SyncFixture.create(scope, {
    copies: machines,
    hosts: hostsFor(machines),
    prefix: `autosync-bench-fleet-${tool}-`,
    timers: TIMERS,
  });
  // Every update of main is logged: the loop's pushes are counted the same way as autosync's.
  await fixture.run("git", [
    "--git-dir",
    fixture.remote,
    "config",
    "core.logAllRefUpdates",
    "always",
  ]);
  return fixture;
}

/** A ref read from the files git keeps it in: polling 16 copies must not fork 16 gits a tick. */
async function readRef(gitDir: string, ref: string, fixture: SyncFixture): Promise<string> {
  try {
    const id = (await readFile(join(gitDir, ref), "utf8")).trim();
    if (/^[0-9a-f]{40}$/.test(id)) return id;
  } catch {
    // packed or missing: ask git
  }
  const args = ["--git-dir", gitDir, "rev-parse", "--verify", "-q", ref];
  return (await fixture.run("git", args).catch(() => "")).trim();
}

interface Converged {
  ms: number | null;
  /** When every HEAD was first (and from then on) the remote's: the trees may lag behind. */
  headsMs: number | null;
  detail: string;
  paths: string[];
}

/** Polls until every copy's HEAD is the remote's and its files are the remote's tree. */
async function waitConverged(fixture: SyncFixture, deadlineMs: number): Promise<Converged> {
  const started = performance.now();
  let detail = "";
  let headsMs: number | null = null;
  while (performance.now() - started < deadlineMs) {
    const remoteHead = await readRef(fixture.remote, "refs/heads/main", fixture);
    const heads = await Promise.all(
      fixture.copies.map((copy) => readRef(join(copy.path, ".git"), "refs/heads/main", fixture)),
    );
    const behind = fixture.copies.filter((_, i) => heads[i] !== remoteHead);
    if (behind.length === 0) {
      headsMs ??= performance.now() - started;
      const remote = remoteDigest(await fixture.remoteTree());
      detail = "";
      for (const copy of fixture.copies) {
        detail = diffDigests(remote, await treeDigest(copy.path), ["remote", copy.host]);
        if (detail) break;
      }
      if (!detail) {
        return { ms: performance.now() - started, headsMs, detail, paths: [...remote.keys()] };
      }
    } else {
      headsMs = null;
      detail = `not at the remote's head: ${behind.map((copy) => copy.host).join(" ")}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { ms: null, headsMs, detail, paths: [...(await fixture.remoteTree()).keys()] };
}

async function remoteCounts(fixture: SyncFixture) {
  const count = async (args: string[]) =>
    Number((await fixture.run("git", ["--git-dir", fixture.remote, ...args])).trim());
  const commits = (await count(["rev-list", "--count", "main"])) - 1;
  const merges = await fixture.remoteMergeCount();
  const log = await readFile(join(fixture.remote, "logs", "refs", "heads", "main"), "utf8").catch(
    () => "",
  );
  return { commits, merges, pushes: log.split("\n").filter(Boolean).length };
}

async function finish(
  fixture: SyncFixture,
  tool: FleetRun["tool"],
  writes: Write[],
  converged: Converged,
  perMachine: FleetMachine[],
  rejected: number | null,
): Promise<FleetRun> {
  const verdict = await verifyTree(fixture.copy(0).path, converged.paths, writes).catch(
    (error: Error) => ({ missing: [`cannot read the tree: ${error.message}`], markers: [] }),
  );
  if (converged.ms === null) process.stderr.write(`[bench] ${tool}: ${converged.detail}\n`);
  return {
    tool,
    machines: fixture.copies.length,
    writes: writes.length,
    convergenceMs: converged.ms === null ? null : Math.round(converged.ms),
    headsMs: converged.headsMs === null ? null : Math.round(converged.headsMs),
    ...(await remoteCounts(fixture)),
    rejected,
    identical: converged.ms !== null,
    missing: verdict.missing,
    markers: verdict.markers,
    perMachine,
  };
}

/** The careful shell loop, one per working copy, on the same workload. */
async function runCarefulLoop(
  machines: number,
  seed: number,
  seconds: number,
  deadlineMs: number,
): Promise<FleetRun> {
  const script = carefulLoopScript();
  return withScope(async (scope) => {
    const fixture = await newFleet(scope, machines, "loop");
    const loops: ChildProcess[] = fixture.copies.map((copy) =>
      spawn("bash", [script, "main"], {
        cwd: copy.path,
        env: { ...fixture.env, AUTOSYNC_HOST: copy.host },
        stdio: "ignore",
        // Own group: the loop's git children go with it.
        detached: true,
      }),
    );
    scope.after(() => {
      for (const loop of loops) {
        try {
          if (loop.pid !== undefined) process.kill(-loop.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    });
    const plan = planWorkload(
      seed,
      seconds,
      fixture.copies.map((copy) => copy.host),
    );
    const writes = await playWorkload(plan, fixture.copies);
    const converged = await waitConverged(fixture, deadlineMs);
    for (const loop of loops) if (loop.pid !== undefined) process.kill(-loop.pid, "SIGKILL");
    return finish(fixture, "careful loop", writes, converged, [], null);
  });
}

function timingsOf(proc: AutosyncProcess, finalHead: string, lastEditWallMs: number): FleetMachine {
  const durations = new Map<string, number[]>();
  let pushed = 0;
  let rejected = 0;
  for (const event of proc.eventsOf("operationFinished")) {
    const list = durations.get(event.operation) ?? [];
    list.push(event.durationMs);
    durations.set(event.operation, list);
    if (event.operation === "push" && event.outcome === "pushed") pushed++;
    if (event.operation === "push" && event.outcome === "rejected") rejected++;
  }
  const operations: Record<string, OperationTimings> = {};
  for (const [operation, list] of durations) {
    operations[operation] = {
      n: list.length,
      p50Ms: percentile(list, 50),
      maxMs: Math.max(...list),
    };
  }
  const reached = proc.events.find(
    (event) =>
      (event.type === "pulled" || event.type === "pushed" || event.type === "committed") &&
      event.head === finalHead,
  );
  return {
    host: proc.copy.host,
    atFinalHeadMs: reached ? Math.max(0, reached.time - lastEditWallMs) : null,
    operations,
    pushed,
    rejected,
  };
}

/** autosync daemons, one per working copy, announcing over a real mosquitto. */
async function runAutosync(
  machines: number,
  seed: number,
  seconds: number,
  deadlineMs: number,
): Promise<FleetRun> {
  return withScope(async (scope) => {
    const fixture = await newFleet(scope, machines, "autosync");
    const broker = await startMosquitto();
    // Registered after the fixture: the daemons stop before the broker does.
    scope.after(() => broker.cleanup());
    await fixture.writeMqttConfigs(broker.url, "fleet");
    const processes = await fixture.startAll();
    await Promise.all(processes.map((proc) => proc.waitChannelConnected("mqtt", 60_000)));
    const plan = planWorkload(
      seed,
      seconds,
      fixture.copies.map((copy) => copy.host),
    );
    const writes = await playWorkload(plan, fixture.copies);
    const lastEditWallMs = Date.now();
    const converged = await waitConverged(fixture, deadlineMs);
    if (converged.ms === null) {
      for (const proc of processes) process.stderr.write(`${proc.describe(15)}\n`);
    }
    await Promise.all(processes.map((proc) => proc.stop(30_000)));
    const finalHead = await fixture.remoteHead();
    const perMachine = processes.map((proc) => timingsOf(proc, finalHead, lastEditWallMs));
    const timelineFile = process.env.FLEET_TIMELINE;
    if (timelineFile) await writeFile(timelineFile, timeline(processes, lastEditWallMs));
    const rejected = perMachine.reduce((sum, machine) => sum + machine.rejected, 0);
    const run = await finish(fixture, "autosync", writes, converged, perMachine, rejected);
    // Mid-merge leftovers would be a broken promise even in converged trees.
    for (const copy of fixture.copies) {
      if (existsSync(join(copy.path, ".git", "MERGE_HEAD"))) {
        run.missing.push(`${copy.host} is left mid-merge`);
      }
    }
    return run;
  });
}

/** How long before the last edit the timeline starts: the whole workload (15 s) and its start. */
const TIMELINE_LEAD_MS = 30_000;

/**
 * Every machine's events from shortly before the last edit, one line each, in time order, with
 * milliseconds relative to the last edit: where the time after it went (FLEET_TIMELINE=file).
 */
function timeline(processes: readonly AutosyncProcess[], lastEditWallMs: number): string {
  const lines: { at: number; line: string }[] = [];
  processes.forEach((proc, index) => {
    const host = `m${String(index + 1).padStart(2, "0")}`;
    for (const event of proc.events) {
      const at = event.time - lastEditWallMs;
      if (at < -TIMELINE_LEAD_MS) continue;
      const { time: _time, type, repo: _repo, ...rest } = event as AutosyncEventLike;
      lines.push({ at, line: `${String(at).padStart(6)} ${host} ${type} ${JSON.stringify(rest)}` });
    }
  });
  return lines
    .sort((a, b) => a.at - b.at)
    .map((entry) => `${entry.line}\n`)
    .join("");
}

type AutosyncEventLike = { time: number; type: string; repo?: string } & Record<string, unknown>;

export async function measureFleet(
  machines: number,
  { seed, seconds }: { seed: number; seconds: number },
): Promise<FleetResult> {
  // Generous: the figures matter, and a stuck fleet must still end the section.
  const deadlineMs = 30_000 + machines * 10_000;
  const loop = await runCarefulLoop(machines, seed, seconds, deadlineMs);
  const autosync = await runAutosync(machines, seed, seconds, deadlineMs);
  const targets = {
    convergenceMs: machines <= 8 ? 3_000 : 6_000,
    ofLoop: machines <= 8 ? 0.5 : null,
    pushesPerCommit: 2,
  };
  const ms = autosync.convergenceMs;
  const pushedEvents = autosync.perMachine.reduce((sum, machine) => sum + machine.pushed, 0);
  return {
    machines,
    seed,
    seconds,
    loop,
    autosync,
    targets,
    met: {
      convergence: ms !== null && ms <= targets.convergenceMs,
      halfLoop:
        targets.ofLoop === null
          ? null
          : ms !== null && loop.convergenceMs !== null && ms <= targets.ofLoop * loop.convergenceMs,
      pushes: pushedEvents <= targets.pushesPerCommit * autosync.commits,
      data: autosync.identical && autosync.missing.length === 0 && autosync.markers.length === 0,
    },
  };
}

const cell = (value: number | null | undefined) =>
  value === null || value === undefined ? "—" : String(Math.round(value));

export function renderFleet(result: FleetResult): string {
  const { loop, autosync, targets, met } = result;
  const yes = (ok: boolean | null) => (ok === null ? "—" : ok ? "met" : "MISSED");
  const row = (run: FleetRun) => [
    run.tool,
    run.convergenceMs === null ? "not converged" : cell(run.convergenceMs),
    cell(run.headsMs),
    cell(run.commits),
    cell(run.merges),
    cell(run.pushes),
    cell(run.rejected),
    run.identical ? "yes" : "NO",
    String(run.missing.length),
    String(run.markers.length),
  ];
  const ops = ["status", "commit", "pull", "push"];
  const timing = (machine: FleetMachine, op: string) => {
    const t = machine.operations[op];
    return t ? `${t.n}× ${cell(t.p50Ms)}/${cell(t.maxMs)}` : "—";
  };
  const ratio =
    autosync.convergenceMs !== null && loop.convergenceMs
      ? (autosync.convergenceMs / loop.convergenceMs).toFixed(2)
      : "—";
  return [
    `Fleet: ${result.machines} machines, one git remote, MQTT (mosquitto); seed ${result.seed}, ` +
      `${result.seconds} s of random edits (${autosync.writes} writes), ${result.machines}-way conflicts ×3, the last one last`,
    table([
      [
        "",
        "converge ms",
        "heads ms",
        "commits",
        "merges",
        "pushes",
        "rejected",
        "identical",
        "missing",
        "markers",
      ],
      row(loop),
      row(autosync),
    ]),
    `autosync / careful loop = ${ratio}; ` +
      `converge ≤ ${targets.convergenceMs} ms: ${yes(met.convergence)}; ` +
      `≤ ½ careful loop: ${yes(met.halfLoop)}; ` +
      `pushes ≤ ${targets.pushesPerCommit} × commits: ${yes(met.pushes)}; ` +
      `every edit, no markers, identical: ${yes(met.data)}`,
    ...[...autosync.missing, ...loop.missing.map((m) => `careful loop: ${m}`)]
      .slice(0, 10)
      .map((m) => `  missing: ${m}`),
    "autosync per machine (operations: count× p50/max ms; final head: ms after the last edit)",
    table([
      ["host", "final head", ...ops, "pushed", "rejected"],
      ...autosync.perMachine.map((machine) => [
        machine.host,
        cell(machine.atFinalHeadMs),
        ...ops.map((op) => timing(machine, op)),
        String(machine.pushed),
        String(machine.rejected),
      ]),
    ]),
    "",
  ].join("\n");
}
