import { resolve } from "node:path";
import { controlSocketOfValue } from "../config/control-socket-path.js";
import { findConfig } from "../config/find-config.js";
import { readConfigDocument } from "../config/load-config.js";
import { controlCliMessages } from "../messages/ui-messages.js";
import type { CliIo } from "./command.js";
import { loadCliConfig } from "./load-cli-config.js";

/** Where a running daemon listens, found from `--socket` or the config (`--config` or search). */
export interface ControlTarget {
  socketPath: string;
  /** Known only from a config; `stop` falls back to it. */
  pidfile?: string;
}

export interface ControlArgs {
  positional: string[];
  flags: Set<string>;
  configPath?: string;
  socketPath?: string;
  /** `-m/--message TEXT` (commit only). */
  message?: string;
  /** `--keep HOST|both|edited` (resolve only). */
  keep?: string;
}

/**
 * Parses `[--config PATH] [--socket PATH]` plus the given flags ("--message" also accepts
 * `-m TEXT`; "--keep" takes a value); undefined after a usage error.
 */
export function parseControlArgs(
  command: string,
  args: readonly string[],
  booleanFlags: readonly string[],
  io: CliIo,
): ControlArgs | undefined {
  const parsed: ControlArgs = { positional: [], flags: new Set() };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const takesMessage =
      booleanFlags.includes("--message") && (flag === "--message" || flag === "-m");
    const takesKeep = booleanFlags.includes("--keep") && flag === "--keep";
    if (flag === "--config" || flag === "-c" || flag === "--socket" || takesMessage || takesKeep) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++index];
      if (value === undefined || (value === "" && !takesMessage)) {
        io.stderr.write(`${controlCliMessages.missingValue(command, flag)}\n`);
        return undefined;
      }
      if (flag === "--socket") parsed.socketPath = value;
      else if (takesKeep) parsed.keep = value;
      else if (takesMessage) parsed.message = value;
      else parsed.configPath = value;
    } else if (booleanFlags.includes(arg)) {
      parsed.flags.add(arg);
    } else if (arg === "--") {
      parsed.positional.push(...args.slice(index + 1));
      break;
    } else if (arg.startsWith("-")) {
      io.stderr.write(`${controlCliMessages.unknownOption(command, arg)}\n`);
      return undefined;
    } else {
      parsed.positional.push(arg);
    }
  }
  return parsed;
}

export async function resolveControlTarget(
  command: string,
  args: ControlArgs,
  io: CliIo,
  { invalidConfigOk = false }: { invalidConfigOk?: boolean } = {},
): Promise<ControlTarget | undefined> {
  if (args.socketPath !== undefined) return { socketPath: args.socketPath };
  if (invalidConfigOk) {
    // `reload` of a broken file must reach the daemon, which refuses it with the reasons.
    const file =
      args.configPath !== undefined
        ? resolve(io.cwd, args.configPath)
        : (await findConfig(io).catch(() => undefined))?.file;
    if (file !== undefined) {
      const doc = await readConfigDocument(file, io.cwd);
      return { socketPath: controlSocketOfValue(doc.value, { file, cwd: io.cwd, env: io.env }) };
    }
  }
  // The daemon checked the roots when it started; here only the socket path matters.
  const config = await loadCliConfig(command, args.configPath, io, {
    rootChecks: "off",
    heading: controlCliMessages.configInvalid(command),
  });
  return config && { socketPath: config.controlSocket, pidfile: config.pidfile };
}
