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
  keyHints: "s sync  p pause  c commit  x conflicts  h history  ←→ select  l log  ? help  q quit",
  keyHintsShort: "? help  q quit",
  noRepositories: "No repositories configured.",
  pendingNone: "no pending changes",
  nothingScheduled: "nothing scheduled",
  pending: (count: number) => `${groupThousands(count)} pending`,
  pendingMore: (more: number) => `… +${groupThousands(more)} more`,
  running: (operation: string) => `running ${operation}`,
  nextCommit: (inText: string) => `commit ${inText}`,
  nextPush: (inText: string) => `push ${inText}`,
  nextPull: (inText: string) => `pull ${inText}`,
  retry: (inText: string) => `retry ${inText}`,
  mailboxWait: (merger: string, waited: string, ownMergeIn: string) =>
    `waiting ${waited} for ${merger}'s merge · own merge ${ownMergeIn}`,
  mailboxTakeOver: (merger: string, waited: string) =>
    `merging here: no push from ${merger} within ${waited}`,
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
  unresolvedConflicts: (count: number) =>
    count === 0
      ? "no unresolved conflicts"
      : `${count} unresolved conflict${count === 1 ? "" : "s"} (x: conflict desk, or autosync conflicts)`,
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
    ["c", "commit with a message you type (the pending commit waits for it)"],
    ["←/→ ↑/↓ tab", "select a repository"],
    ["x", "conflict desk: compare and settle the selected repository's conflicts"],
    ["h", "history: changes by machine and time; Enter diff, r restore a version"],
    ["l", "show / hide the full log"],
    ["?", "show / hide this help"],
    ["q", "quit (finishes the operation in flight)"],
  ] as const,
  helpClose: "press ? or Esc to close",
  deskTitle: (repo: string, count: number) => `Conflict desk: ${repo}, ${count} unresolved`,
  deskLoading: "looking for conflicts…",
  deskEmpty: (repo: string) => `Nothing is unresolved in ${repo}. Esc: back`,
  deskUnavailable: "the conflict desk is not available here",
  historyUnavailable: "the history is not available here",
  deskKeyHost: (key: string, host: string) => `${key} keep ${host}'s`,
  deskKeys: "b keep both  e edit, then keep yours  ↑↓ choose  j/k scroll  Esc back",
  deskConfirm: (summary: string) => `y to confirm, any other key cancels: ${summary}`,
  deskWorking: "settling…",
  deskDone: (summary: string) => `Done: ${summary}.`,
  deskEditorFailed: (editor: string, detail: string) =>
    `the editor (${editor}) did not finish: ${detail}`,
  commitPrompt: (repo: string) =>
    `Commit message for ${repo} (Enter commits, empty keeps the default, Esc cancels):`,
  promptHolding: (pending: number, defaultIn: string | undefined) =>
    (pending === 1
      ? "1 pending change waits"
      : pending > 1
        ? `${pending} pending changes wait`
        : "Pending changes wait") +
    ` for this message${defaultIn ? ` (default message ${defaultIn}: maxCommitDelay)` : ""}`,
  promptDefaultUsed:
    "Waited maxCommitDelay: those changes were committed with the default message. Enter commits what changes next.",
  promptPaused: "Paused: nothing is committed until you resume (Esc, then p).",
  promptNothing: "Nothing to commit yet: save a change, then Enter.",
  promptNothingRefused:
    "Nothing to commit: your message was not used. Save a change and press Enter again, or Esc.",
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
  reloadUnsupported: "this daemon has no config file to reload (the demo)",
  stopSignalled: (pid: number) =>
    `The daemon did not answer on its socket; sent SIGTERM to pid ${pid}.`,
  stopNothing: "No autosync daemon is running.",
  stopped: "Stopped.",
} as const;

