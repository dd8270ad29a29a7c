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
import { trackNewDirectories } from "./new-directories.js";
import { systemClock } from "../clock.js";

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
    for (const event of events) if (event.type === "create") newDirectories.created(event.path);
  };

  const subscribeOptions = { ignore: options.skipDirs.map((dir) => join(options.root, dir)) };
  const newDirectories = trackNewDirectories({
    root: options.root,
    clock: options.clock ?? systemClock,
    isSkipped: (relPath) => options.skipDirs.includes(relPath) || options.isIgnored(relPath, true),
    lookAgain: (paths) => batcher.add(paths),
    // Only a fresh subscription watches every directory again (it walks the whole tree). The
    // old one goes first: @parcel/watcher shares one inotify descriptor, so the old one's
    // unsubscribe would remove the new one's watches (measured: 9 of 30 runs blind). Events in
    // the gap are covered by a look at the whole tree.
    unwatched: async () => {
      if (!subscription || closed) return;
      const old = subscription;
      subscription = undefined;
      await old.unsubscribe().catch(() => undefined);
      if (closed) return;
      const failure = await trySubscribe();
      if (failure !== undefined) {
        watchingFailed(failure);
        return;
      }
      options.onRescanNeeded("new folders were not all watched; watching them again");
    },
  });

  const trySubscribe = async (): Promise<unknown> => {
    try {
      const next = await subscribe(options.root, onEvents, subscribeOptions);
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

  function watchingFailed(failure: unknown): void {
    const limit = isWatchLimitError(failure);
    const message = failure instanceof Error ? failure.message : String(failure);
    options.onError(
      new WatcherError(limit ? "watch-limit" : "failed", message, true, options.root),
    );
    rescanner.start(limit ? "watch limit reached" : `watching failed: ${message}`);
  }

  const failure = await trySubscribe();
  if (failure !== undefined) watchingFailed(failure);

  return {
    async close() {
      closed = true;
      newDirectories.close();
      batcher.close();
      rescanner.close();
      const current = subscription;
      subscription = undefined;
      await current?.unsubscribe();
    },
  };
}
