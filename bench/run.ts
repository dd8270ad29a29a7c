import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AUTOSYNC_MAIN, REPO_ROOT } from "../test/support/sync-fixture.js";
import { closeAllScopes } from "./bench-scope.js";
import { measureBurst, type BurstResult } from "./burst.js";
import { measureChannels, type ChannelsResult } from "./channels.js";
import { measureContention, type ContentionResult } from "./contention.js";
import { measureFleet, renderFleet, type FleetResult } from "./fleet.js";
import { IDLE_TARGETS, measureIdle, type IdleResult, type WatcherBackend } from "./idle.js";
import { parseByteSize } from "./large-tree.js";
import { measureLatency, type LatencyResult } from "./latency.js";
import {
  measureLargeTree,
  measureOperations,
  type Dvcs,
  type LargeTreeResult,
  type OperationRow,
  type OperationsResult,
} from "./operations.js";
import { measureStartup, type StartupResult } from "./startup.js";
import { existsSync } from "node:fs";
import { table } from "./text-table.js";

const USAGE = `Usage: npm run bench -- [--quick] [--only latency,channels,burst,idle,startup,ops,large,fleet,contention]
                       [--runs N] [--idle-window SECONDS] [--large-files N] [--large-bytes SIZE] [--dvcs LIST] [--machines 8,16]
                       [--seed N] [--out FILE]

  --quick        a few minutes at most: 5 latency and channel runs, the 2,000-file burst, idle at 1 and
                 2,000 files with a 5 s window, no 100,000-file startup
  --only LIST    run only these sections (comma-separated)
  --runs N       latency runs, and runs per channel (default 20)
  --idle-window  seconds of the idle CPU window (default 20)
  --large-files  files in the large-tree section (default 100,000; 20,000 with --quick)
  --large-bytes  its size, drawn from --seed: many small files, some of MBs (default 20 KB a
                 file: 2G for 100,000 files; suffixes k, M, G)
  --dvcs LIST    DVCSs of the ops section (default git,hg,bzr)
  --machines     fleet and contention sizes (default 8,16; --quick: 8)
  --seed N       the fleet workload's and the large tree's seed (default 20261205)
  --out FILE     JSON output (default bench/results/latest.json)
`;

interface Options {
  quick: boolean;
  sections: Set<string>;
  runs: number;
  idleWindowS: number;
  largeFiles: number;
  largeBytes: number;
  dvcs: Dvcs[];
  machines: number[];
  seed: number;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      runs: { type: "string" },
      "idle-window": { type: "string" },
      "large-files": { type: "string" },
      "large-bytes": { type: "string" },
      dvcs: { type: "string" },
      machines: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const all = [
    "latency",
    "channels",
    "burst",
    "idle",
    "startup",
    "ops",
    "large",
    "fleet",
    "contention",
  ];
  const sections = new Set(values.only ? values.only.split(",").map((s) => s.trim()) : all);
  for (const section of sections) {
    if (!all.includes(section)) throw new Error(`unknown section '${section}' (one of ${all})`);
  }
  if (values.quick && !values.only) sections.delete("startup");
  const largeFiles = Number(values["large-files"] ?? (values.quick ? 20_000 : 100_000));
  const largeBytes =
    values["large-bytes"] === undefined
      ? largeFiles * 20_000
      : parseByteSize(values["large-bytes"]);
  if (largeBytes === undefined)
    throw new Error(`--large-bytes '${values["large-bytes"]}': a size such as 2G, 500M or 64k`);
  return {
    quick: values.quick,
    sections,
    runs: Number(values.runs ?? (values.quick ? 5 : 20)),
    idleWindowS: Number(values["idle-window"] ?? (values.quick ? 5 : 20)),
    largeFiles,
    largeBytes,
    dvcs: parseDvcs(values.dvcs ?? "git,hg,bzr"),
    machines: (values.machines ?? (values.quick ? "8" : "8,16")).split(",").map(Number),
    seed: Number(values.seed ?? "20261205"),
    out: values.out ?? join(REPO_ROOT, "bench", "results", "latest.json"),
  };
}

