import type { ConflictCopy, OperationKind } from "../engine/operation.js";
import type { RepoStateName } from "../engine/repo-state.js";
import type { ChangeAction } from "../engine/status-entry.js";

/**
 * The one typed union every reader of the bus (log lines, the terminal UI, `autosync status`,
 * channels, desktop notices) consumes. Past tense: each says what happened.
 */
export type AutosyncEventBody =
  | {
      type: "stateChanged";
      repo: string;
      from: RepoStateName;
      to: RepoStateName;
      durationMs: number;
    }
  | { type: "changesDetected"; repo: string; count: number; sample: string[] }
  | { type: "operationStarted"; repo: string; operation: OperationKind }
  | {
      type: "operationFinished";
      repo: string;
      operation: OperationKind;
      outcome: string;
      durationMs: number;
      message?: string;
    }
  | {
      type: "committed";
      repo: string;
      head: string;
      message: string;
      counts: Partial<Record<ChangeAction, number>>;
      files: number;
    }
  | { type: "pushed"; repo: string; head: string }
  | { type: "pulled"; repo: string; head: string; changedPaths: number }
  | { type: "conflict"; repo: string; conflicts: ConflictCopy[] }
  | { type: "offline"; repo: string; reason: string; retryInMs: number }
  | { type: "online"; repo: string }
  | { type: "warning"; repo?: string; message: string; hint?: string }
  /** Something needs the user: says what was seen and how to go on. */
  | { type: "error"; repo?: string; message: string; hint?: string }
  | {
      type: "announcementSent";
      repo: string;
      channel: string;
      head: string;
      /** How many machines it went to, when the channel knows (0: none was online). */
      recipients?: number;
    }
  | { type: "announcementReceived"; repo: string; channel: string; fromHost: string; head?: string }
  | {
      type: "channelStatus";
      channel: string;
      status: "connecting" | "connected" | "reconnecting" | "down" | "disabled";
      detail?: string;
      retryInMs?: number;
    }
  | { type: "info"; repo?: string; message: string };

export type AutosyncEvent = AutosyncEventBody & { seq: number; time: number };
