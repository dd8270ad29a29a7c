import { rmSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { runOnExit, type Reaping } from "./exit-reaper.js";

/**
 * The chg servers listening below `socketDir` (their command line names the address). They
 * run in a session of their own, so no process-group kill reaches them. Linux (/proc) only.
 */
export async function chgServers(socketDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(join("/proc", entry, "cmdline"), "utf8").catch(() => "");
    if (cmdline.includes("chgunix") && cmdline.includes(socketDir)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * A chg server polls its socket every second and exits once it is gone; left alone it idles
 * for its timeout (10 min from autosync, an hour by default). Removes `socketDir` if this
 * process exits before `release()`: cleanup that removes the temp dir does the same.
 */
export function endChgServersOnExit(socketDir: string): Reaping {
  return runOnExit(() => rmSync(socketDir, { recursive: true, force: true }));
}