function parseDvcs(list: string): Dvcs[] {
  const known: readonly string[] = ["git", "hg", "bzr"];
  const names = list.split(",").map((s) => s.trim());
  for (const name of names)
    if (!known.includes(name))
      throw new Error(`unknown dvcs '${name}' (one of ${known.join(",")})`);
  return names as Dvcs[];
}

const fmt = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value) ? "—" : value.toFixed(digits);

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function renderLatency(l: LatencyResult): string {
  return [
    `Propagation latency, write in A → content in B (${l.latency.runs} runs, ${l.failures} failed)`,
    table([
      ["", "p50 ms", "p95 ms", "min", "max"],
      ["latency", fmt(l.latency.p50), fmt(l.latency.p95), fmt(l.latency.min), fmt(l.latency.max)],
      [
        "raw chain (add -A, commit, push; pull)",
        fmt(l.rawGit.total.p50),
        fmt(l.rawGit.total.p95),
        fmt(l.rawGit.total.min),
        fmt(l.rawGit.total.max),
      ],
      ...Object.entries(l.rawGit.perCommand).map(([name, s]) => [
        `  git ${name}`,
        fmt(s.p50, 1),
        fmt(s.p95, 1),
        fmt(s.min, 1),
        fmt(s.max, 1),
      ]),
      [
        `configured delays (commit ${l.delays.commitDelay} + push ${l.delays.pushDelay} + pull ${l.delays.pullInterval}/2)`,
        fmt(l.delays.expectedMs),
        "",
        "",
        "",
      ],
      [
        `overhead = latency − delays − raw git (target p50 ≤ ${l.targetOverheadP50Ms})`,
        fmt(l.overheadP50Ms),
        fmt(l.overheadP95Ms),
        "",
        "",
      ],
    ]),
    "",
  ].join("\n");
}

function renderChannels(c: ChannelsResult): string {
  const yes = (met: boolean) => (met ? "met" : "MISSED");
  return [
    `Through a channel, write in A → content in B (commitDelay ${c.delays.commitDelay} ms, pushDelay ${c.delays.pushDelay} ms, no interval pulls)`,
    table([
      ["", "runs", "failed", "p50 ms", "p95 ms", "min", "max", "target p50", ""],
      ...c.channels.flatMap((ch) => [
        [
          `${ch.channel} raw chain: add -A, commit, push; pull (alternating)`,
          String(ch.rawChain.total.runs),
          "",
          fmt(ch.rawChain.total.p50),
          fmt(ch.rawChain.total.p95),
          fmt(ch.rawChain.total.min),
          fmt(ch.rawChain.total.max),
          "",
          "",
        ],
        [
          `${ch.channel} latency`,
          String(ch.latency.runs),
          String(ch.failures),
          fmt(ch.latency.p50),
          fmt(ch.latency.p95),
          fmt(ch.latency.min),
          fmt(ch.latency.max),
          `≤ ${fmt(ch.targetLatencyP50Ms)}`,
          yes(ch.latencyTargetMet),
        ],
        [
          `  ${ch.channel} overhead = latency − delays − raw chain`,
          "",
          "",
          fmt(ch.overheadP50Ms),
          "",
          "",
          "",
          `≤ ${ch.targetOverheadP50Ms}`,
          yes(ch.overheadTargetMet),
        ],
        [
          `  ${ch.channel} delivery (sent → received)`,
          String(ch.delivery.runs),
          "",
          fmt(ch.delivery.p50, 1),
          fmt(ch.delivery.p95, 1),
          fmt(ch.delivery.min, 1),
          fmt(ch.delivery.max, 1),
          `≤ ${ch.targetDeliveryP50Ms}`,
          yes(ch.deliveryTargetMet),
        ],
        [
          `  ${ch.channel} pushed → received`,
          String(ch.pushedToReceived.runs),
          "",
          fmt(ch.pushedToReceived.p50, 1),
          fmt(ch.pushedToReceived.p95, 1),
          fmt(ch.pushedToReceived.min, 1),
          fmt(ch.pushedToReceived.max, 1),
          `≤ ${ch.targetDeliveryP50Ms}`,
          "",
        ],
      ]),
    ]),
    ...c.channels.flatMap((ch) => [
      `${ch.channel}: where the latency goes (p50 of each step, stamped when the event line arrived)`,
      table([
        ["step", "p50 ms", "runs"],
        ...ch.stages.map((st) => [st.step, fmt(st.p50, 1), String(st.runs)]),
      ]),
    ]),
    ...c.failed.map((f) => `${f.channel}: FAILED ${f.message.split("\n")[0]}`),
    "target p50: latency ≤ commitDelay + pushDelay + raw git p50 + 250 ms; delivery ≤ 50 ms on both delivery rows",
    "(sent → received can be < 0: announcementSent comes once the send resolved, for MQTT after the broker's PUBACK)",
    "",
  ].join("\n");
}

