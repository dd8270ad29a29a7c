import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { HealthProblem } from "../engine/operation.js";
import { operationsMessages } from "../messages/operations-messages.js";

export type Health = { healthy: true } | { healthy: false; problem: HealthProblem; detail: string };

/**
 * Syncthing's folder check, before every operation: the root exists, is a directory and still
 * holds the recipe's marker. An unmounted drive or a deleted folder must halt the repository,
 * never reach `status` (which would report every file as deleted) or a merge.
 */
export async function checkHealth(root: string, marker: string): Promise<Health> {
  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat) {
    return { healthy: false, problem: "missing", detail: operationsMessages.rootMissing(root) };
  }
  if (!rootStat.isDirectory()) {
    return {
      healthy: false,
      problem: "not-a-directory",
      detail: operationsMessages.rootNotDirectory(root),
    };
  }
  const markerStat = await stat(join(root, marker)).catch(() => undefined);
  if (!markerStat) {
    return {
      healthy: false,
      problem: "marker-missing",
      detail: operationsMessages.markerMissing(root, marker),
    };
  }
  return { healthy: true };
}
