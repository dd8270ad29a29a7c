import type { StatusEntry } from "../../engine/status-entry.js";
import type { StatusParser } from "./status-parser.js";

/**
 * Parses `hg status --print0 --copies` (run at the root with HGPLAIN=1, so paths are
 * root-relative and untranslated). Every record is `<code> <path>\0`; a copy source follows its
 * `A` record as `  <source>\0` (two spaces: no status code starts with a space, so the two forms
 * cannot be confused, whatever the file name holds). NUL separation keeps spaces, quotes and
 * unicode intact. An `A` whose copy source is also `R` is a rename; a copy whose source stays is
 * an addition. Missing (`!`) counts as deleted: the file is gone from disk, the commit removes it.
 */
export function parseHgStatus(stdout: string): StatusEntry[] {
  const records = stdout.split("\0");
  if (records.at(-1) === "") records.pop();

  interface Parsed {
    code: string;
    path: string;
    source?: string;
  }
  const parsed: Parsed[] = [];
  for (const record of records) {
    if (record.startsWith("  ")) {
      const previous = parsed.at(-1);
      if (previous?.code === "A") previous.source = record.slice(2);
      continue;
    }
    const code = record[0];
    if (code === undefined || record[1] !== " " || record.length < 3) {
      throw new Error(`unexpected hg status record: ${JSON.stringify(record)}`);
    }
    parsed.push({ code, path: record.slice(2) });
  }

  const removed = new Set(parsed.filter((p) => p.code === "R").map((p) => p.path));
  const renamedFrom = new Set<string>();
  const entries: StatusEntry[] = [];
  for (const { code, path, source } of parsed) {
    switch (code) {
      case "M":
        entries.push({ path, action: "modified" });
        break;
      case "A":
        if (source !== undefined && removed.has(source) && !renamedFrom.has(source)) {
          renamedFrom.add(source);
          entries.push({ path, action: "renamed", from: source });
        } else {
          entries.push({ path, action: "added" });
        }
        break;
      case "?":
        entries.push({ path, action: "added" });
        break;
      case "R":
      case "!":
        entries.push({ path, action: "deleted" });
        break;
      // C (clean) and I (ignored) only appear when asked for; neither is a change.
      case "C":
      case "I":
        break;
      default:
        throw new Error(
          `unknown hg status code ${JSON.stringify(code)} for ${JSON.stringify(path)}`,
        );
    }
  }
  return entries.filter((entry) => !(entry.action === "deleted" && renamedFrom.has(entry.path)));
}

/**
 * Mercurial refuses to track names containing a newline or carriage return ("abort: '\n' and
 * '\r' disallowed in filenames"), and a refused name aborts the whole `hg add`. Such files
 * cannot be synced by hg at all; they are left out of status and commits.
 */
export function isStorableInHg(path: string): boolean {
  return !/[\r\n]/.test(path);
}

/**
 * Registry form. hg status does not show unresolved merge files (they look modified); the hg
 * operations read `hg resolve --list` for those, so `conflicted` stays empty here.
 */
export const hgStatusParser: StatusParser = (stdout) => ({
  entries: parseHgStatus(stdout),
  conflicted: [],
});
