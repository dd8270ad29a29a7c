import type { EngineConfig } from "../engine/engine-config.js";
import type { Recipe } from "../recipes/recipe.js";
import type { CommandRunner } from "../runtime/command-runner.js";

/** What every DVCS's operations are built from (see create-operations.ts). */
export interface OperationsOptions {
  /** Absolute path of the working-copy root. */
  root: string;
  recipe: Recipe;
  runner: CommandRunner;
  /**
   * The runtime's ignore rules (editor temp files, config patterns), on root-relative paths
   * with forward slashes. Matching entries are dropped from status and never staged.
   */
  isIgnored?: (relPath: string) => boolean;
  /** This machine's name, for the fallback commit identity. Default: the OS host name. */
  host?: string;
  /** The clock (src/runtime/clock.ts) for the rare copy made outside a pull. Default Date.now. */
  now?: () => number;
  /**
   * Status counts the tracked files (for the deletion guard) only when at least this many
   * deletions are reported. Default 1: always when anything is deleted.
   */
  trackedCountMinDeletions?: number;
  /**
   * The engine's mass-deletion guard, applied to the commit a pull makes before merging (that
   * commit bypasses the engine's own check). Default: 50 % and at least 100 files.
   */
  deletionGuard?: EngineConfig["deletionGuard"];
  /** Timeout of commands that talk to a remote (push, fetch, pull). Default 120 s. */
  networkTimeoutMs?: number;
  /** Timeout of local commands (status, add, commit, merge). Default 10 min: huge trees. */
  localTimeoutMs?: number;
}
