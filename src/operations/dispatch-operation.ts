import type { OperationKind, OperationRequest, OperationResult } from "../engine/operation.js";
import type { StatusEntry } from "../engine/status-entry.js";
import { operationsMessages } from "../messages/operations-messages.js";
import { checkHealth } from "./health-check.js";
import { OperationFailure, RemoteUnreachable } from "./operation-failure.js";

/** What each DVCS implements; the shared frame around them is `dispatchOperation`. */
export interface OperationHandlers {
  status(paths: readonly string[] | undefined): Promise<OperationResult>;
  commit(entries: readonly StatusEntry[], message: string): Promise<OperationResult>;
  push(): Promise<OperationResult>;
  pull(request: Extract<OperationRequest, { kind: "pull" }>): Promise<OperationResult>;
}

/**
 * Syncthing's rule before anything runs: the root exists, is a directory and still holds its
 * metadata directory. An unmounted drive must never look like "every file was deleted".
 */
export async function unhealthyResult(
  root: string,
  marker: string,
  kind: OperationKind,
): Promise<OperationResult | undefined> {
  const health = await checkHealth(root, marker);
  if (health.healthy) return undefined;
  return { kind, outcome: "unhealthy", problem: health.problem, detail: health.detail };
}

/** The health check, then the operation. */
export async function runWhenHealthy(
  root: string,
  marker: string,
  request: OperationRequest,
  handlers: OperationHandlers,
): Promise<OperationResult> {
  return (
    (await unhealthyResult(root, marker, request.kind)) ?? dispatchOperation(request, handlers)
  );
}

/** Runs one operation; whatever it throws becomes a result, never an exception to the engine. */
export async function dispatchOperation(
  request: OperationRequest,
  handlers: OperationHandlers,
): Promise<OperationResult> {
  try {
    switch (request.kind) {
      case "status":
        return await handlers.status(request.paths);
      case "commit":
        return await handlers.commit(request.entries, request.message);
      case "push":
        return await handlers.push();
      case "pull":
        return await handlers.pull(request);
    }
  } catch (error) {
    return failureResult(request.kind, error);
  }
}

export function failureResult(kind: OperationKind, error: unknown): OperationResult {
  if (error instanceof RemoteUnreachable) {
    const made = error.localCommit ? { localCommit: error.localCommit } : {};
    return { kind, outcome: "offline", reason: error.reason, ...made };
  }
  if (error instanceof OperationFailure) {
    return {
      kind,
      outcome: "failed",
      message: error.message,
      ...(error.command ? { command: error.command } : {}),
      ...(error.localCommit ? { localCommit: error.localCommit } : {}),
    };
  }
  return { kind, outcome: "failed", message: operationsMessages.unexpected(error) };
}
