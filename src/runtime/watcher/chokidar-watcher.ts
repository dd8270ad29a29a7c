import { watch, type FSWatcher } from "chokidar";
import {
  createBatcher,
  createRescanner,
  isWatchLimitError,
  toRelative,
  WatcherError,
  type Watcher,
  type WatcherOptions,
} from "./watcher.js";

/**
 * chokidar 6 (`watcher.backend: chokidar`): one inotify watch per file and directory, so it runs
 * out of watches and memory on big trees (issue 4: 281 MB at 20,000 files), but it is the
 * behaviour dvcs-autosync users know and works where the native module cannot load.
 * Ignored paths are never descended into, which keeps node_modules-sized trees out of it.
 */
export async function startChokidarWatcher(options: WatcherOptions): Promise<Watcher> {
  const batcher = createBatcher(options);
  const rescanner = createRescanner(options);
  const skip = options.skipDirs.map((dir) => dir.replace(/\/+$/, ""));

  const ignored = (path: string, stats?: { isDirectory(): boolean }): boolean => {
    const rel = toRelative(options.root, path);
    if (rel === "") return false;
    if (skip.some((dir) => rel === dir || rel.startsWith(`${dir}/`))) return true;
    return options.isIgnored(rel, stats?.isDirectory());
  };

  const watcher: FSWatcher = watch(options.root, {
    ignored,
    ignoreInitial: true,
    followSymlinks: false,
    // Our own batching and the DVCS status make chokidar's write/atomic heuristics unnecessary.
    atomic: false,
    awaitWriteFinish: false,
  });

  watcher.on("all", (_event, path) => batcher.add([path]));
  watcher.on("error", (error: unknown) => {
    const limit = isWatchLimitError(error);
    const message = error instanceof Error ? error.message : String(error);
    options.onError(
      new WatcherError(limit ? "watch-limit" : "failed", message, limit, options.root),
    );
    if (limit) rescanner.start("watch limit reached");
    else options.onRescanNeeded(`watcher error: ${message}`);
  });

  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));

  return {
    async close() {
      batcher.close();
      rescanner.close();
      await watcher.close();
    },
  };
}