function renderBursts(bursts: BurstResult[]): string {
  return [
    "Bursts (one running copy, new files)",
    table([
      ["files", "write ms", "to remote ms", "commits"],
      ...bursts.map((b) => [
        String(b.files),
        fmt(b.writeMs),
        b.timedOut ? "timed out" : fmt(b.toRemoteMs),
        String(b.commits),
      ]),
    ]),
    "",
  ].join("\n");
}

function renderIdle(idle: IdleResult[]): string {
  const t = IDLE_TARGETS;
  return [
    `Idle (60 s pull interval; ${fmt(idle[0]?.windowS ?? 20, 0)} s from ${fmt((idle[0]?.afterSyncMs ?? 2000) / 1000, 0)} s after a sync, not settled; targets: CPU ≤ ${t.cpuSPerMin} s/min, RSS ≤ ${t.rssMbAt20k} MB at 20,000 files)`,
    table([
      [
        "backend",
        "files",
        "CPU s/min (self)",
        "(+children)",
        "target",
        "RSS MB",
        "wakes in window by thread",
      ],
      ...idle.map((r) => [
        r.channel ? `${r.backend} + ${r.channel}` : r.backend,
        String(r.files),
        fmt(r.selfCpuSPerMin, 3),
        fmt(r.totalCpuSPerMin, 3),
        r.totalCpuSPerMin <= t.cpuSPerMin ? "met" : "MISSED",
        `${fmt(r.rssMb, 1)}${r.files >= 20_000 ? (r.rssMb <= t.rssMbAt20k ? " met" : " MISSED") : ""}`,
        r.threads
          .slice(0, 4)
          .map((thread) => `${thread.name} ${thread.wakes}`)
          .join(", "),
      ]),
    ]),
    "",
  ].join("\n");
}

function renderStartup(s: StartupResult): string {
  return [
    `Start on a ${s.files}-file tree (${s.backend} watcher; tree setup took ${fmt(s.setupMs / 1000, 1)} s)`,
    table([
      ["first event ms", "first commit ms", "RSS MB after"],
      [fmt(s.firstEventMs), fmt(s.firstCommitMs), fmt(s.rssMbAfterCommit, 1)],
    ]),
    "",
  ].join("\n");
}

function renderOperationRows(title: string, rows: readonly OperationRow[]): string {
  return [
    title,
    table([
      [
        "dvcs",
        "operation",
        "autosync p50/p95 ms",
        "raw p50/p95 ms",
        "ratio",
        "procs auto/raw",
        "target",
        "",
        "raw = ",
      ],
      ...rows.map((r) => [
        r.dvcs,
        r.operation,
        `${fmt(r.autosync.p50)}/${fmt(r.autosync.p95)}`,
        `${fmt(r.rawTime.p50)}/${fmt(r.rawTime.p95)}`,
        fmt(r.ratio, 2),
        `${fmt(r.autosyncProcesses)}/${fmt(r.rawProcesses)}`,
        `≤ ${r.target}`,
        r.met ? "met" : "MISSED",
        r.raw,
      ]),
    ]),
    "",
  ].join("\n");
}

