import { createHash } from "node:crypto";
import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import { isConflictCopy, parseConflictCopyName } from "../operations/conflict-copy-name.js";
import type { Recipe } from "../recipes/recipe.js";
import type { CommandRunner } from "../runtime/command-runner.js";
import { commitHost } from "./commit-host.js";
import { VersionHistory, type Revision } from "./version-history.js";

/** One machine's version of a conflicted file, as it stands in the tree. */
export interface ConflictVersion {
  /** Root-relative path of this version: the file itself or one of its conflict copies. */
  path: string;
  role: "file" | "copy";
  /** The machine that wrote it (from autosync's commit messages, else the author). */
  host: string;
  /** When it was written (the commit that wrote these bytes; the file's mtime if uncommitted). */
  timeMs: number;
  /** The revision that wrote these bytes; undefined when they are not committed yet. */
  revision?: string;
  size: number;
  text: boolean;
  sha256: string;
}

/** A conflict autosync kept both sides of, and nobody settled yet. */
export interface Conflict {
  repo: string;
  /** Absolute path of the repository root. */
  root: string;
  /** Root-relative path of the conflicted file. */
  path: string;
  /** The file first (when it exists), then each copy, oldest first. */
  versions: ConflictVersion[];
  /**
   * The common ancestor of the merge that made the oldest copy (else the next copy's merge),
   * when the DVCS can tell.
   */
  base?: { revision: string; exists: boolean };
}

export interface ConflictSource {
  repo: string;
  root: string;
  recipe: Recipe;
  runner: CommandRunner;
  /** This machine's name: the writer of bytes that are not committed yet. */
  host: string;
}

/** How many revisions of a path are compared with a version to find who wrote it. */
const ORIGIN_SEARCH_LIMIT = 50;

/**
 * Every unresolved conflict of a repository: the tracked files whose names are conflict copies
 * and exist, grouped by the file they belong to. Everything comes from tracked names and
 * history, so copies that arrived with a pull are listed on every machine.
 */
export async function findConflicts(source: ConflictSource): Promise<Conflict[]> {
  const history = new VersionHistory(source);
  const tracked = await history.trackedFiles();
  const groups = new Map<string, string[]>();
  for (const path of tracked) {
    if (!isConflictCopy(path)) continue;
    const parts = parseConflictCopyName(path);
    if (!parts || !(await readable(join(source.root, path)))) continue;
    groups.set(parts.path, [...(groups.get(parts.path) ?? []), path]);
  }
  const conflicts: Conflict[] = [];
  for (const [path, copies] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    conflicts.push(await describeConflict(source, history, path, copies));
  }
  return conflicts;
}

async function describeConflict(
  source: ConflictSource,
  history: VersionHistory,
  path: string,
  copies: string[],
): Promise<Conflict> {
  const log = await history.pathLog(path);
  const versions: ConflictVersion[] = [];
  const file = await versionOf(source, history, log, path, path, "file");
  if (file) versions.push(file);
  const copyVersions: ConflictVersion[] = [];
  for (const copy of copies) {
    const version = await versionOf(source, history, log, path, copy, "copy");
    // The name says whose side the copy keeps, also when a later commit touched it.
    if (version) copyVersions.push({ ...version, host: parseConflictCopyName(copy)?.host ?? "" });
  }
  copyVersions.sort((a, b) => a.timeMs - b.timeMs || a.path.localeCompare(b.path));
  versions.push(...copyVersions);
  const conflict: Conflict = { repo: source.repo, root: source.root, path, versions };
  // The oldest copy's merge first; a copy not made by a merge (added by hand, or its history
  // unreadable) must not hide the ancestor the others' merges name.
  for (const copy of copyVersions) {
    const base = await commonAncestor(history, path, copy.path);
    if (base) {
      conflict.base = base;
      break;
    }
  }
  return conflict;
}

async function versionOf(
  source: ConflictSource,
  history: VersionHistory,
  log: readonly Revision[],
  conflictedPath: string,
  path: string,
  role: ConflictVersion["role"],
): Promise<ConflictVersion | undefined> {
  const absolute = join(source.root, path);
  const info = await lstat(absolute).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const content = await readFile(absolute);
  const written = await writerOf(history, log, conflictedPath, content);
  return {
    path,
    role,
    host: written ? (commitHost(written.message) ?? written.author) : source.host,
    timeMs: written ? written.timeMs : info.mtimeMs,
    ...(written ? { revision: written.id } : {}),
    size: content.byteLength,
    text: isText(content),
    sha256: createHash("sha256").update(content).digest("hex"),
  };
}

/**
 * The revision that wrote these bytes at the conflicted path: the newest commit of the path
 * (merges aside: a merge only carries a side over) whose content is exactly these bytes.
 */
async function writerOf(
  history: VersionHistory,
  log: readonly Revision[],
  path: string,
  content: Buffer,
): Promise<Revision | undefined> {
  let looked = 0;
  for (const revision of log) {
    if (revision.parents.length > 1) continue;
    if (++looked > ORIGIN_SEARCH_LIMIT) break;
    const then = await history.contentAt(revision.id, path);
    if (then?.equals(content)) return revision;
  }
  return undefined;
}

/** The merge base of the keep-both merge that added `copy`: both sides' last shared version. */
async function commonAncestor(
  history: VersionHistory,
  path: string,
  copy: string,
): Promise<Conflict["base"]> {
  const added = (await history.pathLog(copy)).at(-1);
  const [local, remote] = added?.parents ?? [];
  if (local === undefined || remote === undefined) return undefined;
  const revision = await history.mergeBase(local, remote);
  if (revision === undefined) return undefined;
  return { revision, exists: (await history.contentAt(revision, path)) !== undefined };
}

async function readable(absolute: string): Promise<boolean> {
  const info = await lstat(absolute).catch(() => undefined);
  return info?.isFile() === true;
}

/** git's rule: a NUL byte in the first 8 KB makes a file binary. */
export function isText(content: Uint8Array): boolean {
  return !content.subarray(0, 8000).includes(0);
}

/** The bytes the three-way view compares: the ancestor's (when known) and each version's. */
export async function readThreeWay(
  source: ConflictSource,
  conflict: Conflict,
): Promise<{ ancestor?: Buffer; contents: Buffer[] }> {
  const contents = await Promise.all(
    conflict.versions.map((version) =>
      readFile(join(source.root, version.path)).catch(() => Buffer.alloc(0)),
    ),
  );
  const base = conflict.base;
  if (!base?.exists) return { contents };
  const ancestor = await new VersionHistory(source).contentAt(base.revision, conflict.path);
  return ancestor ? { ancestor, contents } : { contents };
}

/** The conflict a path names: the conflicted file itself or any of its copies. */
export function conflictFor(conflicts: readonly Conflict[], path: string): Conflict | undefined {
  return conflicts.find(
    (conflict) =>
      conflict.path === path || conflict.versions.some((version) => version.path === path),
  );
}
