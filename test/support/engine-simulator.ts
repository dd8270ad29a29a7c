import type { Effect } from "../../src/engine/effect.js";
import type { EngineConfig } from "../../src/engine/engine-config.js";
import type { EngineInput } from "../../src/engine/engine-input.js";
import type { EngineState } from "../../src/engine/engine-state.js";
import { createEngine } from "../../src/engine/initial-state.js";
import { defaultPipeline } from "../../src/engine/default-pipeline.js";
import type {
  ConflictCopy,
  OperationRequest,
  OperationResult,
} from "../../src/engine/operation.js";
import type { RepoSnapshot } from "../../src/engine/repo-snapshot.js";
import type { StatusEntry } from "../../src/engine/status-entry.js";
import { step } from "../../src/engine/step.js";
import { toSnapshot } from "../../src/engine/snapshot.js";
import type { AutosyncEventBody } from "../../src/events/autosync-event.js";

export const T0 = Date.UTC(2026, 0, 1);

export interface ConfigOverrides {
  repo?: string;
  host?: string;
  timers?: Partial<EngineConfig["timers"]>;
  pipeline?: EngineConfig["pipeline"];
  deletionGuard?: Partial<EngineConfig["deletionGuard"]>;
  largeFiles?: Partial<EngineConfig["largeFiles"]>;
  retry?: Partial<EngineConfig["retry"]>;
  scopedStatusMaxPaths?: number;
}

/** Small round delays so scenario tests read in whole seconds; the interval pull is off. */
export function testConfig(overrides: ConfigOverrides = {}): EngineConfig {
  const timers = {
    commitDelayMs: 1000,
    maxCommitDelayMs: 10_000,
    pushDelayMs: 2000,
    pullIntervalMs: 0,
    ...overrides.timers,
  };
  return {
    repo: overrides.repo ?? "notes",
    host: overrides.host ?? "laptop",
    timers,
    pipeline: overrides.pipeline ?? defaultPipeline(timers),
    deletionGuard: { maxShare: 0.5, minFiles: 100, ...overrides.deletionGuard },
    largeFiles: { maxBytes: 50 * 1024 * 1024, action: "skip", ...overrides.largeFiles },
    retry: {
      maxRejectedPushes: 3,
      initialBackoffMs: 1000,
      maxBackoffMs: 60_000,
      jitter: 0,
      ...overrides.retry,
    },
    scopedStatusMaxPaths: overrides.scopedStatusMaxPaths ?? 100,
  };
}

/** Answers an operation at once (return a result) or leaves it running (return undefined). */
export type Responder = (
  request: OperationRequest,
  sim: EngineSimulator,
) => OperationResult | undefined;

/**
 * Runs `step` on a fake time line, playing the runtime: it keeps the timers the effects start
 * and cancel, fires them in due order while time advances, and answers `runOperation` effects
 * with scripted results, so a test reads like a scenario. No real time passes.
 */
export class EngineSimulator {
  state: EngineState;
  now: number;
  readonly timers = new Map<string, number>();
  readonly effects: Effect[] = [];
  readonly events: AutosyncEventBody[] = [];
  /** When each of `events` was published (same index). */
  readonly eventTimes: number[] = [];
  /** Every operation the engine started, in order. */
  readonly operations: OperationRequest[] = [];
  /** When each of `operations` started (same index). */
  readonly operationTimes: number[] = [];
  /** The operation running now (the engine promises at most one). */
  running: OperationRequest | undefined;
  stopped = false;
  responder: Responder | undefined;
  /** How long auto-answered operations take. */
  operationMs = 0;
  /**
   * The answer to the whole-tree status the engine runs before each pull, when the responder
   * gives none: a clean tree by default, so scenario tests script only what they are about.
   * `undefined` leaves it running for the test to finish.
   */
  statusBeforePull: OperationResult | undefined = statusOk([]);
  private reply: { due: number; result: OperationResult } | undefined;

  constructor(
    config: EngineConfig = testConfig(),
    options: { seed?: number; start?: number } = {},
  ) {
    this.now = options.start ?? T0;
    this.state = createEngine(config, options.seed ?? 42, this.now);
  }

  send(input: EngineInput): Effect[] {
    const { state, effects } = step(this.state, input, this.now);
    this.state = state;
    this.apply(effects);
    this.settleImmediateReply();
    return effects;
  }

  /** Answers the running operation with `result`. */
  finish(result: OperationResult): Effect[] {
    if (!this.running) throw new Error(`no operation is running to finish with ${result.kind}`);
    this.running = undefined;
    this.reply = undefined;
    return this.send({ type: "operationFinished", result });
  }

  /** Moves time forward, firing due timers and operation replies in order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let next: { due: number; fire: () => void } | undefined;
      for (const [timer, due] of this.timers) {
        if (due <= target && (!next || due < next.due)) {
          next = {
            due,
            fire: () => {
              this.timers.delete(timer);
              this.send({ type: "timerFired", timer });
            },
          };
        }
      }
      const reply = this.reply;
      if (reply && reply.due <= target && (!next || reply.due <= next.due)) {
        next = { due: reply.due, fire: () => this.finish(reply.result) };
      }
      if (!next) break;
      this.now = Math.max(this.now, next.due);
      next.fire();
    }
    this.now = target;
  }

  /** The running operation (a call, so a test's earlier assertions do not narrow it). */
  current(): OperationRequest | undefined {
    return this.running;
  }

  snapshot(path = "/home/me/notes"): RepoSnapshot {
    return toSnapshot(this.state, path);
  }

