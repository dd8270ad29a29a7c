import type { EngineConfig } from "./engine-config.js";
import type { StatusEntry } from "./status-entry.js";

export interface LargeFileDecision {
  /** The entries to commit. */
  entries: StatusEntry[];
  /** Large files not warned about before at this size. */
  newlyWarned: { path: string; sizeBytes: number }[];
  /** How many large files were left out (skip) or kept (commit). */
  large: number;
  /** The large-file memory after this status: paths now small or deleted are forgotten. */
  warned: Record<string, number>;
}

/**
 * A file above `maxBytes` is never committed silently: each path warns once per size (a log that
 * keeps growing warns again, a file that is merely touched does not), and `skip` keeps it out of
 * every commit until the limit or the file changes.
 */
export function applyLargeFileRule(
  entries: readonly StatusEntry[],
  rule: EngineConfig["largeFiles"],
  warned: Readonly<Record<string, number>>,
): LargeFileDecision {
  const kept: StatusEntry[] = [];
  const newlyWarned: { path: string; sizeBytes: number }[] = [];
  let large = 0;
  let memory: Record<string, number> | undefined;
  for (const entry of entries) {
    const size = entry.sizeBytes;
    const isLarge = entry.action !== "deleted" && size !== undefined && size > rule.maxBytes;
    if (!isLarge) {
      kept.push(entry);
      if (entry.path in warned) {
        memory ??= { ...warned };
        delete memory[entry.path];
      }
      continue;
    }
    large += 1;
    if (warned[entry.path] !== size) {
      newlyWarned.push({ path: entry.path, sizeBytes: size });
      memory ??= { ...warned };
      memory[entry.path] = size;
    }
    if (rule.action === "commit") kept.push(entry);
  }
  return { entries: kept, newlyWarned, large, warned: memory ?? { ...warned } };
}
