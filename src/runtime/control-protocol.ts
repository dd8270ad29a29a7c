import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import {
  parseFileChanges,
  type FileChange,
  type UserChangeOutcome,
} from "../operations/user-change.js";

/**
 * The control socket speaks newline-delimited JSON: one request object per line, one response
 * per request, in order. Small on purpose: `autosync status|sync|pause|resume|commit|stop`
 * and scripts (`socat - UNIX-CONNECT:…`) are its only clients.
 */
export type ControlRequest =
  | { command: "status" }
  | { command: "sync"; repo?: string }
  | { command: "pause"; repo?: string }
  | { command: "resume"; repo?: string; allowDeletions?: boolean }
  | { command: "commit"; repo?: string; message?: string }
  | { command: "stop" }
  /**
   * A user's change (`autosync resolve`, `restore`): the daemon applies it in the repository's
   * operation slot, commits it with `message`, pushes and announces; answers once committed.
   */
  | { command: "change"; repo: string; message: string; changes: FileChange[] };

export type ControlCommand = ControlRequest["command"];

export type ControlResponse =
  | {
      ok: true;
      /** The daemon's clock when it answered: countdowns are computed against it. */
      now: number;
      /** status: every repository. */
      snapshots?: RepoSnapshot[];
      /** sync/pause/resume/commit: the repositories the request went to. */
      repos?: string[];
      message?: string;
      /** change: what the change did. */
      change?: UserChangeOutcome;
    }
  | { ok: false; error: string };

/** Longest request line accepted; a commit message fits many times over. */
export const MAX_REQUEST_BYTES = 64 * 1024;

const COMMANDS: readonly ControlCommand[] = [
  "status",
  "sync",
  "pause",
  "resume",
  "commit",
  "stop",
  "change",
];

/** Checks a parsed line; returns the request or what is wrong with it. */
export function parseControlRequest(value: unknown): ControlRequest | string {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return "expected a JSON object";
  const record = value as Record<string, unknown>;
  const command = record.command;
  if (typeof command !== "string" || !COMMANDS.includes(command as ControlCommand))
    return `command must be one of ${COMMANDS.join(", ")}; found ${JSON.stringify(command)}`;
  if (record.repo !== undefined && typeof record.repo !== "string") return "repo must be a string";
  if (record.message !== undefined && typeof record.message !== "string")
    return "message must be a string";
  if (record.allowDeletions !== undefined && typeof record.allowDeletions !== "boolean")
    return "allowDeletions must be true or false";
  const repo = record.repo as string | undefined;
  switch (command as ControlCommand) {
    case "status":
      return { command: "status" };
    case "stop":
      return { command: "stop" };
    case "sync":
    case "pause":
      return repo === undefined
        ? { command: command as "sync" | "pause" }
        : { command: command as "sync" | "pause", repo };
    case "resume": {
      const request: ControlRequest = { command: "resume" };
      if (repo !== undefined) request.repo = repo;
      if (record.allowDeletions === true) request.allowDeletions = true;
      return request;
    }
    case "change": {
      if (repo === undefined) return "change needs repo";
      if (typeof record.message !== "string" || !record.message.trim())
        return "change needs a message";
      const changes = parseFileChanges(record.changes);
      if (typeof changes === "string") return changes;
      return { command: "change", repo, message: record.message, changes };
    }
    case "commit": {
      const request: ControlRequest = { command: "commit" };
      if (repo !== undefined) request.repo = repo;
      if (typeof record.message === "string" && record.message.trim())
        request.message = record.message;
      return request;
    }
  }
}