  eventsOf<K extends AutosyncEventBody["type"]>(
    type: K,
  ): Extract<AutosyncEventBody, { type: K }>[] {
    return this.events.filter((e): e is Extract<AutosyncEventBody, { type: K }> => e.type === type);
  }

  operationsOf<K extends OperationRequest["kind"]>(
    kind: K,
  ): Extract<OperationRequest, { kind: K }>[] {
    return this.operations.filter(
      (o): o is Extract<OperationRequest, { kind: K }> => o.kind === kind,
    );
  }

  kinds(): string[] {
    return this.operations.map((o) => o.kind);
  }

  private apply(effects: readonly Effect[]): void {
    for (const effect of effects) {
      this.effects.push(effect);
      switch (effect.type) {
        case "startTimer":
          this.timers.set(effect.timer, this.now + effect.delayMs);
          break;
        case "cancelTimer":
          this.timers.delete(effect.timer);
          break;
        case "publish":
          this.events.push(effect.event);
          this.eventTimes.push(this.now);
          break;
        case "stopped":
          this.stopped = true;
          break;
        case "runOperation": {
          if (this.running) {
            throw new Error(
              `${effect.operation.kind} started while ${this.running.kind} was still running`,
            );
          }
          this.running = effect.operation;
          this.operations.push(effect.operation);
          this.operationTimes.push(this.now);
          const beforePull =
            this.state.inFlight?.op === "status" && this.state.inFlight.purpose === "before-pull";
          const result =
            this.responder?.(effect.operation, this) ??
            (beforePull ? this.statusBeforePull : undefined);
          if (result) this.reply = { due: this.now + this.operationMs, result };
          break;
        }
        default:
          break;
      }
    }
  }

  private settleImmediateReply(): void {
    const reply = this.reply;
    if (reply && reply.due <= this.now) this.finish(reply.result);
  }
}

// Result builders, so scripted answers stay one line each.
export const statusOk = (entries: StatusEntry[], trackedCount?: number): OperationResult => ({
  kind: "status",
  outcome: "ok",
  entries,
  ...(trackedCount !== undefined ? { trackedCount } : {}),
});
export const committed = (head: string, entries: StatusEntry[]): OperationResult => ({
  kind: "commit",
  outcome: "committed",
  head,
  entries,
});
export const pushed = (head: string): OperationResult => ({
  kind: "push",
  outcome: "pushed",
  head,
});
export const rejected = (): OperationResult => ({ kind: "push", outcome: "rejected" });
export const offline = (kind: "push" | "pull", reason = "connection refused"): OperationResult => ({
  kind,
  outcome: "offline",
  reason,
});
export const pulled = (
  head: string,
  changedPaths: string[] = [],
  extra: Partial<{
    conflicts: ConflictCopy[];
    needsPush: boolean;
    mergedMailboxes: true;
    mailboxPushes: true;
  }> = {},
): OperationResult => ({
  kind: "pull",
  outcome: changedPaths.length > 0 || (extra.conflicts?.length ?? 0) > 0 ? "updated" : "up-to-date",
  head,
  changedPaths,
  conflicts: extra.conflicts ?? [],
  needsPush: extra.needsPush ?? false,
  ...(extra.mergedMailboxes ? { mergedMailboxes: true } : {}),
  ...(extra.mailboxPushes ? { mailboxPushes: true } : {}),
});

export const added = (path: string, sizeBytes = 10): StatusEntry => ({
  path,
  action: "added",
  sizeBytes,
});
export const modified = (path: string, sizeBytes = 10): StatusEntry => ({
  path,
  action: "modified",
  sizeBytes,
});
export const deleted = (path: string): StatusEntry => ({ path, action: "deleted" });

/**
 * A responder for a well-behaved repository: status reports what `tree()` lists minus what was
 * committed since (the same path, action and size), commits commit what they are given, pushes
 * and pulls succeed. Tests override single answers.
 */
export function healthyRepo(tree: () => StatusEntry[]): Responder {
  let commits = 0;
  const done = new Set<string>();
  const key = (entry: StatusEntry) => JSON.stringify([entry.path, entry.action, entry.sizeBytes]);
  return (request) => {
    switch (request.kind) {
      case "status": {
        const entries = tree().filter((entry) => !done.has(key(entry)));
        const scoped = request.paths
          ? entries.filter((e) => request.paths?.includes(e.path))
          : entries;
        return statusOk(scoped);
      }
      case "commit":
        commits += 1;
        for (const entry of request.entries) done.add(key(entry));
        return committed(`c${commits}`, [...request.entries]);
      case "push":
        return pushed(`c${commits}`);
      case "pull":
        return pulled(`c${commits}`);
    }
  };
}

/**
 * A simulator over a working tree the test edits: status lists every path changed since the last
 * commit (`save` changes one and reports it, as the watcher would), commits clear what they took.
 */
export function localTree(config: EngineConfig = testConfig()): {
  tree: Map<string, StatusEntry>;
  sim: EngineSimulator;
  save: (path: string) => void;
} {
  const tree = new Map<string, StatusEntry>();
  const sim = new EngineSimulator(config);
  const answer = healthyRepo(() => [...tree.values()]);
  sim.responder = (request, s) => {
    const result = answer(request, s);
    if (request.kind === "commit") for (const e of request.entries) tree.delete(e.path);
    return result;
  };
  const save = (path: string): void => {
    tree.set(path, modified(path));
    sim.send({ type: "changesObserved", paths: [path] });
  };
  return { tree, sim, save };
}
