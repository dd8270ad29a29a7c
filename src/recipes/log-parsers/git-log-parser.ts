import type { LogEntry, LogFile } from "./log-entry.js";

const RECORD = "\x1e";
const FIELD = "\x1f";

/**
 * Parses `git log -z --name-status --format=%x1e%H%x1f%P%x1f%at%x1f%an <%ae>%x1f%B%x1f` (see
 * recipes/git.yaml). Each record starts with RS; its fields are separated by US, the last one
 * holds the NUL-separated name-status pairs (`M\0path\0`, `R100\0old\0new\0`), so any file name
 * survives verbatim.
 */
export function parseGitLog(stdout: string): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const record of stdout.split(RECORD)) {
    if (record.trim() === "") continue;
    const fields = record.split(FIELD);
    if (fields.length < 6) throw new Error(`unexpected git log record: ${JSON.stringify(record)}`);
    const [id = "", parents = "", seconds = "", author = "", message = ""] = fields;
    // The name-status part is everything after the fifth separator (a message never holds US).
    const tail = fields.slice(5).join(FIELD);
    const parentIds = parents.split(" ").filter((p) => p !== "");
    entries.push({
      id,
      shortId: id.slice(0, 12),
      parents: parentIds,
      timeMs: Number(seconds) * 1000,
      author,
      message: message.replace(/\n+$/, ""),
      files: parentIds.length > 1 ? [] : parseNameStatus(tail),
    });
  }
  return entries;
}

function parseNameStatus(tail: string): LogFile[] {
  // The format's last US is followed by the record's NUL terminator and one newline.
  const body = tail.replace(/^\0?\n?/, "");
  const tokens = body.split("\0");
  const files: LogFile[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const status = tokens[index] as string;
    if (status === "" || status === "\n") continue;
    const code = status[0];
    const path = tokens[++index];
    if (path === undefined) throw new Error(`git log: status ${status} without a path`);
    if (code === "R" || code === "C") {
      const to = tokens[++index];
      if (to === undefined) throw new Error(`git log: rename of ${path} without a target`);
      files.push(
        code === "R" ? { path: to, action: "renamed", from: path } : { path: to, action: "added" },
      );
    } else if (code === "A") files.push({ path, action: "added" });
    else if (code === "D") files.push({ path, action: "deleted" });
    else if (code === "M" || code === "T") files.push({ path, action: "modified" });
    else throw new Error(`git log: unknown status ${JSON.stringify(status)}`);
  }
  return files;
}
