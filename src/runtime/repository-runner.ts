import type { AnnouncementInfo, Notifier } from "../channels/announcer.js";
import { buildCommitMessage } from "../engine/commit-message.js";
import type { Effect } from "../engine/effect.js";
import type { EngineConfig } from "../engine/engine-config.js";
import type { EngineInput } from "../engine/engine-input.js";
import type { EngineState } from "../engine/engine-state.js";
import { createEngine } from "../engine/initial-state.js";
import type { OperationRequest, OperationResult } from "../engine/operation.js";
import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import { toSnapshot } from "../engine/snapshot.js";
import { step } from "../engine/step.js";
import type { EventBus } from "../events/event-bus.js";
import { runtimeMessages } from "../messages/runtime-messages.js";
import type { RepoDescription, RepoOperations } from "../operations/repo-operations.js";
import {
  applyAndCommit,
  type FileChange,
  type UserChangeOutcome,
} from "../operations/user-change.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { CommandRunner } from "./command-runner.js";

export interface RepositoryRunnerOptions {
  /** Absolute path of the working copy. */
  root: string;
  engine: EngineConfig;
  operations: RepoOperations;
  clock: Clock;
  bus: EventBus;
  /** Runs the pipeline's user commands (`run` actions) in the root. */
  commandRunner: CommandRunner;
  /** Called for `announce` effects; the daemon hands it to the announcer. */
  announce?: (info: AnnouncementInfo) => void;
  notifier?: Notifier;
  /** Overrides the id derived by the operations (config `repositoryId`). */
  repositoryId?: string;
  /** This machine's pull URL for the repository, announced to peers. */
  pullUrl?: string;
  /** Told when the repository id becomes known or changes (a first commit in an empty repo). */
  onRepositoryIdChanged?: (repositoryId: string | undefined) => void;
  /** Counts unresolved conflicts (conflicts/count-conflicts.ts); shown in the snapshot. */
  countConflicts?: () => Promise<number | undefined>;
  /** Seed of the engine's backoff jitter; derived from host and repository when absent. */
  seed?: number;
}

