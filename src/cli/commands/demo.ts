import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../channels/embedded-broker.js";
import { formatDiagnostic } from "../../config/format-diagnostic.js";
import { resolveConfigObject } from "../../config/load-config.js";
import type { ResolvedConfig } from "../../config/resolved-config.js";
import { demoMessages } from "../../messages/ui-messages.js";
import { startControlServer, type ControlServer } from "../../runtime/control-server.js";
import { startDaemon, type DaemonHandle } from "../../runtime/daemon.js";
import { startLogOutput } from "../../runtime/log-output.js";
import { combineViews } from "../../ui/combined-view.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { createDemoRepositories, type DemoRepositories } from "../demo/demo-repositories.js";
import { runDemoScript } from "../demo/demo-script.js";

interface DemoArgs {
  dir?: string;
  script: boolean;
  keep: boolean;
  tui: boolean;
}

function parseArgs(args: readonly string[], io: CliIo): DemoArgs | undefined {
  const parsed: DemoArgs = { script: false, keep: false, tui: true };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === "--script") parsed.script = true;
    else if (arg === "--keep") parsed.keep = true;
    else if (arg === "--no-tui") parsed.tui = false;
    else if (arg === "--dir" || arg.startsWith("--dir=")) {
      const value = arg === "--dir" ? args[++index] : arg.slice("--dir=".length);
      if (!value) {
        io.stderr.write("autosync demo: --dir needs a value\n");
        return undefined;
      }
      parsed.dir = value;
    } else {
      io.stderr.write(`autosync demo: unknown option '${arg}'. Run 'autosync demo --help'.\n`);
      return undefined;
    }
  }
  return parsed;
}

/** The two daemons' configs: what a user would write, embedded, with short demo timers. */
async function demoConfig(
  dir: string,
  host: "left" | "right",
  path: string,
  broker: EmbeddedBroker,
  io: CliIo,
): Promise<ResolvedConfig> {
  const result = await resolveConfigObject(
    {
      version: 1,
      host,
      defaults: {
        recipe: "git",
        // pushDelay 0 and an announcement per push: the other copy pulls within about a second;
        // the 2 s interval pull is only the fallback should an announcement be missed.
        timers: { commitDelay: "500ms", pushDelay: "0s", pullInterval: "2s" },
      },
      repositories: [{ path, name: host }],
      channels: { mqtt: { url: broker.url } },
      pidfile: join(dir, `${host}.pid`),
      controlSocket: join(dir, `${host}.sock`),
    },
    { cwd: dir, env: io.env },
  );
  if (!result.ok) {
    throw new Error(
      result.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic)).join("\n"),
    );
  }
  return result.config;
}

async function prepareDir(args: DemoArgs, io: CliIo): Promise<string | undefined> {
  if (args.dir === undefined) return mkdtemp(join(tmpdir(), "autosync-demo-"));
  const dir = resolve(io.cwd, args.dir);
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) {
    io.stderr.write(`${demoMessages.dirNotEmpty(dir)}\n`);
    return undefined;
  }
  return dir;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, io);
  if (!parsed) return ExitCode.usage;
  const dir = await prepareDir(parsed, io);
  if (!dir) return ExitCode.failure;

  let broker: EmbeddedBroker | undefined;
  const daemons: DaemonHandle[] = [];
  let control: ControlServer | undefined;
  let stopLog: (() => void) | undefined;
  const onSignal = (): void => {
    void Promise.all(daemons.map((daemon) => daemon.stop()));
  };
  try {
    let repos: DemoRepositories;
    try {
      repos = await createDemoRepositories(dir);
      broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
      for (const [host, path] of [
        ["left", repos.left],
        ["right", repos.right],
      ] as const) {
        daemons.push(
          await startDaemon(await demoConfig(dir, host, path, broker, io), { env: io.env }),
        );
      }
    } catch (error) {
      io.stderr.write(
        `${demoMessages.setupFailed(error instanceof Error ? error.message : String(error))}\n`,
      );
      return ExitCode.failure;
    }
    const [left, right] = daemons as [DaemonHandle, DaemonHandle];
    const view = combineViews([
      { label: "left", view: left },
      { label: "right", view: right },
    ]);
    // One socket for both: `autosync status --socket <dir>/demo.sock` from another terminal.
    const socketPath = join(dir, "demo.sock");
    control = await startControlServer(socketPath, view).catch(() => undefined);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    // A closed terminal (tmux kill-session, a closed window) must still remove the demo's temp
    // dir. `autosync run` re-reads its config on SIGHUP instead (it stops only with its UI).
    process.on("SIGHUP", onSignal);

    if (parsed.script) {
      stopLog = startLogOutput(view.bus, { format: "plain", stdout: io.stderr, stderr: io.stderr });
      io.stdout.write(demoMessages.intro(repos.left, repos.right, socketPath));
      const report = await runDemoScript(repos, (line) => io.stdout.write(`${line}\n`));
      io.stdout.write(`${report.ok ? demoMessages.scriptOk : demoMessages.scriptFailed}\n`);
      await view.stop();
      return report.ok ? ExitCode.ok : ExitCode.failure;
    }

    io.stdout.write(demoMessages.intro(repos.left, repos.right, socketPath));
    if (parsed.tui && io.stdout.isTTY === true) {
      const { startUi } = await import("../../ui/start-ui.js");
      const ui = startUi(view, {
        stdout: io.stdout,
        stderr: io.stderr,
        title: "demo: left ⇄ right",
        env: io.env,
      });
      void Promise.all(daemons.map((daemon) => daemon.stopped)).then(() => ui.unmount());
      await ui.waitUntilExit();
      io.stdout.write(demoMessages.intro(repos.left, repos.right, socketPath));
    } else {
      stopLog = startLogOutput(view.bus, { format: "plain", stdout: io.stdout, stderr: io.stderr });
    }
    await Promise.all(daemons.map((daemon) => daemon.stopped));
    return ExitCode.ok;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
    await Promise.all(daemons.map((daemon) => daemon.stop().catch(() => {})));
    stopLog?.();
    await control?.close().catch(() => {});
    await broker?.close().catch(() => {});
    if (parsed.keep) io.stdout.write(`${demoMessages.kept(dir)}\n`);
    else await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  }
}

export const demoCommand: CliCommand = {
  name: "demo",
  summary: demoMessages.summary,
  help: demoMessages.help,
  run,
};
