import { access, constants, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { doctorMessages as messages } from "../messages/doctor-messages.js";
import { type CheckResult, ok, problem } from "./check-result.js";

/**
 * sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included: a longer
 * socket path cannot be bound at all.
 */
const MAX_SOCKET_PATH_BYTES = process.platform === "linux" ? 107 : 103;

/**
 * The nearest folder that exists on the way up to `path`'s own: the daemon creates the missing
 * ones (mkdir -p), so that one must be writable. The doctor itself creates nothing.
 */
async function nearestExistingDir(path: string): Promise<{ dir: string; isDir: boolean }> {
  let dir = dirname(path);
  for (;;) {
    const found = await stat(dir).catch(() => undefined);
    if (found) return { dir, isDir: found.isDirectory() };
    const parent = dirname(dir);
    if (parent === dir) return { dir, isDir: false };
    dir = parent;
  }
}

async function writableDir(path: string): Promise<{ dir: string; writable: boolean }> {
  const { dir, isDir } = await nearestExistingDir(path);
  if (!isDir) return { dir, writable: false };
  const writable = await access(dir, constants.W_OK).then(
    () => true,
    () => false,
  );
  return { dir, writable };
}

export async function checkPidfilePlace(pidfile: string): Promise<CheckResult> {
  const { dir, writable } = await writableDir(pidfile);
  return writable
    ? ok("machine", "pidfile", messages.pidfilePlace(pidfile))
    : problem("machine", "pidfile", messages.notWritable("pidfile", pidfile, dir));
}

export async function checkSocketPlace(socket: string): Promise<CheckResult> {
  const bytes = Buffer.byteLength(socket);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    return problem(
      "machine",
      "socket",
      messages.socketTooLong(socket, bytes, MAX_SOCKET_PATH_BYTES),
    );
  }
  const { dir, writable } = await writableDir(socket);
  return writable
    ? ok("machine", "socket", messages.socketPlace(socket))
    : problem("machine", "socket", messages.notWritable("controlSocket", socket, dir));
}
