import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import { uiMessages } from "../messages/ui-messages.js";
import { describeSnapshot } from "./format-snapshot.js";

export type PanelTone = "title" | "plain" | "dim" | "warn" | "error" | "conflict" | "ok";

export interface PanelLine {
  key: string;
  text: string;
  tone: PanelTone;
  /** Lower goes first when the panel must shrink to fit the terminal. */
  priority: number;
}

/**
 * The lines of one repository panel, in display order, each with a priority: on a short
 * terminal the least useful lines (remote, then the pending paths) are dropped first, so a
 * panel never pushes the rest of the screen out.
 */
export function panelLines(snapshot: RepoSnapshot, now: number): PanelLine[] {
  const text = describeSnapshot(snapshot, now);
  const lines: PanelLine[] = [];
  const add = (key: string, value: string, tone: PanelTone, priority: number): void => {
    lines.push({ key, text: value, tone, priority });
  };
  const countdowns = text.countdowns || uiMessages.nothingScheduled;
  add("countdowns", countdowns, text.countdowns ? "plain" : "dim", 90);
  if (text.mailboxWait) add("mailbox-wait", text.mailboxWait, "plain", 91);
  if (text.problem)
    add("problem", `! ${text.problem}`, snapshot.state === "paused" ? "warn" : "error", 95);
  if (text.hint) add("hint", `  ${text.hint}`, "dim", 60);
  if (text.conflict) {
    add("conflict", `! ${text.conflict}`, "conflict", 94);
    text.conflictPaths.forEach((path, index) =>
      add(`conflict-${index}`, `  ${path}`, "conflict", 70 - index),
    );
  }
  if (text.unresolved) {
    const open = (snapshot.unresolvedConflicts ?? 0) > 0;
    add("unresolved", text.unresolved, open ? "conflict" : "dim", open ? 96 : 40);
  }
  add("pending", text.pending, snapshot.pendingCount > 0 ? "warn" : "dim", 85);
  text.pendingPaths.forEach((path, index) =>
    add(`pending-${index}`, `  ${path}`, "dim", 30 - index),
  );
  add("commit", text.lastCommit, "plain", 80);
  add("push", text.lastPush, "plain", 79);
  add("pull", text.lastPull, "plain", 78);
  add("remote", text.remote, "dim", 20);
  add("path", text.path, "dim", 25);
  return lines;
}

/** Keeps at most `max` lines, dropping the lowest priorities, preserving display order. */
export function fitLines(lines: readonly PanelLine[], max: number): PanelLine[] {
  if (lines.length <= max) return [...lines];
  const keep = new Set(
    [...lines]
      .sort((a, b) => b.priority - a.priority)
      .slice(0, Math.max(0, max))
      .map((line) => line.key),
  );
  return lines.filter((line) => keep.has(line.key));
}
