import { doctorMessages as messages } from "../messages/doctor-messages.js";
import { checkHealth } from "../operations/health-check.js";
import type { ResolvedRepository } from "../config/resolved-config.js";
import { type CheckResult, ok, problem } from "./check-result.js";

/** The health check every operation runs first: root exists, is a folder, holds the marker. */
export async function checkWorkingCopy(repository: ResolvedRepository): Promise<CheckResult> {
  const { name, path, recipe } = repository;
  const health = await checkHealth(path, recipe.marker);
  if (health.healthy) return ok(name, "working-copy", messages.workingCopy(path, recipe.kind));
  return problem(name, "working-copy", {
    message: health.detail,
    fix: messages.workingCopyFix(health.problem, path, recipe.marker),
  });
}
