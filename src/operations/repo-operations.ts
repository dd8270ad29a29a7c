import type { OperationRequest, OperationResult } from "../engine/operation.js";

/**
 * The DVCS side of a repository, built from its recipe. The engine decides when; these decide
 * how. Every method resolves (failures are `OperationResult`s), and every one leaves the working
 * copy as it found it or better: never mid-merge, never with markers, never with a file lost.
 */
export interface RepoOperations {
  run(request: OperationRequest): Promise<OperationResult>;
  /** Facts for announcements and the UI. */
  describe(): Promise<RepoDescription>;
  /**
   * Removes a stale lock left by a killed DVCS process of ours, only when no process holds it.
   * Returns the paths removed.
   */
  recoverStaleLocks(): Promise<string[]>;
}

export interface RepoDescription {
  /** Stable id shared by every clone (e.g. derived from the root commit). */
  repositoryId: string | undefined;
  /** Remote URL with credentials stripped. */
  remoteUrl: string | undefined;
  head: string | undefined;
  branch: string | undefined;
}
