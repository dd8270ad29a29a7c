import { hostname } from "node:os";

/**
 * Whether a DVCS lock recorded as held by `pid` on `host` is stale: the host is this machine
 * and no process with that pid exists. A lock of another host (a shared drive) or of a live
 * process is never stale. (A reused pid keeps a stale lock alive; that only delays recovery.)
 */
export function isStaleLockHolder(host: string, pid: number): boolean {
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
