import { posix } from "node:path";
import { conflictMessages } from "../messages/conflict-messages.js";
import type { FileChange } from "../operations/user-change.js";
import type { Conflict, ConflictVersion } from "./find-conflicts.js";

/** What the user keeps: one machine's version, both (all) versions, or their own merge. */
export type Keep = { kind: "host"; host: string } | { kind: "both" } | { kind: "edited" };

export interface Resolution {
  changes: FileChange[];
  /** The commit message: says what was kept from which machine. */
  message: string;
  /** One line for the user: what will happen (the confirmation line in the UI). */
  summary: string;
}

export function parseKeep(value: string): Keep {
  if (value === "both") return { kind: "both" };
  if (value === "edited") return { kind: "edited" };
  return { kind: "host", host: value };
}

/** The machines that wrote a conflict's versions, in the order the versions are listed. */
export function conflictHosts(conflict: Conflict): string[] {
  return [...new Set(conflict.versions.map((version) => version.host))];
}

/**
 * Turns a choice into file changes and a commit message; a string is why it is refused.
 * `fileContent` is the file as it stands (for the conflict-marker check of `edited`);
 * `exists` tells whether a name is taken (for `both`).
 */
export function planResolution(
  conflict: Conflict,
  keep: Keep,
  options: { host: string; fileContent?: Buffer; exists: (path: string) => boolean },
): Resolution | string {
  const file = conflict.versions.find((version) => version.role === "file");
  const copies = conflict.versions.filter((version) => version.role === "copy");
  const subject = (kept: string) =>
    conflictMessages.resolvedSubject(options.host, conflict.path, kept);
  const dropped = (versions: readonly ConflictVersion[]) =>
    versions.map((version) => conflictMessages.droppedLine(version.host, version.path));

  if (keep.kind === "host") {
    const hosts = conflictHosts(conflict);
    if (!hosts.includes(keep.host))
      return conflictMessages.unknownHost(conflict.path, keep.host, hosts);
    const kept =
      file?.host === keep.host
        ? file
        : copies.filter((copy) => copy.host === keep.host).sort((a, b) => b.timeMs - a.timeMs)[0];
    if (!kept) return conflictMessages.unknownHost(conflict.path, keep.host, hosts);
    const others = copies.filter((copy) => copy !== kept);
    const changes: FileChange[] =
      kept.role === "file" ? [] : [{ op: "rename", from: kept.path, to: conflict.path }];
    changes.push(...others.map((copy): FileChange => ({ op: "remove", path: copy.path })));
    const gone = [...(kept.role === "copy" && file ? [file] : []), ...others];
    const what = conflictMessages.keptHost(keep.host);
    return {
      changes,
      message: [subject(what), "", ...dropped(gone)].join("\n"),
      summary: `${conflict.path}: ${what}; ${gone.map((version) => `${version.host}'s version`).join(", ") || "nothing"} goes (stays in history)`,
    };
  }

  if (keep.kind === "edited") {
    if (!file || options.fileContent === undefined) return conflictMessages.fileGone(conflict.path);
    const marker = markerLine(options.fileContent);
    if (marker !== undefined) return conflictMessages.markersLeft(conflict.path, marker);
    const what = conflictMessages.keptEdited(options.host);
    return {
      changes: copies.map((copy): FileChange => ({ op: "remove", path: copy.path })),
      message: [subject(what), "", ...dropped(copies)].join("\n"),
      summary: `${conflict.path}: ${what}; the ${copies.length} conflict cop${copies.length === 1 ? "y goes" : "ies go"} (stay in history)`,
    };
  }

  const taken = new Set<string>();
  const changes: FileChange[] = [];
  const lines: string[] = [];
  for (const copy of copies) {
    const to = plainName(
      conflict.path,
      copy.host,
      (name) => taken.has(name) || options.exists(name),
    );
    taken.add(to);
    changes.push({ op: "rename", from: copy.path, to });
    lines.push(conflictMessages.renamedLine(copy.host, copy.path, to));
  }
  return {
    changes,
    message: [subject(conflictMessages.keptBoth), "", ...lines].join("\n"),
    summary: `${conflict.path}: ${conflictMessages.keptBoth}; ${changes.map((change) => (change.op === "rename" ? change.to : "")).join(", ")}`,
  };
}

/**
 * `notes.md` kept from laptop → `notes (laptop).md`; `notes (laptop 2).md` when that is taken.
 * No "conflict" in the name, so no machine lists it any more.
 */
export function plainName(path: string, host: string, taken: (path: string) => boolean): string {
  const dir = posix.dirname(path);
  const base = posix.basename(path);
  const dot = base.lastIndexOf(".");
  const [stem, ext] =
    dot > 0 && dot < base.length - 1 ? [base.slice(0, dot), base.slice(dot)] : [base, ""];
  for (let attempt = 1; ; attempt++) {
    const name = `${stem} (${host}${attempt > 1 ? ` ${attempt}` : ""})${ext}`;
    const candidate = dir === "." ? name : `${dir}/${name}`;
    if (!taken(candidate)) return candidate;
  }
}

/** The first line (1-based) that is a conflict marker git, hg or brz would write. */
export function markerLine(content: Buffer): number | undefined {
  const lines = content.toString("utf8").split("\n");
  const index = lines.findIndex((line) => /^(<{7}|>{7}|\|{7})( |$)/.test(line.trimEnd()));
  return index < 0 ? undefined : index + 1;
}
