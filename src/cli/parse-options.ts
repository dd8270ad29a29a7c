import { historyMessages } from "../messages/history-messages.js";
import type { CliIo } from "./command.js";

export interface ParsedOptions {
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

/**
 * `--name VALUE`, `--name=VALUE` and boolean flags; `--` ends the options, so a file named
 * `-notes.md` can be given as `-- -notes.md`. Undefined after a usage error (printed).
 */
export function parseOptions(
  command: string,
  args: readonly string[],
  valued: readonly string[],
  booleans: readonly string[],
  io: CliIo,
): ParsedOptions | undefined {
  const parsed: ParsedOptions = { positional: [], values: new Map(), flags: new Set() };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === "--") {
      parsed.positional.push(...args.slice(index + 1));
      break;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg === "-c" ? "--config" : arg;
    if (valued.includes(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++index];
      if (value === undefined || value === "") {
        io.stderr.write(`${historyMessages.missingValue(command, flag)}\n`);
        return undefined;
      }
      parsed.values.set(flag, value);
    } else if (booleans.includes(arg)) parsed.flags.add(arg);
    else if (arg.startsWith("-") && arg !== "-") {
      io.stderr.write(`${historyMessages.unknownOption(command, arg)}\n`);
      return undefined;
    } else parsed.positional.push(arg);
  }
  return parsed;
}
