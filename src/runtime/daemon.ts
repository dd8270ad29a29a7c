import { randomBytes } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname, join } from "node:path";
import type {
  AnnouncementInfo,
  Announcer,
  Notifier,
  ReceivedAnnouncement,
} from "../channels/announcer.js";
import { createAnnouncer } from "../channels/create-announcer.js";
import type { ResolvedConfig, ResolvedRepository } from "../config/resolved-config.js";
import type { EngineInput } from "../engine/engine-input.js";
import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import type { AutosyncEventBody } from "../events/autosync-event.js";
import { EventBus } from "../events/event-bus.js";
import { createNotifier } from "../notify/desktop-notifier.js";
import { runtimeMessages } from "../messages/runtime-messages.js";
import { createOperations } from "../operations/create-operations.js";
import type { RepoOperations } from "../operations/repo-operations.js";
import type { FileChange, UserChangeOutcome } from "../operations/user-change.js";
import { countUnresolvedConflicts } from "../conflicts/count-conflicts.js";
import { conflictDesk, type ConflictDesk } from "../conflicts/desk-service.js";
import { historyBrowser, type HistoryBrowser } from "../operations/history-browser.js";
import { formatLocalTime } from "../cli/format-history.js";
import { systemClock, type Clock } from "./clock.js";
import { processRunner, type CommandRunner } from "./command-runner.js";
import { createIgnoreFilter, type IgnoreFilter } from "./ignore-filter.js";
import {
  acquireInstanceLock,
  AlreadyRunningError,
  INSTANCE_LOCK_FILE,
  type InstanceLock,
} from "./instance-lock.js";
import { writePidfile, type Pidfile } from "./pidfile.js";
import { RECONNECT_HOST, reconnectPuller } from "./reconnect-puller.js";
import { RepositoryRunner } from "./repository-runner.js";
import { startWatcher, type Watcher, type WatcherError } from "./watcher/watcher.js";

export { AlreadyRunningError, INSTANCE_LOCK_FILE } from "./instance-lock.js";

export interface DaemonOptions {
  clock?: Clock;
  /** Runs DVCS commands and user hooks; processRunner by default. */
  runner?: CommandRunner;
  /** Channels (issue 5); built from `config.channels` when absent. */
  announcer?: Announcer;
  /** Desktop notices; built from `config.notify` when absent. */
  notifier?: Notifier;
  bus?: EventBus;
  /** Unique per running daemon: tells our own announcement echoes apart. */
  instanceId?: string;
  /** Take the per-repository instance locks and the pidfile (default true). */
  lock?: boolean;
  /** Where secrets and the git global excludes lookup read the environment; process.env. */
  env?: NodeJS.ProcessEnv;
  /** Builds the operations of a repository; createOperations by default. */
  createOperations?: (
    repository: ResolvedRepository,
    isIgnored: IgnoreFilter["isIgnored"],
  ) => RepoOperations;
}

export interface DaemonHandle {
  bus: EventBus;
  snapshots(): RepoSnapshot[];
  /** `repo` undefined: every repository. Throws for an unknown repository name. */
  request(repo: string | undefined, input: EngineInput): void;
  /**
   * Applies a new config while running: repositories that are new start, removed ones stop
   * after their operation in flight, changed ones stop and start again with the new settings;
   * channels and desktop notices are rebuilt when their config changed. Reloads run one at a
   * time; one repository that cannot start is reported, never fatal.
   */
  applyConfig(config: ResolvedConfig): Promise<ReloadReport>;
  /** A user's change, committed in the repository's operation slot, then pushed and announced. */
  change(repo: string, changes: readonly FileChange[], message: string): Promise<UserChangeOutcome>;
  /** The conflict desk of a repository; undefined for an unknown one. */
  conflictDesk(repo: string): ConflictDesk | undefined;
  /** The history view of a repository; undefined for an unknown one. */
  historyBrowser(repo: string): HistoryBrowser | undefined;
  /** Finishes the operation in flight everywhere, then releases everything. Idempotent. */
  stop(): Promise<void>;
  /** Resolves once the daemon stopped (after `stop()`). */
  stopped: Promise<void>;
  instanceId: string;
}

/** What a reload changed, by repository name; `failed` did not start (message says why). */
export interface ReloadReport {
  added: string[];
  removed: string[];
  restarted: string[];
  failed: { repo: string; message: string }[];
  channelsRestarted: boolean;
  /** Keys that only a restart applies (pidfile, controlSocket). */
  needsRestart: string[];
}

