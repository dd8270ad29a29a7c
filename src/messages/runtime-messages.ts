/** User-facing text of the runtime: the daemon, its watchers, locks, pidfile and log lines. */
import type { AutosyncEventBody } from "../events/autosync-event.js";
import { channelMessages } from "./channel-messages.js";

const INOTIFY_WATCHES = 524288;

/** How to raise the inotify watch limit now and across reboots (also `autosync doctor`'s fix). */
export function raiseWatchLimit(watches: number): string {
  return (
    `raise the limit now with \`sudo sysctl fs.inotify.max_user_watches=${watches}\` ` +
    `and keep it across reboots with ` +
    `\`echo fs.inotify.max_user_watches=${watches} | sudo tee /etc/sysctl.d/90-autosync-inotify.conf\``
  );
}

/** The limit autosync suggests wherever it tells how to raise it (docs/running.md too). */
export const SUGGESTED_WATCH_LIMIT = INOTIFY_WATCHES;

export const runtimeMessages = {
  watchLimit: (root: string, rescanIntervalMs: number) => ({
    message:
      `cannot watch ${root}: the inotify watch limit (fs.inotify.max_user_watches) is reached; ` +
      `rescanning it every ${formatSeconds(rescanIntervalMs)} instead`,
    hint: `${raiseWatchLimit(INOTIFY_WATCHES)}, then restart autosync`,
  }),
  watchFailed: (root: string, detail: string, rescanIntervalMs: number) => ({
    message: `cannot watch ${root} (${detail}); rescanning it every ${formatSeconds(rescanIntervalMs)} instead`,
    hint: "check that the folder exists and is readable; `watcher.backend: chokidar` is the alternative backend",
  }),
  watcherLostEvents: (root: string, detail: string) =>
    `the watcher of ${root} lost events (${detail}); looking at the whole tree`,
  ignoreProblem: (detail: string) => `ignore file: ${detail} (line skipped)`,
  staleLocksRemoved: (paths: readonly string[]) =>
    `removed a stale lock left by a killed DVCS process: ${paths.join(", ")}`,
  noRepositoryId: (repo: string) => ({
    message: `${repo}: no repository id, so pushes are not announced to other machines`,
    hint: "the repository needs a first commit, or set `repositoryId` for it in the config",
  }),
  hookFailed: (repo: string, shortMessage: string) => `${repo}: hook ${shortMessage}`,
  engineBug: (repo: string, detail: string) =>
    `${repo}: internal error: ${detail} (please report it; nothing was run)`,
  alreadyRunning: (root: string, lockFile: string, pid: number, host: string | undefined) => ({
    message: `another autosync (pid ${pid}${host ? ` on ${host}` : ""}) already serves ${root}`,
    hint: `stop it first (\`autosync stop\` or \`kill ${pid}\`); if no such process exists, remove ${lockFile}`,
  }),
  pidfileBusy: (pidfile: string, pid: number) => ({
    message: `another autosync (pid ${pid}) is running with pidfile ${pidfile}`,
    hint: `stop it first (\`autosync stop\` or \`kill ${pid}\`), or give this one another \`pidfile\``,
  }),
  lockUnavailable: (root: string, detail: string) =>
    `${root}: could not take the instance lock (${detail}); running without it`,
  unknownRepository: (name: string, known: readonly string[]) =>
    `no repository named '${name}' (configured: ${known.join(", ") || "none"})`,
  started: (count: number, instanceId: string) =>
    `autosync started: ${count} ${count === 1 ? "repository" : "repositories"} (instance ${instanceId})`,
  stopping: "stopping: finishing the operation in flight (press Ctrl+C again to quit at once)",
  forcedExit: "second signal: quitting at once",
  stopped: "autosync stopped",
  reloaded: (report: {
    added: readonly string[];
    removed: readonly string[];
    restarted: readonly string[];
    failed: readonly { repo: string }[];
    channelsRestarted: boolean;
    needsRestart: readonly string[];
  }) => {
    const parts = [
      ...(report.added.length ? [`started ${report.added.join(", ")}`] : []),
      ...(report.removed.length ? [`stopped ${report.removed.join(", ")}`] : []),
      ...(report.restarted.length ? [`restarted ${report.restarted.join(", ")}`] : []),
      ...(report.failed.length
        ? [`could not start ${report.failed.map((f) => f.repo).join(", ")}`]
        : []),
      ...(report.channelsRestarted ? ["reconnected the channels"] : []),
      ...(report.needsRestart.length
        ? [`${report.needsRestart.join(" and ")} apply only after a restart`]
        : []),
    ];
    return `config reloaded: ${parts.length ? parts.join("; ") : "nothing changed"}`;
  },
  reloadRepositoryFailed: (name: string, detail: string) =>
    `reload: ${name} not started: ${detail}`,
  reloadWhileStopping: "autosync is stopping; the config was not reloaded",
  reloadRefused: (count: number) =>
    `config not reloaded: it has ${count} ${count === 1 ? "problem" : "problems"}; the running configuration stays`,
  reloadSignal: "SIGHUP: reloading the config",
  controlUnavailable: (socketPath: string, detail: string) =>
    `control socket ${socketPath} unavailable (${detail}); \`autosync status\` and friends cannot reach this daemon, syncing goes on`,
  uiUnavailable: (detail: string) => `terminal UI unavailable (${detail}); printing log lines`,
  configInvalid: (count: number) =>
    `autosync: the config has ${count} ${count === 1 ? "problem" : "problems"}; nothing was started`,
  badLogFormat: (value: string) =>
    `autosync run: --log-format must be plain or json, not '${value}'`,
  unknownOption: (option: string) =>
    `autosync run: unknown option '${option}'. Run 'autosync run --help'.`,
  missingValue: (option: string) => `autosync run: ${option} needs a value`,
};

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export const runHelp = `Usage: autosync run [--config PATH] [--log-format plain|json] [--no-tui]

Keeps every configured repository in sync: watches it, commits after a quiet period, pushes,
announces the push to other machines and pulls theirs. Runs until SIGINT/SIGTERM (or \`q\` in the
terminal UI), then finishes the operation in flight and exits 0; a second signal quits at once
(exit 130).

Options:
  --config PATH        Config file (default: searched from the current directory, then
                       ~/.config/autosync/)
  --log-format FORMAT  plain (default): one line per event, warnings and errors on stderr;
                       json: one AutosyncEvent object per line, everything on stdout
  --no-tui             Log lines even on a terminal (the UI is used only on a TTY)

Exit codes: 0 stopped cleanly, 1 invalid config or start failed, 2 usage error,
3 another autosync already serves one of the repositories, 130 forced by a second signal.
`;

