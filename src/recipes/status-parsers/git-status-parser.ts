import type { StatusEntry } from "../../engine/status-entry.js";
import type { ParsedStatus } from "./status-parser.js";

/**
 * Parses `git status --porcelain=v2 -z --untracked-files=all`
 * (https://git-scm.com/docs/git-status#_porcelain_format_version_2). Records are NUL-terminated
 * and paths are never quoted, so names with newlines, tabs and quotes arrive byte for byte;
 * a rename record is followed by one more NUL-terminated field, the original path.
 *
 * The action is the change of the working tree against HEAD, because the commit stages each
 * path with `git add -A` (index and working tree together).
 */
export function parseGitStatus(stdout: string): ParsedStatus {
  const fields = stdout.split("\0");
  const entries: StatusEntry[] = [];
  const conflicted: string[] = [];
  for (let index = 0; index < fields.length; index++) {
    const record = fields[index] ?? "";
    if (record === "") continue;
    const type = record[0];
    if (type === "?") {
      const path = record.slice(2);
      // An untracked directory despite --untracked-files=all is a nested repository: its own
      // working copy, never ours to add (git would record an embedded repository).
      if (!path.endsWith("/")) entries.push({ path, action: "added" });
    } else if (type === "1") {
      const [, xy = "..", sub = "N...", path] = splitFields(record, 8);
      if (sub.startsWith("S") || path === undefined) continue;
      const action = ordinaryAction(xy);
      if (action) entries.push({ path, action });
    } else if (type === "2") {
      const [, xy = "..", sub = "N...", path] = splitFields(record, 9);
      const from = fields[++index];
      if (sub.startsWith("S") || path === undefined || from === undefined) continue;
      const worktree = xy[1];
      if (xy[0] === "C") {
        if (worktree !== "D") entries.push({ path, action: "added" });
      } else if (worktree === "D") {
        // Staged as a rename, then the new name was deleted: only the old name's loss is left.
        entries.push({ path: from, action: "deleted" });
      } else {
        entries.push({ path, action: "renamed", from });
      }
    } else if (type === "u") {
      const [, , , path] = splitFields(record, 10);
      if (path !== undefined) conflicted.push(path);
    }
    // "!" (ignored) and "#" (headers) records carry nothing to commit.
  }
  return { entries, conflicted };
}

/** Splits off `count` space-separated fields; the rest (the path, spaces and all) comes last. */
function splitFields(record: string, count: number): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let field = 0; field < count; field++) {
    const space = record.indexOf(" ", start);
    if (space < 0) return parts;
    parts.push(record.slice(start, space));
    start = space + 1;
  }
  parts.push(record.slice(start));
  return [parts[0] ?? "", parts[1] ?? "", parts[2] ?? "", ...parts.slice(count)];
}

function ordinaryAction(xy: string): StatusEntry["action"] | undefined {
  const [staged, worktree] = [xy[0], xy[1]];
  if (staged === "D" || worktree === "D") {
    // Added to the index, then deleted: not in HEAD, so there is nothing to delete — but the
    // index entry must go, which staging the path with -A does; report it as an added path.
    return staged === "A" ? "added" : "deleted";
  }
  if (staged === "A") return "added";
  return "modified";
}