function hashSeed(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/**
 * The shell around one repository's engine: feeds it inputs one at a time, runs the effects it
 * returns (timers on the injected clock, DVCS operations strictly one at a time, announcements,
 * notices, user hooks, bus events) and feeds each outcome back as the next input.
 */
export class RepositoryRunner {
  private state: EngineState;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly queue: EngineInput[] = [];
  private draining = false;
  private inFlight: OperationRequest["kind"] | undefined;
  /** Settles when the operation in flight finished (its result was dispatched). */
  private inFlightDone: Promise<void> = Promise.resolve();
  /** A user change holds the operation slot (see runExclusive); settles when it is done. */
  private exclusive: Promise<void> | undefined;
  /** The engine's operation that arrived while a user change held the slot; runs right after. */
  private deferred: OperationRequest | undefined;
  /** User changes waiting for the slot: the engine's next operation waits behind them. */
  private waitingChanges = 0;
  private unresolvedConflicts: number | undefined;
  private readonly hooks = new Set<Promise<unknown>>();
  private description: RepoDescription | undefined;
  private announceWarned = false;
  private begun = false;
  private resolveStopped!: () => void;
  /** Resolves once the engine finished its shutdown (after `shutdownRequested`). */
  readonly stopped: Promise<void>;

  constructor(private readonly options: RepositoryRunnerOptions) {
    const seed = options.seed ?? hashSeed(`${options.engine.host}\0${options.engine.repo}`);
    this.state = createEngine(options.engine, seed, options.clock.now());
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  get name(): string {
    return this.options.engine.repo;
  }

  get root(): string {
    return this.options.root;
  }

  /** The id announcements carry: the config's override, else the one the DVCS gives. */
  get repositoryId(): string | undefined {
    return this.options.repositoryId ?? this.description?.repositoryId;
  }

  get isStopped(): boolean {
    return this.state.stopped;
  }

  /** Removes stale DVCS locks of ours, learns the repository's facts, then starts the engine. */
  async start(): Promise<void> {
    if (this.begun) return;
    this.begun = true;
    try {
      const removed = await this.options.operations.recoverStaleLocks();
      if (removed.length > 0) {
        this.publish({
          type: "warning",
          repo: this.name,
          message: runtimeMessages.staleLocksRemoved(removed),
        });
      }
    } catch (error) {
      this.publish({ type: "warning", repo: this.name, message: String(error) });
    }
    await this.refreshDescription();
    this.refreshConflictCount();
    this.dispatch({ type: "started" });
  }

  /** Facts for announcements (repository id, remote); refreshed after pushes. */
  async refreshDescription(): Promise<RepoDescription | undefined> {
    const before = this.repositoryId;
    try {
      this.description = await this.options.operations.describe();
    } catch {
      // Describe is informational; the next push tries again.
    }
    if (this.repositoryId !== before) this.options.onRepositoryIdChanged?.(this.repositoryId);
    return this.description;
  }

  snapshot(): RepoSnapshot {
    const snapshot = toSnapshot(this.state, this.options.root);
    const remoteUrl = this.description?.remoteUrl;
    const conflicts = this.unresolvedConflicts;
    return {
      ...snapshot,
      ...(remoteUrl !== undefined && snapshot.remoteUrl === undefined ? { remoteUrl } : {}),
      ...(conflicts !== undefined ? { unresolvedConflicts: conflicts } : {}),
    };
  }

  /** Counts again in the background: conflicts come with pulls and go with commits. */
  private refreshConflictCount(): void {
    this.options
      .countConflicts?.()
      .then((count) => {
        this.unresolvedConflicts = count;
      })
      .catch(() => {
        // Only informational; the next commit or pull counts again.
      });
  }

  /** The engine state itself, for tests and diagnostics. */
  engineState(): EngineState {
    return this.state;
  }

  /**
   * Queues an input. Inputs are stepped strictly in arrival order, also when an effect (a timer
   * of 0 ms, a synchronous callback) produces the next input while effects are still being run.
   */
  dispatch(input: EngineInput): void {
    if (!this.begun && input.type === "shutdownRequested") {
      // Never started: nothing runs, nothing to finish.
      this.finish();
      return;
    }
    this.queue.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        let result: ReturnType<typeof step>;
        try {
          result = step(this.state, next, this.options.clock.now());
        } catch (error) {
          // An engine bug must not take the other repositories down: say so, keep the last
          // good state, drop this input (the next trigger or rescan looks at everything again).
          this.publish({
            type: "error",
            repo: this.name,
            message: runtimeMessages.engineBug(
              this.name,
              `${next.type}: ${error instanceof Error ? error.message : String(error)}`,
            ),
          });
          continue;
        }
        this.state = result.state;
        for (const effect of result.effects) this.run(effect);
      }
    } finally {
      this.draining = false;
    }
  }

  private run(effect: Effect): void {
    switch (effect.type) {
      case "startTimer": {
        this.cancelTimer(effect.timer);
        const timer = effect.timer;
        const handle = this.options.clock.setTimeout(() => {
          this.timers.delete(timer);
          this.dispatch({ type: "timerFired", timer });
        }, effect.delayMs);
        this.timers.set(timer, handle);
        break;
      }
      case "cancelTimer":
        this.cancelTimer(effect.timer);
        break;
      case "runOperation":
        this.runOperation(effect.operation);
        break;
      case "announce":
        this.announce(effect.head);
        break;
      case "notify":
        this.options.notifier?.notify(effect.kind, effect.title, effect.body);
        break;
      case "runCommand":
        this.runHook(effect.argv);
        break;
      case "publish":
        this.publish(effect.event);
        break;
      case "stopped":
        this.finish();
        break;
    }
  }

  private publish(event: Parameters<EventBus["publish"]>[0]): void {
    this.options.bus.publish(event);
  }

  private cancelTimer(timer: string): void {
    const handle = this.timers.get(timer);
    if (handle) this.options.clock.clearTimeout(handle);
    this.timers.delete(timer);
  }

  /**
   * Runs `task` in the repository's operation slot: after the operation in flight finished and
   * before the engine's next one starts (that one waits and runs right after), so a user change
   * (`autosync resolve`, `restore`) never races a commit or a pull. The engine does not know
   * the slot is taken; for it, its next operation only takes a little longer.
   */
  async runExclusive<T>(task: () => Promise<T>): Promise<T> {
    this.waitingChanges++;
    try {
      while (this.inFlight !== undefined || this.exclusive !== undefined) {
        await (this.exclusive ?? this.inFlightDone);
      }
    } finally {
      this.waitingChanges--;
    }
    let release!: () => void;
    this.exclusive = new Promise((resolve) => (release = resolve));
    try {
      return await task();
    } finally {
      this.exclusive = undefined;
      release();
      const deferred = this.deferred;
      this.deferred = undefined;
      if (deferred) this.runOperation(deferred);
    }
  }

  /**
   * A change the user asked for (`autosync resolve`, `restore`): applied and committed with
   * `message` in the operation slot, then pushed and announced by the engine like any commit.
   */
  async applyUserChange(
    changes: readonly FileChange[],
    message: string,
  ): Promise<UserChangeOutcome> {
    const outcome = await this.runExclusive(() =>
      applyAndCommit(this.options.root, this.options.operations, changes, message, (pending) =>
        buildCommitMessage(this.options.engine.host, pending),
      ),
    );
    // The newest commit carries the pending one with it: pushing it pushes both.
    const commit = outcome.outcome === "committed" ? outcome.commit : outcome.pendingCommit;
    if (commit) {
      this.refreshConflictCount();
      this.dispatch({ type: "userChangeCommitted", commit });
    }
    return outcome;
  }

  private runOperation(operation: OperationRequest): void {
    const slotTaken = this.exclusive !== undefined || this.waitingChanges > 0;
    if (slotTaken && this.inFlight === undefined && !this.deferred) {
      this.deferred = operation;
      return;
    }
    if (this.inFlight !== undefined) {
      // The engine guarantees one operation at a time; running two would race on the index.
      this.publish({
        type: "error",
        repo: this.name,
        message: runtimeMessages.engineBug(
          this.name,
          `${operation.kind} requested while ${this.inFlight} runs`,
        ),
      });
      return;
    }
    this.inFlight = operation.kind;
    const kind = operation.kind;
    let finished!: () => void;
    this.inFlightDone = new Promise((resolve) => (finished = resolve));
    this.options.operations
      .run(operation)
      .catch((error: unknown): OperationResult => ({
        kind,
        outcome: "failed",
        message: error instanceof Error ? error.message : String(error),
      }))
      .then((result) => {
        this.inFlight = undefined;
        if (
          result.kind === "push" &&
          (result.outcome === "pushed" || result.outcome === "up-to-date")
        ) {
          void this.refreshDescription();
        }
        if (result.outcome === "committed" || result.kind === "pull" || "localCommit" in result)
          this.refreshConflictCount();
        this.dispatch({ type: "operationFinished", result });
        finished();
      });
  }

  private announce(head: string, refreshed = false): void {
    const repositoryId = this.repositoryId;
    if (repositoryId === undefined && !refreshed) {
      // An empty repository has no id until its first commit: ask again now that one exists.
      void this.refreshDescription().then(() => this.announce(head, true));
      return;
    }
    if (repositoryId === undefined) {
      if (!this.announceWarned) {
        this.announceWarned = true;
        this.publish({
          type: "warning",
          repo: this.name,
          ...runtimeMessages.noRepositoryId(this.name),
        });
      }
      return;
    }
    const remoteUrl = this.description?.remoteUrl;
    this.options.announce?.({
      repositoryId,
      head,
      ...(remoteUrl !== undefined ? { remoteUrl } : {}),
      ...(this.options.pullUrl !== undefined ? { pullUrl: this.options.pullUrl } : {}),
    });
  }

  private runHook(argv: readonly string[]): void {
    const hook = this.options.commandRunner
      .run(argv, { cwd: this.options.root })
      .then(
        (result) => {
          if (result.failed) {
            this.publish({
              type: "warning",
              repo: this.name,
              message: runtimeMessages.hookFailed(this.name, result.shortMessage),
            });
          }
        },
        (error: unknown) => {
          this.publish({
            type: "warning",
            repo: this.name,
            message: runtimeMessages.hookFailed(this.name, `${argv.join(" ")}: ${String(error)}`),
          });
        },
      )
      .finally(() => this.hooks.delete(hook));
    this.hooks.add(hook);
  }

  private finish(): void {
    for (const timer of [...this.timers.keys()]) this.cancelTimer(timer);
    // Hooks already started may finish; the runner is stopped once they did.
    void Promise.allSettled([...this.hooks]).then(() => this.resolveStopped());
  }
}
