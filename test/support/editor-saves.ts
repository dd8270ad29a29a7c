import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * What real editors do on disk when a user edits and saves a file, step by step, so the
 * watcher sees the same storm of temporary names it sees in real life. Each save takes an
 * `editingMs`: the time the user spends editing with the editor's side files present (swap
 * files, lock symlinks, autosaves). Make it longer than the commit delay to prove that a quiet
 * period ending mid-edit still commits none of them.
 *
 * Each function returns the temporary names (relative, like `path`) that it created, so a test
 * can assert none of them ever reached a commit.
 */
export interface EditorSaveOptions {
  /** How long the editor's side files exist before the save (the user typing). */
  editingMs?: number;
  /** How long the editor stays open after the save before the user quits. */
  afterSaveMs?: number;
}

export type EditorSave = (
  root: string,
  path: string,
  content: string,
  options?: EditorSaveOptions,
) => Promise<string[]>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sibling(path: string, name: string): string {
  const dir = dirname(path);
  return dir === "." ? name : `${dir}/${name}`;
}

async function writeDurably(file: string, content: string | Buffer): Promise<void> {
  const handle = await open(file, "w", 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Vim 9 on Linux with defaults (`backupcopy=auto`, `writebackup`, `nobackup`, `swapfile`):
 * opening creates `.file.swp`; saving first creates and deletes the probe file `4913` to learn
 * whether it may create files in the directory, then renames `file` to `file~`, writes a new
 * `file`, and deletes `file~` once the write succeeded; quitting deletes the swap file.
 * (`strace -e trace=file vim -c 'wq' file` shows the sequence.)
 */
export const vimSave: EditorSave = async (root, path, content, options = {}) => {
  const { editingMs = 800, afterSaveMs = 300 } = options;
  const name = basename(path);
  const swap = sibling(path, `.${name}.swp`);
  const probe = sibling(path, "4913");
  const backup = sibling(path, `${name}~`);
  const abs = (rel: string) => join(root, rel);
  await mkdir(dirname(abs(path)), { recursive: true });
  // The swap file starts with the "b0VIM" block; vim rewrites it as the user types.
  await writeDurably(abs(swap), Buffer.concat([Buffer.from("b0VIM 9.0\0"), randomBytes(4086)]));
  await sleep(editingMs / 2);
  await writeDurably(abs(swap), Buffer.concat([Buffer.from("b0VIM 9.0\0"), randomBytes(8182)]));
  await sleep(editingMs / 2);
  await writeDurably(abs(probe), "");
  await unlink(abs(probe));
  const existed = await rename(abs(path), abs(backup)).then(
    () => true,
    () => false,
  );
  await writeDurably(abs(path), content);
  if (existed) await unlink(abs(backup));
  await sleep(afterSaveMs);
  await unlink(abs(swap));
  return [swap, probe, backup];
};

/**
 * Atomic write-then-rename (VS Code's and most libraries' "safe write", `write-file-atomic`):
 * the new content goes to a hidden temporary sibling, is fsynced, then renamed over the file.
 */
export const atomicSave: EditorSave = async (root, path, content, options = {}) => {
  const { editingMs = 0 } = options;
  const temp = sibling(path, `.${basename(path)}.tmp${randomBytes(3).toString("hex")}`);
  await mkdir(dirname(join(root, path)), { recursive: true });
  await sleep(editingMs);
  await writeDurably(join(root, temp), content);
  await rename(join(root, temp), join(root, path));
  return [temp];
};

/**
 * GNU Emacs defaults: the first modification creates the lock `.#file`, a dangling symlink to
 * `user@host.pid:boot-time`; auto-save writes `#file#` while the user types; the first save of a
 * session renames `file` to the backup `file~` (kept afterwards: `make-backup-files` is on),
 * writes the new `file`, deletes `#file#`, and removes the lock. Only the lock and the auto-save
 * are temporary: the backup stays until the user deletes it.
 */
export const emacsSave: EditorSave = async (root, path, content, options = {}) => {
  const { editingMs = 800 } = options;
  const name = basename(path);
  const lock = sibling(path, `.#${name}`);
  const autosave = sibling(path, `#${name}#`);
  const backup = sibling(path, `${name}~`);
  const abs = (rel: string) => join(root, rel);
  await mkdir(dirname(abs(path)), { recursive: true });
  await symlink(`tester@testhost.${process.pid}:1764000000`, abs(lock));
  await sleep(editingMs / 2);
  await writeDurably(abs(autosave), content.slice(0, Math.ceil(content.length / 2)));
  await sleep(editingMs / 2);
  await rename(abs(path), abs(backup)).catch(() => undefined);
  await writeDurably(abs(path), content);
  await unlink(abs(autosave));
  await unlink(abs(lock));
  return [lock, autosave];
};

/**
 * JetBrains IDEs' "safe write": write `file___jb_tmp___`, rename `file` to `file___jb_old___`,
 * rename the temporary to `file`, delete the old one.
 */
export const jetbrainsSave: EditorSave = async (root, path, content, options = {}) => {
  const { editingMs = 0 } = options;
  const temp = `${path}___jb_tmp___`;
  const old = `${path}___jb_old___`;
  const abs = (rel: string) => join(root, rel);
  await mkdir(dirname(abs(path)), { recursive: true });
  await sleep(editingMs);
  await writeDurably(abs(temp), content);
  const existed = await rename(abs(path), abs(old)).then(
    () => true,
    () => false,
  );
  await rename(abs(temp), abs(path));
  if (existed) await rm(abs(old), { force: true });
  return [temp, old];
};

export const EDITOR_SAVES: Record<string, EditorSave> = {
  vim: vimSave,
  atomic: atomicSave,
  emacs: emacsSave,
  jetbrains: jetbrainsSave,
};

/** Plain overwrite in place (echo > file), for comparison. */
export async function plainWrite(root: string, path: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}
