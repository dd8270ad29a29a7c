import type { StatusEntry } from "../../engine/status-entry.js";
import type { StatusParser } from "./status-parser.js";

/**
 * Breezy has no NUL-separated status, so the bzr side reads three line-based outputs and leans
 * on two facts measured with brz 3.3: paths are printed verbatim (no quoting or escaping of
 * spaces, quotes, backslashes or unicode, given a UTF-8 locale — under LC_ALL=C brz crashes on
 * non-ASCII names), and a name containing a newline can be added but never committed (`brz
 * commit` dies with BzrBadParameterContainsNewline). Such names are therefore never versioned by
 * autosync, a line that does not start with a status prefix continues the previous name, and the
 * operations drop every path that contains a newline.
 */

/** `brz status --short` prefix: versioning column, content column, execute column, space. */
export const STATUS_PREFIX = /^[ +\-R?XCP][ NDKM][ *] /;

/**
 * Parses `brz status --short --versioned --no-pending --no-classify`. Unknown files come from
 * {@link parseBzrAddDryRun} instead, because status lists an unknown directory as one line where
 * autosync needs its files. A rename prints `old => new`; when a name itself contains ` => `,
 * `versionedPaths` (from `brz ls --recursive --versioned --null`) picks the split whose new name
 * exists.
 */
export function parseBzrStatus(
  stdout: string,
  versionedPaths?: ReadonlySet<string>,
): StatusEntry[] {
  const lines: string[] = [];
  if (stdout.endsWith("\n")) stdout = stdout.slice(0, -1);
  for (const line of stdout === "" ? [] : stdout.split("\n")) {
    if (STATUS_PREFIX.test(line) || lines.length === 0) lines.push(line);
    else lines[lines.length - 1] += `\n${line}`;
  }

  const entries: StatusEntry[] = [];
  for (const line of lines) {
    if (!STATUS_PREFIX.test(line)) {
      throw new Error(`unexpected brz status line: ${JSON.stringify(line)}`);
    }
    const versioning = line[0];
    const content = line[1];
    const executable = line[2] === "*";
    const rest = line.slice(4);
    switch (versioning) {
      case "R": {
        const { from, to } = splitRename(rest, versionedPaths);
        entries.push({ path: to, action: "renamed", from });
        continue;
      }
      // Conflicts, pending merges and paths that exist nowhere are not local changes.
      case "C":
      case "P":
      case "X":
        continue;
      case "?":
        entries.push({ path: rest, action: "added" });
        continue;
      case "+":
        entries.push({ path: rest, action: "added" });
        continue;
      case "-":
        entries.push({ path: rest, action: "deleted" });
        continue;
    }
    if (content === "N") entries.push({ path: rest, action: "added" });
    else if (content === "D") entries.push({ path: rest, action: "deleted" });
    else if (content === "M" || content === "K" || executable) {
      entries.push({ path: rest, action: "modified" });
    }
  }
  return entries;
}

function splitRename(
  text: string,
  versionedPaths: ReadonlySet<string> | undefined,
): { from: string; to: string } {
  const separator = " => ";
  const candidates: { from: string; to: string }[] = [];
  for (let at = text.indexOf(separator); at !== -1; at = text.indexOf(separator, at + 1)) {
    candidates.push({ from: text.slice(0, at), to: text.slice(at + separator.length) });
  }
  const first = candidates[0];
  if (first === undefined) throw new Error(`brz rename without "=>": ${JSON.stringify(text)}`);
  return candidates.find((candidate) => versionedPaths?.has(candidate.to)) ?? first;
}

/**
 * Parses `brz add --dry-run`: one `adding <path>` line per unknown file or directory that is
 * not ignored (brz applies .bzrignore and the user's ignore file here, which a walk of the disk
 * would not). Directories are listed too; the operations keep files only.
 *
 * Unlike status, add quotes a name (breezy.osutils.quotefn) when it holds any character outside
 * `[a-zA-Z0-9.,:/\\_~-]`: `"` + name + `"`, nothing escaped inside. That is unambiguous: a
 * name that itself starts and ends with `"` contains an unsafe character, so it is printed
 * quoted once more; a printed name wrapped in quotes is therefore always a quoted one.
 */
export function parseBzrAddDryRun(stdout: string): string[] {
  const printed: string[] = [];
  if (stdout.endsWith("\n")) stdout = stdout.slice(0, -1);
  for (const line of stdout === "" ? [] : stdout.split("\n")) {
    if (line.startsWith("adding ")) printed.push(line.slice("adding ".length));
    else if (printed.length > 0) printed[printed.length - 1] += `\n${line}`;
  }
  return printed.map((name) =>
    name.length >= 2 && name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name,
  );
}

export type BzrConflict =
  | { type: "text" | "contents"; path: string }
  /** Both sides added a file at `path`; brz moved ours to `movedTo`. */
  | { type: "duplicate"; path: string; movedTo: string }
  | { type: "other"; line: string };

/** Parses `brz conflicts`: the three kinds keep-both resolves, and the rest verbatim. */
export function parseBzrConflicts(stdout: string): BzrConflict[] {
  const conflicts: BzrConflict[] = [];
  for (const line of stdout.split("\n")) {
    if (line === "") continue;
    let match: RegExpExecArray | null;
    if ((match = /^Text conflict in (.+)$/.exec(line)) && match[1] !== undefined) {
      conflicts.push({ type: "text", path: match[1] });
    } else if ((match = /^Contents conflict in (.+)$/.exec(line)) && match[1] !== undefined) {
      conflicts.push({ type: "contents", path: match[1] });
    } else if (
      (match = /^Conflict adding file (.+)\. {2}Moved existing file to (.+)\.$/.exec(line)) &&
      match[1] !== undefined &&
      match[2] !== undefined
    ) {
      conflicts.push({ type: "duplicate", path: match[1], movedTo: match[2] });
    } else {
      conflicts.push({ type: "other", line });
    }
  }
  return conflicts;
}

/**
 * See the module comment: brz cannot commit a name with a newline, and a recursive `brz add`
 * skips names with a newline or carriage return ("skipping '…' (contains \n or \r)").
 */
export function isStorableInBzr(path: string): boolean {
  return !/[\r\n]/.test(path);
}

/** Registry form: `C` lines name the paths an unfinished merge left conflicted. */
export const bzrStatusParser: StatusParser = (stdout) => {
  const conflicted: string[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("C   ")) continue;
    const [conflict] = parseBzrConflicts(line.slice(4));
    if (conflict && conflict.type !== "other") conflicted.push(conflict.path);
    else conflicted.push(line.slice(4));
  }
  return { entries: parseBzrStatus(stdout), conflicted };
};
