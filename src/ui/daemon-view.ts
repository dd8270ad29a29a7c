import type { EngineInput } from "../engine/engine-input.js";
import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import type { EventBus } from "../events/event-bus.js";
import type { FileChange, UserChangeOutcome } from "../operations/user-change.js";
import type { ConflictDesk } from "../conflicts/desk-service.js";
import type { HistoryBrowser } from "../operations/history-browser.js";

/**
 * The part of a running daemon (runtime/daemon.ts `DaemonHandle`) that the terminal UI and the
 * control socket use. Kept here so the UI depends on an interface, not on the runtime: tests
 * drive it with a real EventBus and a few snapshots in memory.
 */
export interface DaemonView {
  bus: EventBus;
  snapshots(): RepoSnapshot[];
  /** `repo` undefined: every repository. */
  request(repo: string | undefined, input: EngineInput): void;
  /**
   * Applies, commits, pushes and announces a user's change in the repository's operation slot
   * (runtime/repository-runner.ts `applyUserChange`). Throws for an unknown repository.
   */
  change?(
    repo: string,
    changes: readonly FileChange[],
    message: string,
  ): Promise<UserChangeOutcome>;
  /** The conflict desk of a repository (`x` in the UI); undefined when it is not served. */
  conflictDesk?(repo: string): ConflictDesk | undefined;
  /** The history view of a repository (`h` in the UI); undefined when it is not served. */
  historyBrowser?(repo: string): HistoryBrowser | undefined;
  /** Finishes the operation in flight in every repository, then resolves. */
  stop(): Promise<void>;
  /**
   * Re-reads the config file and applies it (`autosync reload`); absent where there is no
   * file to re-read. A refused config leaves everything running as it was.
   */
  reload?(): Promise<{ ok: true; message: string } | { ok: false; error: string }>;
}
