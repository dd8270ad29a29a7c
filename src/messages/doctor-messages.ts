import type { ChannelFailure } from "../channels/channel.js";
import type { HealthProblem } from "../engine/operation.js";
import type { RecipeKind } from "../recipes/recipe.js";
import { raiseWatchLimit, SUGGESTED_WATCH_LIMIT } from "./runtime-messages.js";

type Found = { message: string; fix: string };

const CLONE_HINT = "or clone it there (`git clone URL PATH`, `hg clone`, `brz branch`)";

function size(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** Every line `autosync doctor` prints (docs/doctor.md lists the checks and their fixes). */
export const doctorMessages = {
  help: `Usage: autosync doctor [--config PATH] [--json]

Checks, without changing anything, what autosync needs on this machine: for each repository
the DVCS and its version, the working copy, a branch with an upstream, a commit identity, the
remote reachable and a push possible without a prompt, free disk space; each channel's login
(MQTT, XMPP); the inotify watch limit; desktop notices; the pidfile and socket places; another
autosync already running. One line per check: ok, warning or problem, and the fix.

Options:
  --config PATH  use this config file instead of searching for one
  --json         print the report as JSON (shape in docs/doctor.md)

Exit codes: 0 no problem (warnings allowed), 1 at least one problem or an invalid config,
2 usage error.`,
  usage: (detail: string) => `autosync doctor: ${detail}. Run 'autosync doctor --help'.\n`,
  configInvalid: (count: number) =>
    `autosync doctor: the config has ${count} error${count === 1 ? "" : "s"}; fix ${count === 1 ? "it" : "them"} first:`,
  header: (config: string) => `autosync doctor — ${config}`,
  summary: (counts: { ok: number; warning: number; problem: number }) =>
    `${counts.problem} problem${counts.problem === 1 ? "" : "s"}, ` +
    `${counts.warning} warning${counts.warning === 1 ? "" : "s"}, ${counts.ok} ok`,
  configWarningFix:
    "fix it in the config at the position shown (`autosync validate` lists them all)",
  checkTimedOut: (ms: number): Found => ({
    message: `the checks did not finish within ${Math.round(ms / 1000)} s`,
    fix: "a remote or server hangs without refusing; check the network and the URL",
  }),

  dvcsMissing: (program: string): Found => ({
    message: `${program} is not installed (not found on PATH)`,
    fix: `install ${program} with the system's package manager, or put it on PATH`,
  }),
  dvcsBroken: (program: string, detail: string): Found => ({
    message: `${program} does not start: ${detail}`,
    fix: `reinstall ${program}`,
  }),
  dvcsVersion: (program: string, version: string) => `${program} ${version}`,
  dvcsOld: (program: string, version: string, minimum: string): Found => ({
    message: `${program} ${version} is older than ${minimum}, which the recipe relies on`,
    fix: `upgrade ${program} to ${minimum} or newer`,
  }),

  workingCopy: (path: string, kind: RecipeKind) => `${path} is a ${kind} working copy`,
  workingCopyFix: (problem: HealthProblem, path: string, marker: string) =>
    problem === "marker-missing"
      ? `${path} has no ${marker}: point repositories[].path at the working copy's root, ${CLONE_HINT}`
      : `mount the drive or fix repositories[].path in the config, ${CLONE_HINT}`,

  detachedHead: {
    message: "no branch is checked out (detached HEAD)",
    fix: "check out the branch to sync: `git switch main` (or its name)",
  },
  tracks: (branch: string, upstream: string) => `branch ${branch} tracks ${upstream}`,
  noGitRemote: (branch: string): Found => ({
    message: `branch ${branch} has no upstream and the repository has no remote: nothing to push to`,
    fix: `\`git remote add origin URL\`, then \`git push -u origin ${branch}\``,
  }),
  noUpstream: (branch: string, remote: string): Found => ({
    message: `branch ${branch} has no upstream; autosync pushes to ${remote}/${branch} and sets it then`,
    fix: `\`git push -u ${remote} ${branch}\` (or \`git branch --set-upstream-to=${remote}/BRANCH\`)`,
  }),
  noHgDefault: {
    message: "no `default` path: nothing to push to or pull from",
    fix: "add `default = URL` under [paths] in .hg/hgrc",
  },
  noParent: {
    message: "no parent branch: nothing to push to or merge from",
    fix: "`brz pull --remember URL` once, or `brz config parent_location=URL`",
  },
  pushesTo: (branch: string, url: string) =>
    branch === "" ? `pushes to ${url}` : `branch ${branch} pushes to ${url}`,

  identityUnchecked: "the recipe has no identity command; commits use the DVCS's own default",
  identity: (identity: string) => `commits as ${identity}`,
  identityFallback: (kind: RecipeKind, fallback: { name: string; email: string }): Found => ({
    message: `no commit identity configured; commits are made as ${fallback.name} <${fallback.email}>`,
    fix: identityFix(kind),
  }),
  identityMissing: (kind: RecipeKind): Found => ({
    message: "no commit identity configured and the recipe has no fallback: every commit fails",
    fix: identityFix(kind),
  }),

  noRepositoryAt: (path: string, metadataDir: string) => `${path} holds no ${metadataDir}`,
  reachable: (remote: string) => `${remote} answers without a prompt`,
  unreachable: (remote: string, detail: string): Found => ({
    message: `cannot reach ${remote}: ${detail}`,
    fix: "check the URL (`git remote -v`, `hg paths`, `brz info`), the network, and that the path or server exists",
  }),
  remoteTimeout: (remote: string, ms: number): Found => ({
    message: `${remote} did not answer within ${Math.round(ms / 1000)} s`,
    fix: "the host drops packets or hangs: check the URL, a VPN or firewall",
  }),
  needsLogin: (remote: string, detail: string): Found => ({
    message: `${remote} wants a login autosync cannot type: ${detail}`,
    fix: "use an ssh key without a passphrase prompt (ssh-agent) or a credential helper (`git config --global credential.helper libsecret`), so it works unattended",
  }),
  hostKey: (remote: string, detail: string): Found => ({
    message: `ssh does not know the host key of ${remote}: ${detail}`,
    fix: "connect once by hand (`ssh HOST`) and check and accept the host key",
  }),
  pushRefused: (remote: string, detail: string): Found => ({
    message: `a push to ${remote} would fail: ${detail}`,
    fix: "check your write access to the remote and its branch protection",
  }),
  remoteReadOnly: (remote: string, path: string): Found => ({
    message: `a push to ${remote} would fail: ${path} is not writable for this user`,
    fix: `give this user write access to ${path}`,
  }),
  pushPossible: (remote: string) =>
    `a push to ${remote} would be accepted (checked without pushing)`,
  pushBehind: (remote: string) =>
    `${remote} accepts pushes; it has commits this clone lacks, which autosync merges before it pushes`,
  nothingToPush: (remote: string) => `nothing committed yet; ${remote} will get the first commit`,
  pushUntestable: (remote: string, kind: RecipeKind) =>
    `${kind} cannot test a push without pushing; reading ${remote} needed no prompt`,

  diskFree: (root: string, free: number) => `${size(free)} free on the disk of ${root}`,
  diskLow: (root: string, free: number): Found => ({
    message: `only ${size(free)} free on the disk of ${root}`,
    fix: "free some space there: a commit or a merge may otherwise fail half-way",
  }),

  noWatchLimit: (file: string) => `no inotify watch limit to check (${file} does not exist)`,
  watchLimitOk: (needed: number, limit: number, perFile: boolean) =>
    `${needed} folders to watch${perFile ? " (chokidar: plus one watch per file)" : ""}, limit ${limit}`,
  watchLimitTight: (needed: number, limit: number, perFile: boolean): Found => ({
    message: `${needed} folders to watch${perFile ? " (chokidar: plus one per file)" : ""} take more than half of the limit ${limit}, which editors and other programs share`,
    fix: raiseWatchLimit(Math.max(SUGGESTED_WATCH_LIMIT, needed * 4)),
  }),
  watchLimitLow: (needed: number, limit: number, perFile: boolean): Found => ({
    message: `${needed} folders to watch${perFile ? " (chokidar: plus one per file)" : ""} but the inotify limit is ${limit}: some would only be rescanned`,
    fix: raiseWatchLimit(Math.max(SUGGESTED_WATCH_LIMIT, needed * 4)),
  }),

  channelConnected: (channel: "mqtt" | "xmpp", target: string) =>
    channel === "mqtt" ? `connected to ${target}` : `logged in via ${target}`,
  channelFailed: (channel: "mqtt" | "xmpp", failure: ChannelFailure, detail: string): Found => ({
    message: `${failureName[failure]}: ${detail}`,
    fix: channelFix[channel][failure],
  }),

  desktopOff: "desktop notices are off in the config (notify.desktop.enabled)",
  desktopAvailable: "desktop notices can be shown",
  desktopUnavailable: (reason: string): Found => ({
    message: `desktop notices cannot be shown: ${reason}`,
    fix: "install notify-send (libnotify-bin) and run autosync inside the desktop session, or set notify.desktop.enabled: false",
  }),

  pidfilePlace: (path: string) => `pidfile ${path} can be written`,
  socketPlace: (path: string) => `control socket ${path} can be created`,
  notWritable: (key: string, path: string, dir: string): Found => ({
    message: `${path} cannot be created: ${dir} is not a writable folder`,
    fix: `set \`${key}\` in the config to a path in a folder this user may write (e.g. under $XDG_RUNTIME_DIR)`,
  }),
  socketTooLong: (path: string, bytes: number, max: number): Found => ({
    message: `control socket path ${path} is ${bytes} bytes; a Unix socket path may have at most ${max}`,
    fix: "set `controlSocket` in the config to a shorter path",
  }),

  notRunning: "no autosync is running with this config",
  running: (pid: number) =>
    `autosync is running with this config (pid ${pid}); \`autosync status\` shows what it does`,
  servedByAnother: (
    root: string,
    lockFile: string,
    holder: { pid: number; host: string },
  ): Found => ({
    message: `another autosync (pid ${holder.pid} on ${holder.host}, another config) already serves ${root}: \`autosync run\` with this config would exit 3`,
    fix: `stop it (\`kill ${holder.pid}\`) or remove the repository from one of the configs; a leftover lock is ${lockFile}`,
  }),
} as const;

function identityFix(kind: RecipeKind): string {
  switch (kind) {
    case "git":
      return '`git config --global user.name "Your Name"` and `git config --global user.email you@example.org`';
    case "hg":
      return "add `username = Your Name <you@example.org>` under [ui] in ~/.hgrc";
    case "bzr":
      return '`brz whoami "Your Name <you@example.org>"`';
  }
}

const failureName: Record<ChannelFailure, string> = {
  config: "configuration",
  dns: "DNS",
  tcp: "TCP",
  tls: "TLS",
  auth: "login refused",
  protocol: "protocol",
};

const channelFix: Record<"mqtt" | "xmpp", Record<ChannelFailure, string>> = {
  mqtt: {
    config: "fix channels.mqtt in the config (the password's env variable or command, caFile)",
    dns: "check the host name in channels.mqtt.url",
    tcp: "start the broker (`autosync broker` runs one) or fix the port in channels.mqtt.url",
    tls: "set channels.mqtt.caFile to the broker's CA, or use mqtt:// on a trusted network",
    auth: "check channels.mqtt.username and password against the broker's accounts",
    protocol: "check that channels.mqtt.url points at an MQTT broker",
  },
  xmpp: {
    config:
      "fix channels.xmpp in the config (the jid, the password's env variable or command, caFile)",
    dns: "check the domain of channels.xmpp.jid, or set channels.xmpp.service to xmpp://host:port",
    tcp: "start the server or fix the port in channels.xmpp.service",
    tls: "set channels.xmpp.caFile to the server's CA (private CA or self-signed server)",
    auth: "check channels.xmpp.jid and its password; the account must exist on the server",
    protocol: "check that channels.xmpp.service points at an XMPP server",
  },
};
