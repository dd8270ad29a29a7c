import type { LogEntry, LogFile } from "./log-entry.js";

interface HgLogRecord {
  node: string;
  date: [number, number];
  user: string;
  desc: string;
  file_adds: string[];
  file_dels: string[];
  file_mods: string[];
  file_copies: Record<string, string>;
  p1node: string;
  p2node: string;
}

const NULL_NODE = /^0+$/;

/**
 * Parses `hg log --template "json(node,date,user,desc,file_adds,file_dels,file_mods,file_copies,
 * p1node,p2node)"`: JSON, so any name is unambiguous. A copy whose source the same changeset
 * deletes is a rename (hg records renames that way).
 */
export function parseHgLog(stdout: string): LogEntry[] {
  if (stdout.trim() === "") return [];
  const records = JSON.parse(stdout) as HgLogRecord[];
  return records.map((record) => {
    const parents = [record.p1node, record.p2node].filter((node) => !NULL_NODE.test(node));
    return {
      id: record.node,
      shortId: record.node.slice(0, 12),
      parents,
      timeMs: record.date[0] * 1000,
      author: record.user,
      message: record.desc,
      files: parents.length > 1 ? [] : hgFiles(record),
    };
  });
}

function hgFiles(record: HgLogRecord): LogFile[] {
  const deleted = new Set(record.file_dels);
  const renamedFrom = new Set<string>();
  const files: LogFile[] = [];
  for (const path of record.file_mods) files.push({ path, action: "modified" });
  for (const path of record.file_adds) {
    const source = record.file_copies[path];
    if (source !== undefined && deleted.has(source) && !renamedFrom.has(source)) {
      renamedFrom.add(source);
      files.push({ path, action: "renamed", from: source });
    } else files.push({ path, action: "added" });
  }
  for (const path of record.file_dels)
    if (!renamedFrom.has(path)) files.push({ path, action: "deleted" });
  return files;
}
