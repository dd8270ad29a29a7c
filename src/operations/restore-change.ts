import { randomUUID } from "node:crypto";
import { chmod, lstat, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FileChange } from "./user-change.js";

/** Old content staged in the tree, ready to be renamed onto its file as one user change. */
export interface StagedRestore {
  changes: FileChange[];
  /** Removes the staged file if the change did not take it (always safe to call). */
  discard(): Promise<void>;
}

/**
 * Writes `content` under a `~` name at the root (an editor backup pattern autosync always
 * ignores, so no commit can take it), with the target's permissions, and returns the change
 * that renames it onto `target`: rename(2) replaces the file atomically, so it is never
 * half-written, and the content never travels through the control socket.
 */
export async function stageRestore(
  root: string,
  target: string,
  content: Uint8Array,
): Promise<StagedRestore> {
  const staged = `.autosync-restore-${randomUUID()}~`;
  const file = join(root, staged);
  await writeFile(file, content, { flag: "wx" });
  const existing = await lstat(join(root, target)).catch(() => undefined);
  if (existing?.isFile()) await chmod(file, existing.mode & 0o7777);
  return {
    changes: [{ op: "rename", from: staged, to: target }],
    discard: () => rm(file, { force: true }),
  };
}
