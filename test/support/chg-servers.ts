import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

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