function renderOperations(o: OperationsResult): string {
  return [
    renderOperationRows(
      `Per operation, autosync beside the raw commands, alternating (${o.runs} runs; ratio = p50/p50)`,
      o.rows,
    ),
    ...o.failed.map((f) => `${f.dvcs}: FAILED ${f.message.split("\n")[0]}`),
    `JSON ${JSON.stringify(o.rows.map(({ dvcs, operation, autosync, rawTime, ratio, autosyncProcesses, rawProcesses, target, met }) => ({ dvcs, operation, p50: autosync.p50, p95: autosync.p95, rawP50: rawTime.p50, rawP95: rawTime.p95, ratio, processes: autosyncProcesses, rawProcesses, target, met })))}`,
    "",
  ].join("\n");
}

function renderContention(results: ContentionResult[]): string {
  return [
    "Contention, raw git: n machines commit one new file at once (2 runs each, alternating)",
    table([
      ["design", "machines", "ms (each run)", "pushes", "rejected", "merges"],
      ...results.map((r) => [
        r.design,
        String(r.machines),
        fmt(r.ms),
        String(r.pushes),
        String(r.rejected),
        String(r.merges),
      ]),
    ]),
    "",
  ].join("\n");
}

/** Ctrl-C or a timeout: run the scopes' cleanups (child daemons, temp dirs) before exiting. */
function exitOnSignal(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void closeAllScopes().finally(() => process.exit(130));
    });
  }
}

