import type { ThreeWay } from "./conflict-view.js";
import { findConflicts, readThreeWay, type ConflictSource } from "./find-conflicts.js";
import { planForPath } from "./plan-for-path.js";
import type { Keep } from "./resolution.js";
import type { FileChange, UserChangeOutcome } from "../operations/user-change.js";

/** What the terminal UI's conflict desk asks a running daemon for (see ui/daemon-view.ts). */
export interface ConflictDesk {
  /** The repository's unresolved conflicts, each with the bytes of its three-way view. */
  conflicts(): Promise<ThreeWay[]>;
  /**
   * Plans a resolution (`apply` false: the confirmation line) or carries it out as a user
   * change. A string is the one line that says why it cannot be done.
   */
  resolve(path: string, keep: Keep, apply: boolean): Promise<{ summary: string } | string>;
}

export function conflictDesk(
  source: ConflictSource,
  change: (changes: readonly FileChange[], message: string) => Promise<UserChangeOutcome>,
): ConflictDesk {
  return {
    async conflicts() {
      const conflicts = await findConflicts(source);
      return Promise.all(
        conflicts.map(async (conflict) => ({
          conflict,
          ...(await readThreeWay(source, conflict)),
        })),
      );
    },
    async resolve(path, keep, apply) {
      const planned = await planForPath(source, path, keep);
      if (typeof planned === "string") return planned;
      if (apply) await change(planned.plan.changes, planned.plan.message);
      return { summary: planned.plan.summary };
    },
  };
}
