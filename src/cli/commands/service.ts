import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatDiagnostic } from "../../config/format-diagnostic.js";
import { findConfig } from "../../config/find-config.js";
import { loadConfig } from "../../config/load-config.js";
import { serviceMessages } from "../../messages/ui-messages.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { systemdUnit } from "../systemd-unit.js";

export function unitPath(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(configHome, "systemd", "user", "autosync.service");
}

/**
 * The absolute command that starts this autosync: the running node and the built CLI. Run from
 * the TypeScript source (npm run autosync), it uses dist/ when built, else tsx.
 */
function cliCommand(): { command: string[]; fromSource?: string } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".js"))
    return { command: [process.execPath, fileURLToPath(new URL("../main.js", import.meta.url))] };
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const built = join(root, "dist", "cli", "main.js");
  if (existsSync(built)) return { command: [process.execPath, built] };
  const source = join(root, "src", "cli", "main.ts");
  return { command: [process.execPath, "--import", "tsx", source], fromSource: source };
}

async function install(args: readonly string[], io: CliIo): Promise<number> {
  let configPath: string | undefined;
  let dryRun = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === "--dry-run") dryRun = true;
    else if (arg === "--config" || arg === "-c" || arg.startsWith("--config=")) {
      const value = arg.startsWith("--config=") ? arg.slice("--config=".length) : args[++index];
      if (!value) {
        io.stderr.write(`${serviceMessages.missingValue(arg)}\n`);
        return ExitCode.usage;
      }
      configPath = resolve(io.cwd, value);
    } else {
      io.stderr.write(`${serviceMessages.unknownOption(arg)}\n`);
      return ExitCode.usage;
    }
  }
  // The unit runs from another directory at boot: the config path must be absolute and found now.
  configPath ??= (await findConfig({ cwd: io.cwd, env: io.env }).catch(() => undefined))?.file;
  if (!configPath) {
    io.stderr.write(`${serviceMessages.noConfig}\n`);
    return ExitCode.failure;
  }
  const loaded = await loadConfig({ configPath, cwd: io.cwd, env: io.env, rootChecks: "off" });
  if (!loaded.ok) {
    io.stderr.write(`${serviceMessages.configInvalid(configPath)}\n`);
    for (const diagnostic of loaded.diagnostics)
      io.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
    return ExitCode.failure;
  }
  const { command, fromSource } = cliCommand();
  const unit = systemdUnit({ command, configPath });
  if (dryRun) {
    io.stdout.write(unit);
    return ExitCode.ok;
  }
  const path = unitPath(io.env);
  await mkdir(join(path, ".."), { recursive: true });
  // Write then rename: a half-written unit must never be what systemd reads.
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, unit, { mode: 0o644 });
  await rename(temp, path);
  io.stdout.write(`${serviceMessages.installed(path)}\n`);
  if (fromSource) io.stdout.write(`${serviceMessages.fromSource(fromSource)}\n`);
  if (process.platform !== "linux") io.stdout.write(`${serviceMessages.notLinux}\n`);
  return ExitCode.ok;
}

async function uninstall(args: readonly string[], io: CliIo): Promise<number> {
  if (args.length > 0) {
    io.stderr.write(`${serviceMessages.unknownOption(args[0] ?? "")}\n`);
    return ExitCode.usage;
  }
  const path = unitPath(io.env);
  if (!existsSync(path)) {
    io.stdout.write(`${serviceMessages.notInstalled(path)}\n`);
    return ExitCode.ok;
  }
  await rm(path);
  io.stdout.write(`${serviceMessages.removed(path)}\n`);
  return ExitCode.ok;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === "install") return install(rest, io);
  if (action === "uninstall") return uninstall(rest, io);
  io.stderr.write(`${serviceMessages.usage}\n`);
  return ExitCode.usage;
}

export const serviceCommand: CliCommand = {
  name: "service",
  summary: serviceMessages.summary,
  help: serviceMessages.help,
  run,
};