async function main(): Promise<void> {
  exitOnSignal();
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync(AUTOSYNC_MAIN)) throw new Error("dist/ is missing: run `npm run build` first");
  const started = Date.now();
  const results: {
    latency?: LatencyResult;
    channels?: ChannelsResult;
    bursts?: BurstResult[];
    idle?: IdleResult[];
    startup?: StartupResult;
    operations?: OperationsResult;
    largeTree?: LargeTreeResult;
    fleet?: FleetResult[];
    contention?: ContentionResult[];
  } = {};

  const errors: { section: string; message: string }[] = [];
  // A failed section is reported and the others still run: one flaky setup must not throw
  // away ten minutes of figures.
  const section = async (name: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push({ section: name, message });
      log(`${name} failed: ${message.split("\n")[0]}`);
      process.stderr.write(`${message}\n`);
    }
  };

  if (options.sections.has("latency")) {
    await section("latency", async () => {
      log(`latency: ${options.runs} runs (and the same git commands by hand)`);
      results.latency = await measureLatency(options.runs);
      process.stdout.write(`${renderLatency(results.latency)}\n`);
    });
  }
  if (options.sections.has("channels")) {
    await section("channels", async () => {
      log(`channels: ${options.runs} runs each through XMPP and MQTT (and raw git by hand)`);
      results.channels = await measureChannels(options.runs);
      process.stdout.write(`${renderChannels(results.channels)}\n`);
      for (const { channel, message } of results.channels.failed) {
        errors.push({ section: `channels ${channel}`, message });
      }
    });
  }
  if (options.sections.has("burst")) {
    results.bursts = [];
    for (const count of options.quick ? [2000] : [2000, 20000]) {
      await section(`burst ${count}`, async () => {
        log(`burst of ${count} files`);
        results.bursts!.push(await measureBurst(count, count > 5000 ? 300_000 : 120_000));
      });
    }
    process.stdout.write(`${renderBursts(results.bursts)}\n`);
  }
  if (options.sections.has("idle")) {
    results.idle = [];
    for (const backend of ["native", "chokidar"] as WatcherBackend[]) {
      for (const files of options.quick ? [1, 2000] : [1, 20000]) {
        await section(`idle ${backend} ${files}`, async () => {
          log(`idle: ${backend} watcher, ${files} files, ${options.idleWindowS} s window`);
          results.idle!.push(await measureIdle(backend, files, options.idleWindowS));
        });
      }
    }
    // As most users run it: announcing over MQTT (the client keeps its connection alive).
    const files = options.quick ? 2000 : 20000;
    await section(`idle native ${files} mqtt`, async () => {
      log(`idle: native watcher, ${files} files, MQTT, ${options.idleWindowS} s window`);
      results.idle!.push(
        await measureIdle("native", files, options.idleWindowS, { channel: "mqtt" }),
      );
    });
    process.stdout.write(`${renderIdle(results.idle)}\n`);
  }
  if (options.sections.has("ops")) {
    await section("ops", async () => {
      results.operations = await measureOperations({
        runs: options.runs,
        bigFiles: 2000,
        dvcs: options.dvcs,
        log,
      });
      process.stdout.write(`${renderOperations(results.operations)}\n`);
      for (const { dvcs, message } of results.operations.failed)
        errors.push({ section: `ops ${dvcs}`, message });
    });
  }
  if (options.sections.has("large")) {
    await section("large", async () => {
      results.largeTree = await measureLargeTree({
        files: options.largeFiles,
        bytes: options.largeBytes,
        seed: options.seed,
        runs: Math.max(3, Math.ceil(options.runs / 2)),
        log,
      });
      process.stdout.write(
        `${renderOperationRows(`Large tree (${results.largeTree.files.toLocaleString("en")} files, ${fmt(results.largeTree.bytes / 2 ** 30, 2)} GiB; setup ${fmt(results.largeTree.setupS)} s)`, [results.largeTree.row])}` +
          `daemon RSS after syncing one change: ${fmt(results.largeTree.daemonRssMb, 1)} MB\n\n`,
      );
    });
  }
  if (options.sections.has("startup")) {
    await section("startup", async () => {
      log("startup: 100,000-file tree, one change made while down");
      results.startup = await measureStartup(100_000, "native");
      process.stdout.write(`${renderStartup(results.startup)}\n`);
    });
  }

  if (options.sections.has("fleet")) {
    results.fleet = [];
    for (const machines of options.machines) {
      await section(`fleet ${machines}`, async () => {
        log(`fleet: ${machines} machines, the careful loop then autosync, seed ${options.seed}`);
        const result = await measureFleet(machines, { seed: options.seed, seconds: 15 });
        results.fleet!.push(result);
        process.stdout.write(`${renderFleet(result)}\n`);
      });
    }
  }
  if (options.sections.has("contention")) {
    results.contention = [];
    // Alternating designs, so a burst of load elsewhere on the box hits both alike.
    for (let round = 0; round < 2; round++) {
      for (const machines of options.machines) {
        for (const design of ["serial", "synced"] as const) {
          await section(`contention ${design} ${machines}`, async () => {
            results.contention!.push(await measureContention(design, machines));
          });
        }
      }
    }
    process.stdout.write(`${renderContention(results.contention)}\n`);
  }

  const commit = (() => {
    try {
      return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
        cwd: REPO_ROOT,
        encoding: "utf8",
      }).trim();
    } catch {
      return undefined;
    }
  })();
  const report = {
    date: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    commit,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGb: totalmem() / 2 ** 30 },
    node: process.version,
    git: execFileSync("git", ["--version"], { encoding: "utf8" }).trim(),
    options: { ...options, sections: [...options.sections] },
    ...results,
    errors,
  };

  const out: string[] = [];
  for (const { section: name, message } of errors)
    out.push(`FAILED ${name}: ${message.split("\n")[0]}`);
  out.push(`Total ${fmt(report.durationS, 0)} s; JSON: ${options.out}`);
  process.stdout.write(`${out.join("\n")}\n`);
  await mkdir(join(options.out, ".."), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
  if (errors.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