/** `autosync status|sync|pause|resume|stop`: argument errors and help. */
export const controlCliMessages = {
  unknownOption: (command: string, option: string) =>
    `autosync ${command}: unknown option '${option}'. Run 'autosync ${command} --help'.`,
  missingValue: (command: string, option: string) => `autosync ${command}: ${option} needs a value`,
  tooManyArguments: (command: string, extra: string) =>
    `autosync ${command}: unexpected argument '${extra}'. Run 'autosync ${command} --help'.`,
  configHasErrors: (command: string) => `autosync ${command}: the config has errors:`,
  configInvalid: (command: string) =>
    `autosync ${command}: the config has errors, so the daemon's socket is unknown (or pass --socket PATH):`,
  failed: (command: string, error: string) => `autosync ${command}: ${error}`,
  stopTimedOut: (seconds: number) =>
    `The daemon accepted the stop but is still running after ${seconds}s (an operation in flight may take longer); check again with \`autosync status\`.`,
  commonOptions: [
    "  --config PATH   the config of the daemon to talk to (default: the usual search)",
    "  --socket PATH   talk to this control socket instead of the config's controlSocket",
  ].join("\n"),
  statusHelp: [
    "Usage: autosync status [--json] [--config PATH] [--socket PATH]",
    "",
    "Prints every repository's state as the terminal UI shows it: state, countdowns, pending",
    "changes, last commit / push / pull, the remote and any problem with its hint.",
    "",
    "  --json          one JSON object: { now, repositories: [...] }",
  ].join("\n"),
  syncHelp:
    "Usage: autosync sync [REPO] [--config PATH] [--socket PATH]\n\nCommits, pulls and pushes now (every repository without REPO).",
  pauseHelp:
    "Usage: autosync pause [REPO] [--config PATH] [--socket PATH]\n\nStops syncing (every repository without REPO) until `autosync resume`; the daemon keeps running.",
  resumeHelp: [
    "Usage: autosync resume [REPO] [--allow-deletions] [--config PATH] [--socket PATH]",
    "",
    "Resumes syncing. After the deletion guard paused a repository, plain resume looks again",
    "and stops again; --allow-deletions commits those deletions once.",
  ].join("\n"),
  commitHelp: [
    "Usage: autosync commit [REPO] [-m MESSAGE] [--config PATH] [--socket PATH]",
    "",
    "Commits now, without waiting for the quiet period, then pushes as usual. -m gives the",
    "commit message (the file summary is kept below it); without it the default message is used.",
  ].join("\n"),
  reloadHelp: [
    "Usage: autosync reload [--config PATH] [--socket PATH]",
    "",
    "Makes the running daemon re-read its config file (as SIGHUP does): new repositories start,",
    "removed ones stop after their operation in flight, changed timers, ignores and channels",
    "apply. An invalid config is refused with the errors `autosync validate` prints, and the",
    "daemon keeps running as it was. Exit 1 when refused or when no daemon answers.",
  ].join("\n"),
  stopHelp: [
    "Usage: autosync stop [--config PATH] [--socket PATH]",
    "",
    "Stops the daemon cleanly: it finishes the operation in flight, then exits. When the socket",
    "does not answer, sends SIGTERM to the pid in the pidfile (only if that process is autosync).",
  ].join("\n"),
} as const;

