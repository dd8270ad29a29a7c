import { readFile } from "node:fs/promises";
import type { ResolvedRepository } from "../config/resolved-config.js";
import { doctorMessages as messages } from "../messages/doctor-messages.js";
import { checkHealth } from "../operations/health-check.js";
import { createIgnoreFilter } from "../runtime/ignore-filter.js";
import { type CheckResult, ok, problem, warning } from "./check-result.js";

/** Linux's per-user inotify limit; each watched folder takes one (docs/running.md). */
export const WATCH_LIMIT_FILE = "/proc/sys/fs/inotify/max_user_watches";

/** The folders a repository's watcher watches: every one the ignore rules leave in. */
async function watchedFolders(
  repository: ResolvedRepository,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  if (!(await checkHealth(repository.path, repository.recipe.marker)).healthy) return 0;
  const filter = await createIgnoreFilter({
    root: repository.path,
    recipe: repository.recipe,
    ignore: repository.ignore,
    env,
  });
  return filter.watchedDirectoryCount();
}

/**
 * The watch limit against the folders all repositories need. Other programs (editors, file
 * managers, IDEs) take watches from the same per-user limit, so needing more than half of it is
 * already a warning. The chokidar backend also watches every file: the count is then a floor.
 */
export async function checkWatchLimit(
  repositories: readonly ResolvedRepository[],
  options: { limitFile: string; env: NodeJS.ProcessEnv },
): Promise<CheckResult> {
  let text: string;
  try {
    text = await readFile(options.limitFile, "utf8");
  } catch {
    return ok("machine", "watch-limit", messages.noWatchLimit(options.limitFile));
  }
  const limit = Number.parseInt(text.trim(), 10);
  if (!Number.isFinite(limit) || limit <= 0) {
    return ok("machine", "watch-limit", messages.noWatchLimit(options.limitFile));
  }
  const counts = await Promise.all(
    repositories.map((repository) => watchedFolders(repository, options.env)),
  );
  const needed = counts.reduce((sum, count) => sum + count, 0);
  const perFile = repositories.some((repository) => repository.watcher.backend === "chokidar");
  if (needed > limit)
    return problem("machine", "watch-limit", messages.watchLimitLow(needed, limit, perFile));
  if (needed * 2 > limit)
    return warning("machine", "watch-limit", messages.watchLimitTight(needed, limit, perFile));
  return ok("machine", "watch-limit", messages.watchLimitOk(needed, limit, perFile));
}
