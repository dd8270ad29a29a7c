import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { runtimeMessages } from "../messages/runtime-messages.js";
import { AlreadyRunningError } from "./instance-lock.js";
import { processAlive } from "./process-alive.js";

/** Pidfiles written by daemons of this process (several run in-process in tests and the demo). */
const heldHere = new Set<string>();

async function readPid(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(path, "utf8")).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid of the live process this pidfile names, if any: what `writePidfile` would refuse. */
export async function livePidfileHolder(path: string): Promise<number | undefined> {
  const pid = await readPid(path);
  if (pid === undefined) return undefined;
  return (pid === process.pid ? heldHere.has(path) : processAlive(pid)) ? pid : undefined;
}

export interface Pidfile {
  readonly path: string;
  /** Removes the file if it still names this process. */
  remove(): Promise<void>;
}

/**
 * Writes the pid (decimal and a newline: what service managers and `kill $(cat …)` expect).
 * A pidfile naming a live process is refused; one naming a dead process (or our own pid left by
 * an earlier incarnation) is stale and replaced.
 */
export async function writePidfile(path: string): Promise<Pidfile> {
  const existing = await livePidfileHolder(path);
  if (existing !== undefined) {
    const { message, hint } = runtimeMessages.pidfileBusy(path, existing);
    throw new AlreadyRunningError(message, hint);
  }
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${process.pid}\n`, { mode: 0o644 });
  await rename(temp, path);
  heldHere.add(path);
  return {
    path,
    async remove() {
      if (!heldHere.delete(path)) return;
      if ((await readPid(path)) === process.pid) await unlink(path).catch(() => {});
    },
  };
}
