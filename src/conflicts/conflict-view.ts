import { Chalk } from "chalk";
import { conflictMessages } from "../messages/conflict-messages.js";
import { formatBytes } from "../messages/engine-messages.js";
import type { Conflict, ConflictVersion } from "./find-conflicts.js";
import { shortId } from "../ui/format-snapshot.js";
import { diffLines } from "./line-diff.js";
import { conflictHosts } from "./resolution.js";

/** `2026-12-05 14:03 UTC`: every machine shows the same moment the same way. */
export function formatUtcMinute(timeMs: number): string {
  const iso = new Date(timeMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function versionLine(version: ConflictVersion, width: number): string {
  const facts = [
    version.host,
    formatUtcMinute(version.timeMs),
    formatBytes(version.size),
    version.text ? "text" : "binary",
    ...(version.revision === undefined ? [conflictMessages.uncommitted] : []),
  ];
  return `  ${version.path.padEnd(width)}  ${facts.join("  ")}`;
}

/** The plain list `autosync conflicts` prints. */
export function formatConflictList(conflicts: readonly Conflict[]): string {
  const lines: string[] = [];
  for (const conflict of conflicts) {
    const width = Math.min(60, Math.max(...conflict.versions.map((v) => v.path.length)));
    lines.push(
      conflictMessages.conflictTitle(conflict.repo, conflict.path, conflict.versions.length),
    );
    for (const version of conflict.versions) lines.push(versionLine(version, width));
    lines.push(conflictMessages.settleHint(conflict.path, conflictHosts(conflict)), "");
  }
  return lines.join("\n");
}

/** `--json`: documented in docs/conflicts.md; times in ISO 8601 UTC. */
export function conflictsJson(conflicts: readonly Conflict[]) {
  return {
    conflicts: conflicts.map((conflict) => ({
      repo: conflict.repo,
      root: conflict.root,
      path: conflict.path,
      base: conflict.base ?? null,
      versions: conflict.versions.map((version) => ({
        path: version.path,
        role: version.role,
        host: version.host,
        time: new Date(version.timeMs).toISOString(),
        revision: version.revision ?? null,
        size: version.size,
        text: version.text,
        sha256: version.sha256,
      })),
    })),
  };
}

export interface ThreeWay {
  conflict: Conflict;
  /** The file at the common ancestor; undefined when unknown or absent there. */
  ancestor?: Buffer;
  /** The bytes of each version, in `conflict.versions` order. */
  contents: Buffer[];
}

/**
 * The three-way view: the common ancestor, then each machine's version as a diff against it.
 * Binary files: sizes, hashes and times only.
 */
export function formatThreeWay(view: ThreeWay, color: boolean): string {
  const paint = new Chalk({ level: color ? 1 : 0 });
  const { conflict, ancestor, contents } = view;
  const lines = [paint.bold(conflictMessages.showTitle(conflict.repo, conflict.path))];
  const width = Math.min(60, Math.max(...conflict.versions.map((v) => v.path.length)));
  for (const version of conflict.versions) lines.push(versionLine(version, width));
  lines.push("");
  const allText = conflict.versions.every((version) => version.text);
  if (!allText) {
    for (const version of conflict.versions)
      lines.push(`  ${version.host}: ${version.sha256}  ${version.path}`);
    lines.push(conflictMessages.binaryVersion);
    return `${lines.join("\n")}\n`;
  }
  const base = conflict.base;
  const ancestorText = ancestor?.toString("utf8") ?? "";
  if (!base) lines.push(paint.bold(conflictMessages.ancestorUnknown));
  else if (!base.exists)
    lines.push(paint.bold(conflictMessages.ancestorMissing(shortId(base.revision))));
  else {
    lines.push(paint.bold(conflictMessages.ancestorHeading(shortId(base.revision))));
    for (const line of ancestorText
      .split("\n")
      .slice(0, ancestorText.endsWith("\n") ? -1 : undefined))
      lines.push(`  ${line}`);
  }
  conflict.versions.forEach((version, index) => {
    lines.push("", paint.bold(conflictMessages.versionHeading(version.host, version.path)));
    const hunks = diffLines(ancestorText, contents[index]?.toString("utf8") ?? "");
    if (hunks.length === 0) lines.push(conflictMessages.sameAsAncestor);
    for (const hunk of hunks) {
      lines.push(
        paint.cyan(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`),
      );
      for (const line of hunk.lines) {
        const text = `${line.sign}${line.text}`;
        lines.push(
          line.sign === "+" ? paint.green(text) : line.sign === "-" ? paint.red(text) : text,
        );
      }
    }
  });
  return `${lines.join("\n")}\n`;
}
