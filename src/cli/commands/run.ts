import {
  diagnosticLocation,
  diagnosticMessage,
  formatDiagnostic,
} from "../../config/format-diagnostic.js";
import { loadConfig } from "../../config/load-config.js";
import { EventBus } from "../../events/event-bus.js";
import { runHelp, runtimeMessages } from "../../messages/runtime-messages.js";
import { systemClock } from "../../runtime/clock.js";
import {
  ControlSocketError,
  startControlServer,
  type ControlServer,
} from "../../runtime/control-server.js";
import { AlreadyRunningError, startDaemon, type DaemonHandle } from "../../runtime/daemon.js";
import { startLogOutput, type LogFormat } from "../../runtime/log-output.js";
import type { DaemonView } from "../../ui/daemon-view.js";
import type { CliCommand, CliIo } from "../command.js";
import { reloadConfigFile } from "../reload-config-file.js";
import { ExitCode } from "../exit-codes.js";

interface RunArgs {
  configPath?: string;
  logFormat: LogFormat;
  logFormatGiven: boolean;
  tui: boolean;
}

function parseArgs(args: string[], io: CliIo): RunArgs | undefined {
  const parsed: RunArgs = { logFormat: "plain", logFormatGiven: false, tui: true };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined) return undefined;
      i++;
      return next;
    };
    if (flag === "--config" || flag === "-c") {
      const path = value();
      if (path === undefined) return usage(io, runtimeMessages.missingValue(flag));
      parsed.configPath = path;
    } else if (flag === "--log-format") {
      const format = value();
      if (format === undefined) return usage(io, runtimeMessages.missingValue(flag));
      if (format !== "plain" && format !== "json")
        return usage(io, runtimeMessages.badLogFormat(format));
      parsed.logFormat = format;
      parsed.logFormatGiven = true;
    } else if (flag === "--no-tui") {
      parsed.tui = false;
    } else {
      return usage(io, runtimeMessages.unknownOption(arg));
    }
  }
  return parsed;
}

function usage(io: CliIo, message: string): undefined {
  io.stderr.write(`${message}\n`);
  return undefined;
}

/** The control socket (`autosync status|sync|pause|resume|stop`); syncing goes on without it. */
async function startControl(
  socketPath: string,
  daemon: DaemonView,
): Promise<ControlServer | undefined> {
  try {
    return await startControlServer(socketPath, daemon);
  } catch (error) {
    daemon.bus.publish({
      type: "warning",
      message: runtimeMessages.controlUnavailable(
        socketPath,
        error instanceof ControlSocketError ? error.message : String(error),
      ),
    });
    return undefined;
  }
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, io);
  if (!parsed) return ExitCode.usage;

  const loaded = await loadConfig({
    ...(parsed.configPath !== undefined ? { configPath: parsed.configPath } : {}),
    cwd: io.cwd,
    env: io.env,
  });
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === "error");
    io.stderr.write(
      `${runtimeMessages.configInvalid(errors.length || loaded.diagnostics.length)}\n`,
    );
    for (const diagnostic of loaded.diagnostics)
      io.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
    return ExitCode.failure;
  }
  const config = loaded.config;

  const bus = new EventBus(systemClock);
  const useUi = parsed.tui && !parsed.logFormatGiven && io.stdout.isTTY === true;
  let stopLog: (() => void) | undefined;
  if (!useUi) {
    stopLog = startLogOutput(bus, {
      format: parsed.logFormat,
      stdout: io.stdout,
      stderr: io.stderr,
    });
  }
  for (const diagnostic of loaded.diagnostics) {
    bus.publish({
      type: "warning",
      message: `${diagnosticMessage(diagnostic)} (${diagnosticLocation(diagnostic)})`,
    });
  }

  // Signals are caught before the daemon starts: a SIGTERM during startup must still end in a
  // clean stop (pidfile and locks removed), never in the default kill.
  let handle: DaemonHandle | undefined;
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) {
      bus.publish({ type: "info", message: runtimeMessages.stopping });
      void handle?.stop();
      return;
    }
    io.stderr.write(`${runtimeMessages.forcedExit}\n`);
    process.exit(ExitCode.interrupted);
  };
  // SIGHUP re-reads the config, as daemons do. With the terminal UI, a SIGHUP means the
  // terminal went away: that is a clean stop, like SIGTERM.
  const configFile = config.file;
  const onHangup = (): void => {
    if (useUi) return onSignal();
    if (!handle || configFile === undefined) return;
    bus.publish({ type: "info", message: runtimeMessages.reloadSignal });
    void reloadConfigFile(handle, configFile, io).catch((error: unknown) =>
      bus.publish({ type: "error", message: String(error) }),
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onHangup);
  const releaseSignals = (): void => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onHangup);
  };

  try {
    handle = await startDaemon(config, { bus, env: io.env });
  } catch (error) {
    releaseSignals();
    stopLog?.();
    if (error instanceof AlreadyRunningError) {
      io.stderr.write(`autosync: ${error.message}\n${error.hint}\n`);
      return ExitCode.alreadyRunning;
    }
    io.stderr.write(
      `autosync: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return ExitCode.failure;
  }
  const daemon = handle;
  if (signals > 0) void daemon.stop();

  const control = await startControl(config.controlSocket, {
    bus: daemon.bus,
    snapshots: () => daemon.snapshots(),
    request: (repo, input) => daemon.request(repo, input),
    stop: () => daemon.stop(),
    // `autosync resolve` and `restore` go through here, in the repository's operation slot.
    change: (repo, changes, message) => daemon.change(repo, changes, message),
    ...(configFile !== undefined ? { reload: () => reloadConfigFile(daemon, configFile, io) } : {}),
  });

  try {
    if (useUi) {
      try {
        const { startUi } = await import("../../ui/start-ui.js");
        const ui = startUi(daemon, {
          stdout: io.stdout,
          stderr: io.stderr,
          title: config.host,
          env: io.env,
        });
        // The UI's `q` stops the daemon; a signal stops the daemon and then the UI.
        void daemon.stopped.then(() => ui.unmount());
        await ui.waitUntilExit();
        await daemon.stop();
      } catch (error) {
        stopLog = startLogOutput(bus, { format: "plain", stdout: io.stdout, stderr: io.stderr });
        bus.publish({ type: "warning", message: runtimeMessages.uiUnavailable(String(error)) });
      }
    }
    await daemon.stopped;
  } finally {
    releaseSignals();
    await control?.close().catch(() => {});
    stopLog?.();
  }
  return ExitCode.ok;
}

export const runCommand: CliCommand = {
  name: "run",
  summary: "Keep the configured repositories in sync (watch, commit, push, pull)",
  help: runHelp,
  run,
};
