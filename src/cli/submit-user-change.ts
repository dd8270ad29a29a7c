import { join } from "node:path";
import type { ResolvedConfig, ResolvedRepository } from "../config/resolved-config.js";
import { buildCommitMessage } from "../engine/commit-message.js";
import { engineMessages } from "../messages/engine-messages.js";
import { createAnnouncer } from "../channels/create-announcer.js";
import { EventBus } from "../events/event-bus.js";
import { createOperations } from "../operations/create-operations.js";
import type { RepoOperations } from "../operations/repo-operations.js";
import {
  applyAndCommit,
  type FileChange,
  type UserChangeOutcome,
} from "../operations/user-change.js";
import { systemClock, type Clock } from "../runtime/clock.js";
import { processRunner, type CommandRunner } from "../runtime/command-runner.js";
import { DaemonUnavailableError, sendControlRequest } from "../runtime/control-client.js";
import { INSTANCE_LOCK_FILE, newInstanceId } from "../runtime/daemon.js";
import { acquireInstanceLock } from "../runtime/instance-lock.js";

export interface SubmittedChange {
  /** Through the running daemon (which pushes and announces), or directly with the lock held. */
  via: "daemon" | "direct";
  outcome: UserChangeOutcome;
  /** direct only: what the push did ("pushed", "offline: …", …). */
  push?: string;
  /** direct only: whether a channel carried the announcement (false: none configured or sent). */
  announced?: boolean;
}

/** How long a direct change waits for its one announcement to go out. */
const ANNOUNCE_TIMEOUT_MS = 15_000;

/** Long enough for a commit behind a slow pull in flight; a dead daemon fails at connect. */
const DAEMON_TIMEOUT_MS = 10 * 60_000;

/**
 * Makes a user's change (`autosync resolve`, `restore`) an ordinary synced change. With a daemon
 * serving the repository it goes through the control socket, so it never races a commit or a
 * pull in flight; the daemon pushes and announces. Without one, the repository's instance lock
 * is held while committing and pushing, so a daemon starting meanwhile waits its turn (it
 * refuses to start and says who holds the lock). Throws with a message for the user.
 */
export interface UserChangeRequest {
  config: ResolvedConfig;
  repository: ResolvedRepository;
  changes: readonly FileChange[];
  message: string;
  runner?: CommandRunner;
  clock?: Clock;
}

export async function submitUserChange(options: UserChangeRequest): Promise<SubmittedChange> {
  const { config, repository, changes, message } = options;
  try {
    const response = await sendControlRequest(
      config.controlSocket,
      { command: "change", repo: repository.name, message, changes: [...changes] },
      { timeoutMs: DAEMON_TIMEOUT_MS },
    );
    if (!response.ok) throw new Error(response.error);
    if (response.change) return { via: "daemon", outcome: response.change };
    throw new Error("the daemon did not say what the change did");
  } catch (error) {
    if (!(error instanceof DaemonUnavailableError) || error.code === "ETIMEDOUT") throw error;
  }
  return applyDirectly(options);
}

async function applyDirectly(options: UserChangeRequest): Promise<SubmittedChange> {
  const { config, repository, changes, message } = options;
  const clock = options.clock ?? systemClock;
  const host = repository.engine.host;
  const lock = await acquireInstanceLock(
    join(repository.path, repository.recipe.metadataDir, INSTANCE_LOCK_FILE),
    {
      pid: process.pid,
      instanceId: newInstanceId(config.host),
      host: config.host,
      startedAt: new Date(clock.now()).toISOString(),
    },
    repository.path,
  );
  try {
    const operations = createOperations({
      root: repository.path,
      recipe: repository.recipe,
      runner: options.runner ?? processRunner,
      host,
      deletionGuard: repository.engine.deletionGuard,
      now: () => clock.now(),
    });
    const outcome = await applyAndCommit(repository.path, operations, changes, message, (pending) =>
      buildCommitMessage(host, pending),
    );
    if (outcome.outcome !== "committed" && !outcome.pendingCommit)
      return { via: "direct", outcome };
    let pushed = await operations.run({ kind: "push" });
    if (pushed.kind === "push" && pushed.outcome === "rejected") {
      // Someone pushed first: merge (keeping both sides of any conflict), then push again.
      await operations.run({
        kind: "pull",
        commitMessage: engineMessages.pullCommitMessage(host),
        host,
        nowMs: clock.now(),
      });
      pushed = await operations.run({ kind: "push" });
    }
    const announced =
      pushed.kind === "push" && pushed.outcome === "pushed"
        ? await announceOnce(options, operations, pushed.head, clock)
        : false;
    const push =
      pushed.outcome === "offline"
        ? `offline: ${pushed.reason}`
        : pushed.outcome === "failed"
          ? `failed: ${pushed.message}`
          : pushed.outcome;
    return { via: "direct", outcome, push, announced };
  } finally {
    await lock.release();
  }
}

/**
 * Without a daemon nobody announces the push: a short-lived announcer sends the one
 * announcement, so the other machines pull now instead of at their next interval. Best effort:
 * no channel, or none reachable within the timeout, leaves it to their interval pulls.
 */
async function announceOnce(
  options: UserChangeRequest,
  operations: RepoOperations,
  head: string,
  clock: Clock,
): Promise<boolean> {
  const { config, repository } = options;
  if (!config.channels.xmpp && !config.channels.mqtt) return false;
  const description = await operations.describe().catch(() => undefined);
  const repositoryId = repository.repositoryId ?? description?.repositoryId;
  if (repositoryId === undefined) return false;
  const bus = new EventBus(clock);
  const announcer = createAnnouncer(config.channels, {
    host: config.host,
    instanceId: newInstanceId(config.host),
    bus,
    env: process.env,
    clock,
  });
  let timer: NodeJS.Timeout | undefined;
  const sent = new Promise<boolean>((resolve) => {
    bus.subscribe((event) => {
      if (event.type === "announcementSent") resolve(true);
    });
    timer = setTimeout(() => resolve(false), ANNOUNCE_TIMEOUT_MS);
  });
  try {
    await announcer.start();
    announcer.setRepositories([repositoryId], { [repositoryId]: repository.name });
    const remoteUrl = description?.remoteUrl;
    announcer.announce({
      repositoryId,
      head,
      repo: repository.name,
      ...(remoteUrl !== undefined ? { remoteUrl } : {}),
      ...(repository.pullUrl !== undefined ? { pullUrl: repository.pullUrl } : {}),
    });
    return await sent;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    await announcer.stop().catch(() => {});
  }
}
