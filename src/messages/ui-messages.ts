import type { RepoStateName } from "../engine/repo-state.js";
import { groupThousands } from "./engine-messages.js";

/** All text the terminal UI, `autosync status`, the control socket and the demo show. */

export const stateLabels: Record<RepoStateName, string> = {
  idle: "idle",
  pending: "pending",
  committing: "committing",
  pushing: "pushing",
  pulling: "pulling",
  offline: "offline",
  conflict: "conflict",
  paused: "paused",
  error: "error",
};

export const uiMessages = {
  title: (host: string | undefined) => (host ? `autosync · ${host}` : "autosync"),
  keyHints: "s sync · p pause · c commit · ←→ select · l log · ? help · q quit",
  keyHintsShort: "s p c l ? q",
  noRepositories: "No repositories configured.",
  pendingNone: "no pending changes",
  pending: (count: number) => `${groupThousands(count)} pending`,
  pendingMore: (more: number) => `… +${groupThousands(more)} more`,
  running: (operation: string) => `running ${operation}`,
  nextCommit: (inText: string) => `commit ${inText}`,
  nextPush: (inText: string) => `push ${inText}`,
  nextPull: (inText: string) => `pull ${inText}`,
  retry: (inText: string) => `retry ${inText}`,
  lastCommit: (head: string, ago: string, files: number) =>
    `commit ${head} ${ago} (${groupThousands(files)} file${files === 1 ? "" : "s"})`,
  lastPush: (head: string, ago: string) => `push   ${head} ${ago}`,
  lastPull: (head: string, ago: string, changed: number) =>
    `pull   ${head} ${ago} (${groupThousands(changed)} changed)`,
  neverCommitted: "commit —",
  neverPushed: "push   —",
  neverPulled: "pull   —",
  remote: (url: string) => `remote ${url}`,
  noRemote: "remote —",
  conflictCopies: (count: number, ago: string) =>
    `CONFLICT ${ago}: ${count} path${count === 1 ? "" : "s"}, both sides kept`,
  conflictCopy: (path: string, copyPath: string | undefined) =>
    copyPath ? `${path} ⇢ ${copyPath}` : `${path} (deleted locally, remote kept)`,
  channelsNone: "channels: none (pull on interval only)",
  channel: (name: string, status: string) => `${name}: ${status}`,
  reconnectingIn: (inText: string) => `reconnecting ${inText}`,
  lastSent: (repo: string, channel: string, head: string, ago: string) =>
    `sent ${repo} ${head} via ${channel} ${ago}`,
  lastReceived: (repo: string, fromHost: string, ago: string) =>
    `got ${repo} from ${fromHost} ${ago}`,
  logTitle: "log",
  logHiddenHint: "l: back",
  helpTitle: "Keys",
  help: [
    ["s", "sync the selected repository now (commit, pull, push)"],
    ["S", "sync every repository now"],
    ["p", "pause / resume the selected repository"],
    ["c", "commit now with a message you type (empty keeps the default)"],
    ["←/→ ↑/↓ tab", "select a repository"],
    ["l", "show / hide the full log"],
    ["?", "show / hide this help"],
    ["q", "quit (finishes the operation in flight)"],
  ] as const,
  helpClose: "press ? or Esc to close",
  commitPrompt: (repo: string) =>
    `Commit message for ${repo} (Enter commits, empty keeps the default, Esc cancels):`,
  confirmResumeDeletions: (repo: string) =>
    `${repo} was paused because many files would be deleted. Resume and commit those deletions? (y/N)`,
  syncRequested: (repo: string | undefined) => `sync requested for ${repo ?? "every repository"}`,
  pauseRequested: (repo: string) => `pause requested for ${repo}`,
  resumeRequested: (repo: string, allowDeletions: boolean) =>
    `resume requested for ${repo}${allowDeletions ? " (deletions allowed)" : ""}`,
  commitRequested: (repo: string, message: string | undefined) =>
    `commit requested for ${repo}${message ? `: “${message}”` : ""}`,
  stopping: "Stopping: finishing the operation in flight…",
  uiCrashed: (message: string) =>
    `The terminal UI failed (${message}); syncing goes on. Use \`autosync status\` from another terminal, or q / Ctrl+C to stop.`,

  // Control socket and its commands.
  noDaemon: (socketPath: string) =>
    `No autosync daemon answers on ${socketPath}. Start one with \`autosync run\` (or check --config).`,
  unknownRepo: (repo: string, known: readonly string[]) =>
    `Unknown repository '${repo}'. Known: ${known.join(", ") || "(none)"}.`,
  badRequest: (detail: string) => `Bad control request: ${detail}`,
  socketInUse: (socketPath: string) =>
    `Another autosync daemon already answers on ${socketPath}; stop it first (\`autosync stop\`).`,
  socketNotSocket: (socketPath: string) =>
    `${socketPath} exists and is not a socket; refusing to replace it. Remove it or set a different controlSocket.`,
  accepted: (what: string, repos: readonly string[]) => `${what}: ${repos.join(", ")}`,
  stopAccepted: "Stopping: the daemon finishes the operation in flight, then exits.",
  stopSignalled: (pid: number) =>
    `The daemon did not answer on its socket; sent SIGTERM to pid ${pid}.`,
  stopNothing: "No autosync daemon is running.",
  stopped: "Stopped.",
} as const;
