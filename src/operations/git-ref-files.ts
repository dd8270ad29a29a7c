import { readFile, stat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

/**
 * HEAD, the current branch, a branch's commit and a merge in progress, read from the files git
 * keeps them in: a process costs 5–20 ms on a busy machine, a file read well under one, and a
 * push or an idle pull needs four of these facts. Every reader answers `undefined` when it
 * cannot be sure (a reftable repository, a symbolic branch ref, an unreadable file): the caller
 * then asks git, so an unusual layout costs a process, never a wrong answer.
 */
export interface GitDirs {
  /** The worktree's own metadata: HEAD, MERGE_HEAD, index. */
  gitDir: string;
  /** Shared by linked worktrees: refs, packed-refs, config. */
  commonDir: string;
  /** Refs live in a reftable database, not in files: every reader answers "ask git". */
  reftable: boolean;
}

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export async function locateGitDirs(gitDir: string): Promise<GitDirs> {
  const common = await readFile(join(gitDir, "commondir"), "utf8").catch(() => undefined);
  const relative = common?.trim();
  const commonDir = !relative ? gitDir : isAbsolute(relative) ? relative : join(gitDir, relative);
  const reftable = await stat(join(commonDir, "reftable")).then(
    () => true,
    () => false,
  );
  return { gitDir, commonDir, reftable };
}

/** What HEAD points at; undefined when the files do not say for sure. */
export type HeadRef = { branch: string } | { detached: string };

export async function readHeadRef(dirs: GitDirs): Promise<HeadRef | undefined> {
  if (dirs.reftable) return undefined;
  const text = await readFile(join(dirs.gitDir, "HEAD"), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const line = text.trim();
  const symbolic = /^ref: refs\/heads\/(.+)$/.exec(line);
  if (symbolic?.[1] !== undefined) return { branch: symbolic[1] };
  if (OBJECT_ID.test(line)) return { detached: line };
  return undefined;
}

/**
 * The commit a full ref name (`refs/heads/main`, `refs/remotes/origin/main`) points at: a loose
 * ref file, else its line in packed-refs. `null` means git has no such ref (an unborn branch),
 * `undefined` that the files cannot tell.
 */
export async function readRef(dirs: GitDirs, ref: string): Promise<string | null | undefined> {
  if (!ref.startsWith("refs/") || ref.includes("..")) return undefined;
  if (dirs.reftable) return undefined;
  let loose: string | undefined;
  try {
    loose = await readFile(join(dirs.commonDir, ref), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR/EISDIR: `refs/heads/a` is a directory of `a/b` refs, or the other way round.
    if (code !== "ENOENT" && code !== "ENOTDIR" && code !== "EISDIR") return undefined;
  }
  if (loose !== undefined) {
    const id = loose.trim();
    return OBJECT_ID.test(id) ? id : undefined;
  }
  let packed: string;
  try {
    packed = await readFile(join(dirs.commonDir, "packed-refs"), "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? null : undefined;
  }
  for (const line of packed.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0 && line.slice(space + 1) === ref) {
      const id = line.slice(0, space);
      return OBJECT_ID.test(id) ? id : undefined;
    }
  }
  return null;
}

/** True when a merge is in progress (git's MERGE_HEAD); undefined when the file cannot be read. */
export async function mergeHeadExists(dirs: GitDirs): Promise<boolean | undefined> {
  try {
    await stat(join(dirs.gitDir, "MERGE_HEAD"));
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? false : undefined;
  }
}

/** The config file, for `fileStamp`: shared by linked worktrees. */
export function configPath(dirs: GitDirs): string {
  return join(dirs.commonDir, "config");
}
