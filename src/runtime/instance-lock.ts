import { link, readFile, unlink, writeFile } from "node:fs/promises";
import { runtimeMessages } from "../messages/runtime-messages.js";
import { processAlive } from "./process-alive.js";

/** The name of the per-repository lock file inside the metadata dir. */
// Not `*.lock`: stale-lock recovery removes unheld `*.lock` files in the metadata dir.
export const INSTANCE_LOCK_FILE = "autosync-instance.json";

/** Another autosync already serves a repository (exit code 3, `alreadyRunning`). */
export class AlreadyRunningError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "AlreadyRunningError";
  }
}

export interface InstanceLockInfo {
  pid: number;
  instanceId: string;
  host: string;
  startedAt: string;
}

export interface InstanceLock {
  readonly file: string;
  release(): Promise<void>;
}

/**
 * Locks held by daemons in this very process, by lock file → instance id. A lock file naming our
 * own pid is live only when one of them holds it; otherwise it was left by an earlier process
 * that had the same pid (pid 1 in a container restarted after kill -9).
 */
const heldHere = new Map<string, string>();

async function readLock(file: string): Promise<InstanceLockInfo | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<InstanceLockInfo>;
    return typeof parsed.pid === "number" && typeof parsed.instanceId === "string"
      ? (parsed as InstanceLockInfo)
      : undefined;
  } catch {
    return undefined;
  }
}

function isLive(file: string, info: InstanceLockInfo): boolean {
  if (info.pid === process.pid) return heldHere.get(file) === info.instanceId;
  return processAlive(info.pid);
}

/** The live holder of a lock file, if any: the one `acquireInstanceLock` would refuse to replace. */
export async function liveLockHolder(file: string): Promise<InstanceLockInfo | undefined> {
  const holder = await readLock(file);
  return holder && isLive(file, holder) ? holder : undefined;
}

/**
 * Takes the lock file `file` (in the repository's metadata dir) for this instance, or throws
 * AlreadyRunningError naming the holder. A lock whose process is gone is stale and replaced.
 * `root` is only for the message.
 */
export async function acquireInstanceLock(
  file: string,
  info: InstanceLockInfo,
  root: string,
): Promise<InstanceLock> {
  const content = `${JSON.stringify(info)}\n`;
  const temp = `${file}.${info.pid}.${info.instanceId}.tmp`;
  await writeFile(temp, content, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        // link() is atomic and refuses an existing target: the lock appears complete or not at
        // all, so a reader never sees a half-written file.
        await link(temp, file);
        heldHere.set(file, info.instanceId);
        return {
          file,
          async release() {
            if (heldHere.get(file) !== info.instanceId) return;
            heldHere.delete(file);
            const current = await readLock(file);
            if (current?.instanceId === info.instanceId) await unlink(file).catch(() => {});
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = await readLock(file);
      if (holder && isLive(file, holder)) {
        const { message, hint } = runtimeMessages.alreadyRunning(
          root,
          file,
          holder.pid,
          holder.host,
        );
        throw new AlreadyRunningError(message, hint);
      }
      // Stale (its process is gone) or unreadable: replace it.
      await unlink(file).catch(() => {});
    }
    throw new Error(`could not take ${file}: it keeps reappearing`);
  } finally {
    await unlink(temp).catch(() => {});
  }
}
