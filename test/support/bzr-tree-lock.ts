import { spawn } from "node:child_process";
import { join } from "node:path";

/**
 * Holds the dirstate lock the way brz itself does (a non-blocking fcntl write lock), from a
 * separate process, for `ms`; resolves once the lock is held, with a promise of its release.
 */
export async function holdTreeLock(root: string, ms: number): Promise<{ released: Promise<void> }> {
  const holder = spawn("python3", [
    "-c",
    [
      "import fcntl, sys, time",
      "f = open(sys.argv[1], 'r+b')",
      "fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)",
      "print('held', flush=True)",
      "time.sleep(float(sys.argv[2]))",
    ].join("\n"),
    join(root, ".bzr", "checkout", "dirstate"),
    String(ms / 1000),
  ]);
  const released = new Promise<void>((resolve) => holder.on("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on("data", () => resolve());
    holder.on("error", reject);
    holder.on("exit", (code) => reject(new Error(`the lock holder exited (${code})`)));
  });
  return { released };
}
