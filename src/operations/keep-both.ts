import { lstat, mkdir, open, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { conflictCopyName } from "./conflict-copy-name.js";

/**
 * Writes the local side of a conflict beside the path, as its conflict copy, and returns the
 * copy's root-relative path. Never overwrites anything: an existing file with the same bytes
 * is reused (another machine made the same copy), a different one moves us to the next name.
 * The file is created exclusively (O_EXCL), so a file appearing meanwhile is not clobbered.
 */
export async function writeConflictCopy(options: {
  root: string;
  path: string;
  host: string;
  nowMs: number;
  content: Uint8Array;
  /** File mode of the local version (keeps an executable bit). */
  mode?: number;
}): Promise<{ copyPath: string; created: boolean }> {
  const { root, path, host, nowMs, content } = options;
  // After a directory/file conflict the parent may be gone; the copy still needs a home.
  await mkdir(dirname(join(root, path)), { recursive: true });
  for (let attempt = 1; attempt < 1000; attempt++) {
    const copyPath = conflictCopyName(path, host, nowMs, content, attempt);
    const absolute = join(root, copyPath);
    try {
      const handle = await open(absolute, "wx", options.mode ?? 0o644);
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { copyPath, created: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await holdsBytes(absolute, content)) return { copyPath, created: false };
    }
  }
  throw new Error(`no free conflict-copy name for ${path}`);
}

async function holdsBytes(absolute: string, content: Uint8Array): Promise<boolean> {
  const info = await lstat(absolute).catch(() => undefined);
  if (!info?.isFile() || info.size !== content.byteLength) return false;
  return Buffer.from(content).equals(await readFile(absolute));
}

/** Removes copies this operation created, when it is undone (a merge aborted half-way). */
export async function removeCreatedCopies(root: string, copyPaths: readonly string[]) {
  await Promise.all(copyPaths.map((copyPath) => rm(join(root, copyPath), { force: true })));
}