interface Served {
  repository: ResolvedRepository;
  filter: IgnoreFilter;
  runner: RepositoryRunner;
  watcher?: Watcher;
  lock?: InstanceLock;
}

export function newInstanceId(host: string): string {
  return `${host}-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** Whether a reload must stop and start a repository: any of its resolved settings changed. */
function sameRepository(a: ResolvedRepository, b: ResolvedRepository): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Starts syncing every configured repository: instance locks and pidfile first (a second
 * autosync on the same repository is refused with AlreadyRunningError), then per repository the
 * ignore filter, the operations, the watcher and the runner; channels last.
 */
export async function startDaemon(
  initialConfig: ResolvedConfig,
  options: DaemonOptions = {},
): Promise<DaemonHandle> {
  let config = initialConfig;
  const clock = options.clock ?? systemClock;
  const bus = options.bus ?? new EventBus(clock);
  const env = options.env ?? process.env;
  const commandRunner = options.runner ?? processRunner;
  const instanceId = options.instanceId ?? newInstanceId(config.host);
  const useLocks = options.lock ?? true;
  let pidfile: Pidfile | undefined;
  let served: Served[] = [];
  let announcer: Announcer | undefined;
  let notifier: Notifier | undefined;
  let channelsStarted = false;
  // Runners reach the announcer and the notifier through these, so a reload can replace either
  // without restarting every repository.
  const announce = (info: AnnouncementInfo): void => announcer?.announce(info);
  const notifyThroughCurrent: Notifier = {
    notify: (kind, title, body) => notifier?.notify(kind, title, body),
    stop: () => {},
  };
  // Names travel with the ids so announcement events on the bus name the repository, not a hash.
  const servedRepositoryNames = (): Record<string, string> =>
    Object.fromEntries(
      served.flatMap((entry) =>
        entry.runner.repositoryId === undefined
          ? []
          : [[entry.runner.repositoryId, entry.repository.name]],
      ),
    );
  const servedRepositoryIds = (): string[] => [
    ...new Set(
      served
        .map((entry) => entry.runner.repositoryId)
        .filter((id): id is string => id !== undefined),
    ),
  ];
  const tellAnnouncerRepositories = (): void => {
    if (channelsStarted) announcer?.setRepositories(servedRepositoryIds(), servedRepositoryNames());
  };

  async function releaseEntry(entry: Served): Promise<void> {
    await entry.watcher?.close().catch(() => {});
    await entry.lock?.release().catch(() => {});
  }

  async function releaseAll(): Promise<void> {
    await Promise.all(served.map(releaseEntry));
    await pidfile?.remove().catch(() => {});
  }

  /** The instance lock of one repository; undefined when its root cannot hold one now. */
  async function lockRepository(repository: ResolvedRepository): Promise<InstanceLock | undefined> {
    if (!useLocks) return undefined;
    const file = join(repository.path, repository.recipe.metadataDir, INSTANCE_LOCK_FILE);
    const info = {
      pid: process.pid,
      instanceId,
      host: config.host,
      startedAt: new Date(clock.now()).toISOString(),
    };
    try {
      return await acquireInstanceLock(file, info, repository.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A root that is missing (unmounted drive) must not stop the others: the engine's
      // health check pauses it and says so.
      if (code !== "ENOENT" && code !== "ENOTDIR" && code !== "EACCES" && code !== "EROFS")
        throw error;
      bus.publish({
        type: "warning",
        repo: repository.name,
        message: runtimeMessages.lockUnavailable(repository.path, code),
      });
      return undefined;
    }
  }

  /** Ignore filter, operations and runner of one repository; nothing runs yet. */
  async function prepare(repository: ResolvedRepository, lock?: InstanceLock): Promise<Served> {
    const filter = await createIgnoreFilter({
      root: repository.path,
      recipe: repository.recipe,
      ignore: repository.ignore,
      env,
    });
    for (const problem of filter.problems()) {
      bus.publish({
        type: "warning",
        repo: repository.name,
        message: runtimeMessages.ignoreProblem(problem),
      });
    }
    const isIgnored = (relPath: string) => filter.isIgnored(relPath);
    const operations = options.createOperations
      ? options.createOperations(repository, isIgnored)
      : createOperations({
          root: repository.path,
          recipe: repository.recipe,
          runner: commandRunner,
          isIgnored,
          host: repository.engine.host,
          deletionGuard: repository.engine.deletionGuard,
          now: () => clock.now(),
        });
    const runner = new RepositoryRunner({
      root: repository.path,
      engine: repository.engine,
      operations,
      clock,
      bus,
      commandRunner,
      announce: (info) => announce({ ...info, repo: repository.name }),
      notifier: notifyThroughCurrent,
      countConflicts: () =>
        countUnresolvedConflicts({
          root: repository.path,
          recipe: repository.recipe,
          runner: commandRunner,
        }),
      ...(repository.repositoryId !== undefined ? { repositoryId: repository.repositoryId } : {}),
      ...(repository.pullUrl !== undefined ? { pullUrl: repository.pullUrl } : {}),
      // MQTT subscribes per repository id: a repository that got its first commit only now
      // must start hearing its peers.
      onRepositoryIdChanged: tellAnnouncerRepositories,
    });
    return { repository, filter, runner, ...(lock ? { lock } : {}) };
  }

  /** Lock, prepare, watch and start one repository (a reload adding or restarting it). */
  async function startRepository(repository: ResolvedRepository): Promise<Served> {
    const lock = await lockRepository(repository);
    let entry: Served | undefined;
    try {
      entry = await prepare(repository, lock);
      entry.watcher = await watchRepository(entry, bus, clock);
    } catch (error) {
      await entry?.watcher?.close().catch(() => {});
      await lock?.release().catch(() => {});
      throw error;
    }
    await entry.runner.start();
    return entry;
  }

  /** Stops one repository after its operation in flight (never mid-merge), then unlocks it. */
  async function stopRepository(entry: Served): Promise<void> {
    entry.runner.dispatch({ type: "shutdownRequested" });
    await entry.runner.stopped;
    await releaseEntry(entry);
  }

  const startupLocks = new Map<ResolvedRepository, InstanceLock>();
  try {
    if (useLocks) {
      for (const repository of config.repositories) {
        const lock = await lockRepository(repository);
        if (lock) startupLocks.set(repository, lock);
      }
      pidfile = await writePidfile(config.pidfile);
    }

    announcer =
      options.announcer ??
      createAnnouncer(config.channels, { host: config.host, instanceId, bus, env, clock });
    notifier = options.notifier ?? createNotifier(config.notify, { bus, clock, env });

    for (const repository of config.repositories) {
      served.push(await prepare(repository, startupLocks.get(repository)));
    }

    // Watch before the first status: an edit made while that status runs must not be missed.
    await Promise.all(
      served.map(async (entry) => {
        entry.watcher = await watchRepository(entry, bus, clock);
      }),
    );
    await Promise.all(served.map((entry) => entry.runner.start()));
  } catch (error) {
    notifier?.stop();
    await Promise.all(served.map((entry) => entry.watcher?.close().catch(() => {})));
    await Promise.all([...startupLocks.values()].map((lock) => lock.release().catch(() => {})));
    await pidfile?.remove().catch(() => {});
    throw error;
  }

  const pullFromOrigin = (): boolean => config.channels.peers.pullFromOrigin;
  const deliver = (announcement: ReceivedAnnouncement): void => {
    if (announcement.instanceId === instanceId) return;
    for (const entry of served) {
      if (entry.runner.repositoryId !== announcement.repositoryId) continue;
      entry.runner.dispatch({
        type: "announcementReceived",
        channel: announcement.channel,
        fromHost: announcement.fromHost,
        head: announcement.head,
        // Only a receiver that trusts its peers fetches from them (peers.pullFromOrigin).
        ...(pullFromOrigin() && announcement.pullUrl !== undefined
          ? { pullUrl: announcement.pullUrl }
          : {}),
      });
    }
  };
  async function startChannels(active: Announcer): Promise<void> {
    active.setRepositories(servedRepositoryIds(), servedRepositoryNames());
    channelsStarted = true;
    active.onAnnouncement(deliver);
    await active.start().catch((error: unknown) => {
      bus.publish({ type: "error", message: String(error) });
    });
  }
  // Announcements sent while a channel was away are lost to this machine: when a channel comes
  // back, every repository pulls once (the engine folds it with any other pull).
  const unsubscribeReconnect = bus.subscribe(
    reconnectPuller((channel) => {
      for (const entry of served) {
        entry.runner.dispatch({
          type: "announcementReceived",
          channel,
          fromHost: RECONNECT_HOST,
        });
      }
    }),
  );
  await startChannels(announcer);
  bus.publish({ type: "info", message: runtimeMessages.started(served.length, instanceId) });

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  let reloading: Promise<unknown> = Promise.resolve();

  async function stop(): Promise<void> {
    // A reload in progress finishes first: it may be starting a repository right now.
    await reloading.catch(() => {});
    unsubscribeReconnect();
    for (const entry of served) entry.runner.dispatch({ type: "shutdownRequested" });
    await Promise.all(served.map((entry) => entry.runner.stopped));
    await announcer?.stop().catch(() => {});
    notifier?.stop();
    await releaseAll();
    bus.publish({ type: "info", message: runtimeMessages.stopped });
    resolveStopped();
  }

  async function reload(next: ResolvedConfig): Promise<ReloadReport> {
    const report: ReloadReport = {
      added: [],
      removed: [],
      restarted: [],
      failed: [],
      channelsRestarted: false,
      needsRestart: [],
    };
    // Compared with what runs: the pidfile and the socket stay those of the start.
    if (next.pidfile !== initialConfig.pidfile) report.needsRestart.push("pidfile");
    if (next.controlSocket !== initialConfig.controlSocket)
      report.needsRestart.push("controlSocket");
    // A repository is the same one when its root is: a rename or new timers restart it.
    const nextByPath = new Map(
      next.repositories.map((repository) => [repository.path, repository]),
    );
    const leaving = served.filter((entry) => {
      const wanted = nextByPath.get(entry.repository.path);
      return wanted === undefined || !sameRepository(wanted, entry.repository);
    });
    const staying = served.filter((entry) => !leaving.includes(entry));
    await Promise.all(leaving.map(stopRepository));
    served = staying;
    const before = new Set(leaving.map((entry) => entry.repository.path));
    for (const entry of leaving) {
      if (!nextByPath.has(entry.repository.path)) report.removed.push(entry.repository.name);
    }
    const oldChannels = JSON.stringify([config.host, config.channels]);
    const oldNotify = JSON.stringify(config.notify);
    config = next;
    if (options.notifier === undefined && JSON.stringify(next.notify) !== oldNotify) {
      notifier?.stop();
      notifier = createNotifier(next.notify, { bus, clock, env });
    }
    const kept = new Set(staying.map((entry) => entry.repository.path));
    const started: Served[] = [];
    for (const repository of next.repositories) {
      if (kept.has(repository.path)) continue;
      try {
        started.push(await startRepository(repository));
        (before.has(repository.path) ? report.restarted : report.added).push(repository.name);
      } catch (error) {
        const message =
          error instanceof AlreadyRunningError
            ? `${error.message} ${error.hint}`
            : error instanceof Error
              ? error.message
              : String(error);
        report.failed.push({ repo: repository.name, message });
        bus.publish({
          type: "error",
          repo: repository.name,
          message: runtimeMessages.reloadRepositoryFailed(repository.name, message),
        });
      }
    }
    // In config order, as the UI and `status` list them.
    const order = new Map(next.repositories.map((repository, index) => [repository.path, index]));
    served = [...staying, ...started].sort(
      (a, b) => (order.get(a.repository.path) ?? 0) - (order.get(b.repository.path) ?? 0),
    );
    if (
      options.announcer === undefined &&
      JSON.stringify([next.host, next.channels]) !== oldChannels
    ) {
      await announcer?.stop().catch(() => {});
      channelsStarted = false;
      announcer = createAnnouncer(next.channels, {
        host: next.host,
        instanceId,
        bus,
        env,
        clock,
      });
      await startChannels(announcer);
      report.channelsRestarted = true;
    } else {
      tellAnnouncerRepositories();
    }
    bus.publish({ type: "info", message: runtimeMessages.reloaded(report) });
    return report;
  }

  const handle: DaemonHandle = {
    bus,
    instanceId,
    stopped,
    snapshots: () => served.map((entry) => entry.runner.snapshot()),
    request(repo, input) {
      const targets =
        repo === undefined ? served : served.filter((entry) => entry.repository.name === repo);
      if (targets.length === 0 && repo !== undefined) {
        throw new Error(
          runtimeMessages.unknownRepository(
            repo,
            served.map((entry) => entry.repository.name),
          ),
        );
      }
      if (input.type === "shutdownRequested") {
        void handle.stop();
        return;
      }
      for (const entry of targets) entry.runner.dispatch(input);
    },
    applyConfig(next) {
      if (stopping) return Promise.reject(new Error(runtimeMessages.reloadWhileStopping));
      const result = reloading.catch(() => {}).then(() => reload(next));
      reloading = result;
      return result;
    },
    change(repo, changes, message) {
      const entry = served.find((candidate) => candidate.repository.name === repo);
      if (!entry) {
        const names = served.map((candidate) => candidate.repository.name);
        return Promise.reject(new Error(runtimeMessages.unknownRepository(repo, names)));
      }
      return entry.runner.applyUserChange(changes, message);
    },
    conflictDesk(repo) {
      const entry = served.find((candidate) => candidate.repository.name === repo);
      if (!entry) return undefined;
      const { repository } = entry;
      return conflictDesk(
        {
          repo: repository.name,
          root: repository.path,
          recipe: repository.recipe,
          runner: commandRunner,
          host: repository.engine.host,
        },
        (changes, message) => entry.runner.applyUserChange(changes, message),
      );
    },
    historyBrowser(repo) {
      const entry = served.find((candidate) => candidate.repository.name === repo);
      if (!entry) return undefined;
      const { repository } = entry;
      return historyBrowser(
        {
          repo: repository.name,
          root: repository.path,
          recipe: repository.recipe,
          runner: commandRunner,
          host: repository.engine.host,
          formatTime: formatLocalTime,
        },
        (changes, message) => entry.runner.applyUserChange(changes, message),
      );
    },
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
  return handle;
}

/**
 * Ignore files inside the metadata dir (`.git/info/exclude`) are in a directory the watcher
 * skips on purpose; one plain fs.watch per such directory reloads the rules when they change.
 */
function watchMetadataIgnoreFiles(
  repository: ResolvedRepository,
  filter: IgnoreFilter,
): () => void {
  const metadataDir = repository.recipe.metadataDir.replace(/\/+$/, "");
  const files = repository.recipe.ignoreFiles
    .filter((file) => file.scope === "root" && file.path.startsWith(`${metadataDir}/`))
    .map((file) => join(repository.path, file.path));
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(files.map((file) => dirname(file)))) {
    try {
      const names = new Set(
        files.filter((file) => dirname(file) === dir).map((file) => basename(file)),
      );
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || names.has(String(name))) void filter.reload().catch(() => {});
      });
      watcher.on("error", () => watcher.close());
      watchers.push(watcher);
    } catch {
      // No such directory (yet): the rules are re-read at every rescan anyway.
    }
  }
  return () => watchers.forEach((watcher) => watcher.close());
}

async function watchRepository(entry: Served, bus: EventBus, clock: Clock): Promise<Watcher> {
  const { repository, filter, runner } = entry;
  const { rescanIntervalMs } = repository.watcher;
  const stopMetadataWatch = watchMetadataIgnoreFiles(repository, filter);
  const watcher = await startWatcher({
    root: repository.path,
    backend: repository.watcher.backend,
    skipDirs: [repository.recipe.metadataDir],
    isIgnored: filter.isIgnored,
    observe: filter.observe,
    clock,
    rescanIntervalMs,
    onChanges: (paths) => runner.dispatch({ type: "changesObserved", paths }),
    onRescanNeeded: (reason) => {
      void filter
        .reload()
        .catch(() => {})
        .then(() => runner.dispatch({ type: "rescanNeeded", reason }));
    },
    onError: (error: WatcherError) => bus.publish(watcherErrorEvent(error, repository)),
  }).catch((error: unknown) => {
    stopMetadataWatch();
    throw error;
  });
  return {
    async close() {
      stopMetadataWatch();
      await watcher.close();
    },
  };
}

/** What a watcher problem tells the user: the watch limit with its fix, lost events, failures. */
export function watcherErrorEvent(
  error: WatcherError,
  repository: Pick<ResolvedRepository, "name" | "path" | "watcher">,
): AutosyncEventBody {
  const repo = repository.name;
  const { rescanIntervalMs } = repository.watcher;
  if (error.kind === "watch-limit") {
    return {
      type: "error",
      repo,
      ...runtimeMessages.watchLimit(repository.path, rescanIntervalMs),
    };
  }
  if (error.kind === "overflow") {
    return {
      type: "warning",
      repo,
      message: runtimeMessages.watcherLostEvents(repository.path, error.message),
    };
  }
  if (error.degraded) {
    return {
      type: "error",
      repo,
      ...runtimeMessages.watchFailed(repository.path, error.message, rescanIntervalMs),
    };
  }
  return { type: "warning", repo, message: error.message };
}