function shortId(head: string): string {
  return head.slice(0, 7);
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The text of one plain log line after its time stamp (and the repository name, when any). */
export function eventText(event: AutosyncEventBody): string {
  switch (event.type) {
    case "stateChanged":
      return `${event.from} → ${event.to}`;
    case "changesDetected":
      return `changed: ${event.sample.join(", ")}${event.count > event.sample.length ? ` (+${event.count - event.sample.length} more)` : ""}`;
    case "operationStarted":
      return `${event.operation} started`;
    case "operationFinished":
      return `${event.operation} ${event.outcome} in ${Math.round(event.durationMs)} ms${event.message ? `: ${event.message}` : ""}`;
    case "committed":
      return `committed ${plural(event.files, "file")} (${shortId(event.head)})`;
    case "pushed":
      return `pushed ${shortId(event.head)}`;
    case "pulled":
      return `pulled ${shortId(event.head)}, ${plural(event.changedPaths, "changed path")}`;
    case "conflict":
      return `conflict, both sides kept: ${event.conflicts
        .map((conflict) =>
          conflict.copyPath ? `${conflict.path} + ${conflict.copyPath}` : conflict.path,
        )
        .join("; ")}`;
    case "offline":
      return `offline (${event.reason}); retrying in ${Math.round(event.retryInMs / 1000)} s`;
    case "online":
      return "online again";
    case "warning":
    case "error":
      return `${event.type}: ${event.message}${event.hint ? ` — ${event.hint}` : ""}`;
    case "announcementSent":
      return `announced ${shortId(event.head)} via ${event.channel}${channelMessages.recipients(event.recipients)}`;
    case "announcementReceived":
      return `${event.fromHost} pushed${event.head ? ` ${shortId(event.head)}` : ""} (via ${event.channel})`;
    case "channelStatus":
      return `${event.channel} ${event.status}${event.detail ? `: ${event.detail}` : ""}${event.retryInMs !== undefined ? ` (retry in ${Math.round(event.retryInMs / 1000)} s)` : ""}`;
    case "info":
      return event.message;
    default:
      // An event type added after this was written still gets a line.
      return JSON.stringify(event);
  }
}
