import { startEmbeddedBroker } from "../../channels/embedded-broker.js";
import { channelMessages } from "../../messages/channel-messages.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";

const messages = channelMessages.broker;

/** Resolves on the first SIGINT or SIGTERM; the listeners are removed afterwards. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.removeListener("SIGINT", done);
      process.removeListener("SIGTERM", done);
      resolve();
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}

/**
 * Runs the embedded broker until `stopped` resolves (a signal, in the CLI). Split from the
 * command so a test can stop it without signalling its own process.
 */
export async function runBroker(
  args: string[],
  io: CliIo,
  stopped: () => Promise<void> = untilSignal,
): Promise<number> {
  let host = "127.0.0.1";
  let port = 1883;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s) : [arg];
    if (flag !== "--port" && flag !== "--host") {
      io.stderr.write(messages.unknownFlag(arg));
      return ExitCode.usage;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === "") {
      io.stderr.write(messages.missingValue(flag));
      return ExitCode.usage;
    }
    if (flag === "--host") {
      host = value;
    } else {
      const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(parsed >= 0 && parsed <= 65535)) {
        io.stderr.write(messages.badPort(value));
        return ExitCode.usage;
      }
      port = parsed;
    }
  }
  let broker;
  try {
    broker = await startEmbeddedBroker({ host, port });
  } catch (error) {
    io.stderr.write(messages.cannotListen(`${host}:${port}`, (error as Error).message));
    return ExitCode.failure;
  }
  io.stdout.write(messages.listening(broker.url));
  await stopped();
  await broker.close();
  io.stdout.write(messages.stopped);
  return ExitCode.ok;
}

export const brokerCommand: CliCommand = {
  name: "broker",
  summary: "Run a small MQTT broker for announcements (for users without one)",
  help: [
    "Usage: autosync broker [--port 1883] [--host 127.0.0.1]",
    "",
    "Runs an embedded MQTT broker (aedes) until Ctrl-C or SIGTERM, so machines without an",
    "XMPP account or MQTT server can still learn of each other's pushes at once. Point every",
    "machine's channels.mqtt.url at it (mqtt://<this-host>:<port>).",
    "",
    "Options:",
    "  --port N     TCP port to listen on (default 1883; 0 picks a free one)",
    "  --host ADDR  address to listen on (default 127.0.0.1; 0.0.0.0 for the whole LAN)",
    "",
    "The broker has no login and no TLS: on a shared network set channels.secret so",
    "machines drop announcements they cannot verify. Messages are kept in memory only.",
  ].join("\n"),
  run: (args, io) => runBroker(args, io),
};
