import type { ChildProcess } from "node:child_process";

/**
 * What a test process leaves running when it dies before its `t.after` cleanups run: the runner
 * stopped by `timeout`, Ctrl-C or a CI job's SIGTERM (node --test forwards it to each test
 * file's process), or a crash. Daemons are spawned detached, in a process group of their own so
 * that a test can kill them with their git children; the same group keeps every signal meant
 * for the test's group away from them, and an orphaned `autosync run` polls for ever. Brokers
 * and servers started as plain children are orphaned the same way when only the test's own
 * process is signalled.
 *
 * Every helper that starts a long-lived child registers it here. When this process exits (a
 * normal end, process.exit, an uncaught exception) or receives SIGINT, SIGTERM or SIGHUP, each
 * registered group or process still alive gets SIGKILL, synchronously, before the process goes.
 * SIGKILL of the test process itself cannot be caught: what it leaves stays.
 */

export interface Reaping {
  /** The child is gone or was cleaned up by its owner: never signal its pid again. */
  release(): void;
}

type Cleanup = () => void;

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const pending = new Set<Cleanup>();
let exitListening = false;
let signalsListening = false;

/**
 * SIGKILLs `child` (with `group`, its whole process group: it must have been spawned detached)
 * if this process exits first. A plain child is released when it exits; a group only once it
 * is empty, or by `release()` after the owner killed it: pids are reused (pid_max is often
 * 32768), so a stale entry could hit a stranger's group.
 */
export function reapOnExit(child: ChildProcess, { group }: { group: boolean }): Reaping {
  const pid = child.pid;
  if (pid === undefined) return { release() {} };
  const target = group ? -pid : pid;
  const reaping = runOnExit(() => process.kill(target, "SIGKILL"));
  child.once("exit", () => {
    if (!group || !signalable(target)) reaping.release();
  });
  return reaping;
}

/**
 * Runs `cleanup` (synchronous: it runs in the 'exit' listener) if this process exits before
 * `release()`. For what is not a child of ours, like a tmux server or a chg server's socket.
 */
export function runOnExit(cleanup: Cleanup): Reaping {
  listen();
  pending.add(cleanup);
  return { release: () => pending.delete(cleanup) };
}

function reapAll(): void {
  for (const cleanup of [...pending]) {
    pending.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Gone already (ESRCH), or one cleanup failed: the others still run.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  reapAll();
  for (const name of SIGNALS) process.removeListener(name, onSignal);
  signalsListening = false;
  // Die of the signal as if nobody had listened, so the runner reports it (exit 128+n); when
  // the test itself listens for it, that listener decides.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function listen(): void {
  if (!exitListening) {
    // 'exit' also runs after an uncaught exception or unhandled rejection ends the process.
    process.on("exit", reapAll);
    exitListening = true;
  }
  if (!signalsListening) {
    for (const name of SIGNALS) process.on(name, onSignal);
    signalsListening = true;
  }
}

/** Whether a process or group (negative) still exists; EPERM means it does, not ours. */
function signalable(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
