import type { LogEntry, LogFile, LogFileAction } from "./log-entry.js";

const SEPARATOR = /^( *)-{60}$/;
const SECTIONS: Readonly<Record<string, LogFileAction | "skip">> = {
  "added:": "added",
  "removed:": "deleted",
  "modified:": "modified",
  "renamed:": "renamed",
  "kind changed:": "modified",
  "unknown:": "skip",
};

interface Draft {
  entry: LogEntry;
  revno: string;
  section: "header" | "message" | LogFileAction | "skip";
  messageLines: string[];
}

/**
 * Parses `brz log --long --verbose --show-ids --levels 0` (see recipes/bzr.yaml). Breezy has no
 * machine format, so this reads its long form: a line of 60 dashes starts each revision, merged
 * revisions are indented four spaces per level, the message and the file lists are indented two
 * more. A file line is `name<spaces>file-id` (file ids hold no space); a rename is
 * `old => new file-id`; directories end in `/` and are skipped, symlinks end in `@` (dropped).
 */
export function parseBzrLog(stdout: string): LogEntry[] {
  const entries: LogEntry[] = [];
  let draft: Draft | undefined;
  let indent = "";
  const finish = () => {
    if (!draft) return;
    draft.entry.message = draft.messageLines.join("\n").replace(/\n+$/, "");
    if (draft.entry.parents.length > 1) draft.entry.files = [];
    entries.push(draft.entry);
    draft = undefined;
  };
  for (const rawLine of stdout.split("\n")) {
    const separator = SEPARATOR.exec(rawLine);
    if (separator) {
      finish();
      indent = separator[1] ?? "";
      draft = {
        entry: { id: "", shortId: "", parents: [], timeMs: 0, author: "", message: "", files: [] },
        revno: "",
        section: "header",
        messageLines: [],
      };
      continue;
    }
    if (!draft) continue;
    // A blank message line may come without the revision's indent.
    if (draft.section === "message" && rawLine.trim() === "") {
      draft.messageLines.push("");
      continue;
    }
    if (!rawLine.startsWith(indent)) continue;
    const line = rawLine.slice(indent.length);
    if (!line.startsWith(" ")) {
      const section = SECTIONS[line];
      if (section !== undefined) {
        draft.section = section;
        continue;
      }
      if (line === "message:") {
        draft.section = "message";
        continue;
      }
      if (draft.section === "header") readHeader(draft, line);
      continue;
    }
    const body = line.slice(2);
    if (draft.section === "message") draft.messageLines.push(body);
    else if (draft.section !== "header" && draft.section !== "skip") {
      const file = readFileLine(draft.section, body);
      if (file) draft.entry.files.push(file);
    }
  }
  finish();
  return entries;
}

function readHeader(draft: Draft, line: string): void {
  const colon = line.indexOf(": ");
  if (colon < 0) return;
  const key = line.slice(0, colon);
  const value = line.slice(colon + 2);
  const entry = draft.entry;
  if (key === "revno") {
    draft.revno = value.replace(/ \[merge\]$/, "");
    entry.shortId = draft.revno;
  } else if (key === "revision-id") entry.id = value;
  else if (key === "parent") entry.parents.push(value);
  else if (key === "author") entry.author = value;
  else if (key === "committer" && entry.author === "") entry.author = value;
  else if (key === "timestamp") entry.timeMs = parseBzrTimestamp(value);
}

/** `Sat 2026-12-05 15:35:05 +0100` → milliseconds since the epoch. */
export function parseBzrTimestamp(text: string): number {
  const match = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(text);
  if (!match) throw new Error(`unexpected brz timestamp: ${JSON.stringify(text)}`);
  return Date.parse(`${match[1]}T${match[2]}${match[3]}:${match[4]}`);
}

function readFileLine(action: LogFileAction, body: string): LogFile | undefined {
  // The file id is the last space-free token; the name is everything before its padding.
  const match = /^(.*?) +\S+$/.exec(body);
  const names = match?.[1] ?? body;
  if (action === "renamed") {
    const arrow = names.indexOf(" => ");
    if (arrow < 0) return undefined;
    const from = names.slice(0, arrow);
    const to = names.slice(arrow + 4);
    if (to.endsWith("/")) return undefined;
    return { path: stripKind(to), action, from: stripKind(from) };
  }
  if (names.endsWith("/")) return undefined;
  return { path: stripKind(names), action };
}

function stripKind(name: string): string {
  return name.endsWith("@") ? name.slice(0, -1) : name;
}
