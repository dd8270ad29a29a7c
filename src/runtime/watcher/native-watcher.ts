import { join } from "node:path";
import parcelWatcher, { type AsyncSubscription } from "@parcel/watcher";
import {
  createBatcher,
  createRescanner,
  isWatchLimitError,
  WatcherError,
  type Watcher,
  type WatcherOptions,
} from "./watcher.js";

type Subscribe = typeof parcelWatcher.subscribe;

/**
 * @parcel/watcher: one inotify watch per directory, events gathered in C++ (issue 4 measured
 * 5,001 watches and 63 MB for a 50,000-file tree where chokidar needed 55,001 and 533 MB), so it
 * is the default. Skipped directories are passed as `ignore`, which keeps inotify watches off
 * them: `.git` churn on every commit is never even delivered.
 *
 * `subscribe` is injectable only so the watch-limit path can be exercised without exhausting the
 * machine's real inotify watches.
 */
export async function startNativeWatcher(
  options: WatcherOptions,
  subscribe: Subscribe = parcelWatcher.subscribe,
): Promise<Watcher> {
  const batcher = createBatcher(options);
  let subscription: AsyncSubscription | undefined;
  let closed = false;

  const onEvents = (error: Error | null, events: parcelWatcher.Event[]): void => {
    if (error) {
      // Dropped or overflowed events: we no longer know what changed, so look at everything.
      const limit = isWatchLimitError(error);
      options.onError(
        new WatcherError(limit ? "watch-limit" : "overflow", error.message, limit, options.root),
      );
      if (limit) rescanner.start("watch limit reached");
      else options.onRescanNeeded(`watcher lost events: ${error.message}`);
      return;
    }
    batcher.add(events.map((event) => event.path));
  };

  const trySubscribe = async (): Promise<unknown> => {
    try {
      const next = await subscribe(options.root, onEvents, {
        ignore: options.skipDirs.map((dir) => join(options.root, dir)),
      });
      if (closed) await next.unsubscribe();
      else subscription = next;
      return undefined;
    } catch (error) {
      return error ?? new Error("subscribe failed");
    }
  };

  // While degraded, every rescan first tries to watch again: the drive may be mounted again,
  // the watch limit raised.
  const rescanner = createRescanner(options, async () => {
    if (subscription) return false;
    return (await trySubscribe()) === undefined;
  });

  const failure = await trySubscribe();
  if (failure !== undefined) {
    const limit = isWatchLimitError(failure);
    const message = failure instanceof Error ? failure.message : String(failure);
    options.onError(
      new WatcherError(limit ? "watch-limit" : "failed", message, true, options.root),
    );
    rescanner.start(limit ? "watch limit reached" : `watching failed: ${message}`);
  }

  return {
    async close() {
      closed = true;
      batcher.close();
      rescanner.close();
      const current = subscription;
      subscription = undefined;
      await current?.unsubscribe();
    },
  };
}