/** `autosync demo`. */
export const demoMessages = {
  help: [
    "Usage: autosync demo [--dir DIR] [--script] [--keep] [--no-tui]",
    "",
    "Creates a git remote and two working copies (left and right) in a fresh temp dir, starts",
    "an MQTT broker on loopback and one autosync daemon per copy, and shows both live. Edit,",
    "rename or delete files in one copy and watch them appear in the other; q quits.",
    "",
    "  --dir DIR   use DIR (created; must be empty) instead of a temp dir",
    "  --script    make a few edits, a rename, a delete and a conflict by itself, check that",
    "              both copies converged with nothing lost, print a report; exit 0 or 1",
    "  --keep      leave the directory behind on exit",
    "  --no-tui    log lines instead of the terminal UI",
  ].join("\n"),
  summary: "Two working copies syncing live on this machine (try this first)",
  dirNotEmpty: (dir: string) =>
    `autosync demo: ${dir} is not empty; pass an empty or new directory (the demo never touches existing files).`,
  setupFailed: (detail: string) => `autosync demo: could not set up the demo: ${detail}`,
  intro: (left: string, right: string, socket: string) =>
    [
      "autosync demo: two working copies of one repository, each with its own daemon.",
      `  left:  ${left}`,
      `  right: ${right}`,
      "Edit a file in one and watch it appear in the other.",
      `From another terminal: autosync status --socket ${socket}`,
      "",
    ].join("\n"),
  readmeText: [
    "# autosync demo",
    "",
    "This folder is one of two working copies of the same git repository.",
    "Edit, add, rename or delete files here: autosync commits after a short quiet period,",
    "pushes, announces over MQTT, and the other copy pulls within a second or two.",
    "",
  ].join("\n"),
  step: (name: string) => `▸ ${name}`,
  stepDone: (name: string, ms: number) => `✓ ${name} (${(ms / 1000).toFixed(1)} s)`,
  stepFailed: (name: string, detail: string) => `✗ ${name}: ${detail}`,
  converged: (files: number) => `Both copies hold the same ${files} files; nothing was lost.`,
  scriptOk: "demo script: OK",
  scriptFailed: "demo script: FAILED",
  kept: (dir: string) => `Kept ${dir}`,
  removed: (dir: string) => `Removed ${dir}`,
} as const;

/** `autosync service install|uninstall`. */
export const serviceMessages = {
  summary:
    "Install or remove autosync as a systemd user service (runs at login, restarts on failure)",
  help: [
    "Usage: autosync service install [--config PATH] [--dry-run]",
    "       autosync service uninstall",
    "",
    "install writes a systemd user unit (~/.config/systemd/user/autosync.service) that runs",
    "`autosync run --no-tui` with this node, this autosync and the config's absolute path;",
    "it restarts on failure and logs to the journal (`journalctl --user -u autosync -f`).",
    "",
    "  --config PATH   the config the service uses (default: the one autosync finds from here)",
    "  --dry-run       print the unit instead of writing it",
    "",
    "macOS uses launchd instead: see docs/service.md for a LaunchAgent plist.",
  ].join("\n"),
  usage: "Usage: autosync service install [--config PATH] [--dry-run] | autosync service uninstall",
  unknownOption: (option: string) =>
    `autosync service: unknown option '${option}'. Run 'autosync service --help'.`,
  missingValue: (option: string) => `autosync service: ${option} needs a value`,
  noConfig:
    "autosync service: no config found; pass --config PATH (create one with `autosync init`).",
  configInvalid: (file: string) =>
    `autosync service: ${file} has errors; fix them first (\`autosync validate --config ${file}\`):`,
  installed: (unitPath: string) =>
    [
      `Wrote ${unitPath}.`,
      "Enable and start it (and again after each login):",
      "  systemctl --user daemon-reload && systemctl --user enable --now autosync",
      "Follow its log:  journalctl --user -u autosync -f",
      "To keep it running while you are logged out:  loginctl enable-linger",
    ].join("\n"),
  notLinux:
    "Note: this system does not look like Linux with systemd; on macOS use launchd (docs/service.md).",
  fromSource: (main: string) =>
    `Note: no built CLI found (npm run build); the unit runs the TypeScript source through tsx: ${main}`,
  removed: (unitPath: string) =>
    [
      `Removed ${unitPath}.`,
      "If it was enabled, stop it and forget it:",
      "  systemctl --user disable --now autosync; systemctl --user daemon-reload",
    ].join("\n"),
  notInstalled: (unitPath: string) => `Nothing to remove: ${unitPath} does not exist.`,
} as const;
