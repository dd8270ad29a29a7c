/**
 * Measures the memory and inotify watches of one watcher backend on a generated tree, the way
 * issue 4 asks (target: ≤ 120 MB RSS at 20,000 files). Each backend runs in its own process so
 * one's heap does not inflate the other's figure.
 *
 *   npx tsx scripts/measure-watcher-rss.ts [files=20000] [filesPerDir=20]
 */
import { execFileSync, spawn } from "node:child_process";
import {
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createIgnoreFilter } from "../src/runtime/ignore-filter.js";
import { startWatcher, type WatcherBackend } from "../src/runtime/watcher/watcher.js";

function inotifyWatches(): number {
  let watches = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (!target.includes("inotify")) continue;
    const info = readFileSync(`/proc/self/fdinfo/${fd}`, "utf8");
    watches += info.split("\n").filter((line) => line.startsWith("inotify wd:")).length;
  }
  return watches;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function measure(backend: WatcherBackend, root: string, files: number): Promise<void> {
  const baseline = process.memoryUsage.rss();
  const filter = await createIgnoreFilter({
    root,
    recipe: {
      kind: "git",
      metadataDir: ".git",
      ignoreFiles: [{ path: ".gitignore", scope: "every-level", syntax: "gitignore" }],
    },
    ignore: { files: [], patterns: [] },
    globalExcludesFile: null,
  });
  const started = performance.now();
  let seen = 0;
  const watcher = await startWatcher({
    root,
    backend,
    skipDirs: [".git"],
    isIgnored: filter.isIgnored,
    observe: filter.observe,
    onChanges: (paths) => (seen += paths.length),
    onRescanNeeded: () => {},
    onError: (error) => console.error(error.message),
    rescanIntervalMs: 300_000,
  });
  const readyMs = performance.now() - started;
  // Touch every 10th file so the event path is exercised too, then let it settle.
  for (let i = 0; i < files; i += 10)
    writeFileSync(join(root, `d${Math.floor(i / 20)}`, `f${i}.txt`), "changed");
  const deadline = Date.now() + 20_000;
  while (seen < files / 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const result = {
    backend,
    files,
    readyMs: Math.round(readyMs),
    watches: inotifyWatches(),
    rssMB: mb(process.memoryUsage.rss()),
    baselineRssMB: mb(baseline),
    eventsSeen: seen,
  };
  await watcher.close();
  console.log(JSON.stringify(result));
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === "--child") {
  const [backend, root, files] = rest as [WatcherBackend, string, string];
  await measure(backend, root, Number(files));
} else {
  const files = Number(mode ?? 20_000);
  const perDir = Number(rest[0] ?? 20);
  for (const backend of ["native", "chokidar"] as const) {
    const root = mkdtempSync(join(tmpdir(), "autosync-rss-"));
    try {
      execFileSync("git", ["init", "-q", root]);
      for (let i = 0; i < files; i++) {
        const dir = join(root, `d${Math.floor(i / perDir)}`);
        if (i % perDir === 0) mkdirSync(dir);
        writeFileSync(join(dir, `f${i}.txt`), `file ${i}\n`);
      }
      const self = fileURLToPath(import.meta.url);
      await new Promise<void>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ["--expose-gc", "--import", "tsx", self, "--child", backend, root, String(files)],
          { stdio: "inherit" },
        );
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
}
