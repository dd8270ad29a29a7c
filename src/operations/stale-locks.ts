import { readdir, readFile, readlink, realpath, rm } from "node:fs/promises";
import { join, resolve, sep } from "node:path";

/**
 * Removes lock files that a killed DVCS process left behind, and only those: a lock is removed
 * when no process has it open and no process of the DVCS runs inside the repository. Both are
 * read from /proc (Linux). Where /proc is unavailable nothing is removed: a lock we cannot prove
 * stale is never touched, the DVCS just reports it.
 *
 * Why both checks: git holds `index.lock` open from creation to rename, so an open file
 * descriptor proves a live owner; the cwd check additionally keeps locks while any DVCS
 * process works in the repository, even between its lock files.
 */
export async function removeStaleLocks(options: {
  locks: readonly string[];
  /** Directories (root, metadata dir) in which a running DVCS process keeps every lock. */
  workDirs: readonly string[];
  /** Process names (`/proc/<pid>/comm`) of the DVCS, e.g. `git`, `hg`, `brz`. */
  processNames: readonly string[];
}): Promise<string[]> {
  if (options.locks.length === 0) return [];
  const processes = await listProcesses();
  if (processes === undefined) return [];
  // /proc shows resolved paths: compare against resolved ones (tmp dirs are often symlinked).
  const real = (path: string) => realpath(path).catch(() => resolve(path));
  const workDirs = await Promise.all(options.workDirs.map(real));
  const busy = processes.some(
    (proc) =>
      proc.pid !== process.pid &&
      options.processNames.some((name) => proc.comm === name || proc.comm.startsWith(`${name}-`)) &&
      proc.cwd !== undefined &&
      workDirs.some((dir) => proc.cwd === dir || proc.cwd!.startsWith(dir + sep)),
  );
  if (busy) return [];
  const held = new Set(processes.flatMap((proc) => proc.openFiles));
  const removed: string[] = [];
  for (const lock of options.locks) {
    const absolute = resolve(lock);
    if (held.has(absolute) || held.has(await real(absolute))) continue;
    await rm(absolute, { force: true });
    removed.push(absolute);
  }
  return removed;
}

interface ProcessInfo {
  pid: number;
  comm: string;
  cwd: string | undefined;
  openFiles: string[];
}

/** Every readable process; undefined when /proc is not there (not Linux). */
async function listProcesses(): Promise<ProcessInfo[] | undefined> {
  const entries = await readdir("/proc").catch(() => undefined);
  if (!entries) return undefined;
  const pids = entries.filter((entry) => /^\d+$/.test(entry)).map(Number);
  const infos = await Promise.all(
    pids.map(async (pid): Promise<ProcessInfo> => {
      const base = `/proc/${pid}`;
      const [comm, cwd, fds] = await Promise.all([
        readFile(`${base}/comm`, "utf8").catch(() => ""),
        readlink(`${base}/cwd`).catch(() => undefined),
        readdir(`${base}/fd`).catch(() => [] as string[]),
      ]);
      const openFiles = await Promise.all(
        fds.map((fd) => readlink(`${base}/fd/${fd}`).catch(() => "")),
      );
      return { pid, comm: comm.trim(), cwd, openFiles: openFiles.filter((f) => f.startsWith("/")) };
    }),
  );
  return infos;
}

/** Lock files directly in `dir` and, recursively, below its `subdirs` (e.g. git's refs/). */
export async function findLockFiles(dir: string, subdirs: readonly string[] = []) {
  const found: string[] = [];
  const top = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of top) {
    if (entry.isFile() && entry.name.endsWith(".lock")) found.push(join(dir, entry.name));
  }
  for (const sub of subdirs) {
    const nested = await readdir(join(dir, sub), { recursive: true, withFileTypes: true }).catch(
      () => [],
    );
    for (const entry of nested) {
      if (entry.isFile() && entry.name.endsWith(".lock"))
        found.push(join(entry.parentPath, entry.name));
    }
  }
  return found;
}
