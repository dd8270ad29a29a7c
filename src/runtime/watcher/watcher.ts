import { realpath } from "node:fs/promises";
import { relative, sep } from "node:path";
import { systemClock, type Clock, type TimerHandle } from "../clock.js";

/**
 * The watcher adapter: turns file-system notifications into "look now" triggers and nothing more.
 * What gets committed is decided by the DVCS status, so a lost or duplicated event costs at most
 * one extra status; a watcher that cannot watch (watch limit) degrades to periodic rescans.
 */
export type WatcherBackend = "native" | "chokidar";

export interface WatcherOptions {
  /** Absolute path of the watch root. */
  root: string;
  backend: WatcherBackend;
  /** Root-relative directories never watched at all (the metadata dir: .git churns on every commit). */
  skipDirs: readonly string[];
  isIgnored(relPath: string, isDir?: boolean): boolean;
  /**
   * Sees every raw batch before filtering, so the ignore filter can learn about new nested working
   * copies and changed ignore files before it judges the batch.
   */
  observe?(relPaths: readonly string[]): Promise<unknown> | void;
  /** Root-relative paths, forward slashes, ignored ones removed; never empty. */
  onChanges(relPaths: string[]): void;
  onRescanNeeded(reason: string): void;
  onError(error: WatcherError): void;
  /** Period of the full rescans once watching failed (watch limit). */
  rescanIntervalMs: number;
  clock?: Clock;
}

export interface Watcher {
  close(): Promise<void>;
}

export type WatcherErrorKind =
  /** inotify's `fs.inotify.max_user_watches` is exhausted (ENOSPC). */
  | "watch-limit"
  /** The kernel queue overflowed or the backend dropped events: the tree must be rescanned. */
  | "overflow"
  | "failed";

export class WatcherError extends Error {
  constructor(
    readonly kind: WatcherErrorKind,
    message: string,
    /** Whether the watcher gave up watching and now only rescans periodically. */
    readonly degraded: boolean,
    readonly root: string,
  ) {
    super(message);
    this.name = "WatcherError";
  }
}

/** ENOSPC from inotify_add_watch, as Node, chokidar and @parcel/watcher each word it. */
export function isWatchLimitError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return (
    code === "ENOSPC" ||
    /ENOSPC|no space left on device|inotify watch limit|max_user_watches|user limit .*inotify/i.test(
      message,
    )
  );
}

export function toRelative(root: string, absolute: string): string {
  const rel = relative(root, absolute);
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/** Converts an absolute path list into the filtered relative batch the runner wants. */
export interface Batcher {
  add(absolutePaths: readonly string[]): void;
  flushNow(): Promise<void>;
  close(): void;
}

/**
 * Gathers events for a short moment so a burst of 2,000 files becomes a few batches, runs the
 * `observe` hook on the raw batch, filters it and hands the rest to `onChanges`. Batches are
 * delivered in order, one at a time. The first events after a quiet `windowMs` go at once
 * (after the events of the same tick): a single saved file starts its quiet period without
 * waiting for a window, while a burst still arrives in batches at most `windowMs` apart.
 */
export function createBatcher(options: WatcherOptions, windowMs = 25): Batcher {
  const clock = options.clock ?? systemClock;
  let pending = new Set<string>();
  let timer: TimerHandle | undefined;
  let lastFlushAt = Number.NEGATIVE_INFINITY;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  async function deliver(batch: string[]): Promise<void> {
    if (closed || batch.length === 0) return;
    try {
      await options.observe?.(batch);
    } catch (error) {
      options.onError(
        new WatcherError(
          "failed",
          `ignore rules could not be reloaded: ${String(error)}`,
          false,
          options.root,
        ),
      );
    }
    const kept = batch.filter((path) => !options.isIgnored(path));
    if (kept.length > 0 && !closed) options.onChanges(kept);
  }

  function flush(): Promise<void> {
    timer = undefined;
    lastFlushAt = clock.now();
    const batch = [...pending];
    pending = new Set();
    chain = chain.then(() => deliver(batch));
    return chain;
  }

  return {
    add(absolutePaths) {
      if (closed) return;
      for (const absolute of absolutePaths) {
        const rel = toRelative(options.root, absolute);
        if (rel === "" || rel.startsWith("..")) continue;
        pending.add(rel);
      }
      if (pending.size > 0 && timer === undefined) {
        const idle = clock.now() - lastFlushAt >= windowMs;
        timer = clock.setTimeout(() => void flush(), idle ? 0 : windowMs);
      }
    },
    flushNow() {
      if (timer !== undefined) clock.clearTimeout(timer);
      return flush();
    },
    close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Periodic full rescans for a root that cannot be watched (or only partly). */
export interface Rescanner {
  start(reason: string): void;
  readonly active: boolean;
  close(): void;
}

/**
 * `recover`, when given, is tried before each periodic rescan (a remounted drive, a raised watch
 * limit): once it resolves true the rescans stop after one last look at the whole tree.
 */
export function createRescanner(
  options: WatcherOptions,
  recover?: () => Promise<boolean>,
): Rescanner {
  const clock = options.clock ?? systemClock;
  let timer: TimerHandle | undefined;
  let active = false;
  let closed = false;
  let reason = "";
  const tick = async (): Promise<void> => {
    timer = undefined;
    const recovered = recover ? await recover().catch(() => false) : false;
    if (closed) return;
    if (recovered) {
      active = false;
      options.onRescanNeeded("watching again");
      return;
    }
    timer = clock.setTimeout(() => void tick(), options.rescanIntervalMs);
    options.onRescanNeeded(reason);
  };
  return {
    start(why) {
      if (active || closed) return;
      active = true;
      reason = why;
      options.onRescanNeeded(reason);
      timer = clock.setTimeout(() => void tick(), options.rescanIntervalMs);
    },
    get active() {
      return active;
    },
    close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Starts the configured backend; resolves when it watches (or has degraded to rescans). */
export async function startWatcher(options: WatcherOptions): Promise<Watcher> {
  // A root that is a symlink (~/notes -> /mnt/data/notes): inotify_add_watch refuses the link
  // itself ("Not a directory") and events name the real path, so watch and relativize the
  // real directory. A root that does not exist stays as given: the backend reports it.
  const root = await realpath(options.root).catch(() => options.root);
  const resolved = root === options.root ? options : { ...options, root };
  if (options.backend === "chokidar") {
    const { startChokidarWatcher } = await import("./chokidar-watcher.js");
    return startChokidarWatcher(resolved);
  }
  const { startNativeWatcher } = await import("./native-watcher.js");
  return startNativeWatcher(resolved);
}
