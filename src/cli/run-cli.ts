import { readFileSync } from "node:fs";
import type { CliCommand, CliIo } from "./command.js";
import { ExitCode } from "./exit-codes.js";
import { commands } from "./command-list.js";

function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

function mainHelp(list: readonly CliCommand[]): string {
  const width = Math.max(...list.map((command) => command.name.length));
  return [
    "autosync — keep version-controlled folders in sync across machines",
    "",
    "Usage: autosync <command> [options]",
    "",
    "Commands:",
    ...list.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Run `autosync <command> --help` for a command's options.",
    "Exit codes: 0 ok, 1 failure or invalid input, 2 usage error, 3 already running.",
    "",
  ].join("\n");
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(mainHelp(commands));
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === "--version" || name === "-V") {
    io.stdout.write(`${packageVersion()}\n`);
    return ExitCode.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr.write(`autosync: unknown command '${name}'. Run 'autosync --help'.\n`);
    return ExitCode.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
    return ExitCode.ok;
  }
  return command.run(rest, io);
}
