import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import {
  access,
  mkdir,
  readFile,
  realpath,
  rename,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../config/diagnostic.js";
import { displayPath } from "../config/display-path.js";
import { findConfig } from "../config/find-config.js";
import { formatDiagnostic } from "../config/format-diagnostic.js";
import { schemaFile } from "../config/package-files.js";
import {
  addRepositoryEntry,
  replaceRepositoryEntries,
  type RepositoryEntry,
} from "../config/repository-entries.js";
import { resolveDocument, type ConfigResult, type RootChecks } from "../config/resolve-config.js";
import { parseSource } from "../config/source-document.js";
import { enrolMessages as messages } from "../messages/enrol-messages.js";
import { DaemonUnavailableError, sendControlRequest } from "../runtime/control-client.js";
import type { CliIo } from "./command.js";
import { starterConfig } from "./commands/init.js";

/** The config file `clone`, `add` and `remove` edit; `text` undefined: it does not exist yet. */
export interface TargetConfig {
  /** Absolute; the file written (a symlinked config is written through its link). */
  file: string;
  shown: string;
  text: string | undefined;
}

/**
 * Where a new config goes when none is found: the user config directory, one of the places
 * find-config.ts searches (cosmiconfig's global places), so `autosync run` anywhere finds it.
 */
function newConfigFile(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(configHome, "autosync", "config.yaml");
}

/** The config to edit, or the one line that says why there is none. */
export async function targetConfig(
  command: string,
  configPath: string | undefined,
  io: Pick<CliIo, "cwd" | "env">,
  { mayCreate }: { mayCreate: boolean },
): Promise<TargetConfig | string> {
  let file: string;
  if (configPath !== undefined) file = resolve(io.cwd, configPath);
  else {
    const found = await findConfig(io).catch(() => undefined);
    if (found?.packageProperty) return messages.packageJsonConfig(command, found.file);
    file = found?.file ?? newConfigFile(io.env);
  }
  if (basename(file) === "package.json") return messages.packageJsonConfig(command, file);
  file = await realpath(file).catch(() => file);
  const shown = displayPath(file, io.cwd);
  try {
    return { file, shown, text: await readFile(file, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (code === "ENOENT" && mayCreate) return { file, shown, text: undefined };
    return messages.configUnreadable(command, shown, code);
  }
}

/** How a root is written into the config: `~/…` below the home directory, `$` escaped. */
export function configPathOf(dir: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir();
  const rel = relative(home, dir);
  const shown = rel && !rel.startsWith("..") && !rel.startsWith(sep) ? `~/${rel}` : dir;
  // expand-path.ts reads `$NAME` as a variable and `$$` as a literal `$`.
  return shown.replaceAll("$", "$$$$");
}

/** The config text with `entry` added; a starter config around it when there is no file yet. */
export function textWithEntry(target: TargetConfig, entry: RepositoryEntry, kind: string): string {
  if (target.text !== undefined) return addRepositoryEntry(target.text, entry);
  const starter = starterConfig({
    schema: schemaFile("autosync"),
    recipe: kind,
    repositoryPath: undefined,
  });
  return replaceRepositoryEntries(starter, { path: entry.path });
}

/** Validates `text` as the config at `target.file`, with the code `autosync validate` runs. */
export async function checkConfigText(
  text: string,
  target: TargetConfig,
  io: Pick<CliIo, "cwd" | "env">,
  rootChecks: RootChecks,
): Promise<ConfigResult> {
  return resolveDocument(parseSource(text, target.shown), {
    file: target.file,
    cwd: io.cwd,
    env: io.env,
    rootChecks,
  });
}

/** The lines that refuse an invalid config: one summary line, then validate's diagnostics. */
export function invalidConfigLines(
  command: string,
  target: TargetConfig,
  diagnostics: readonly Diagnostic[],
): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return [
    messages.configInvalid(command, target.shown, errors),
    ...diagnostics.map(formatDiagnostic),
  ].join("\n");
}

/** Why the config cannot be replaced (file and directory writable), or undefined. */
export async function whyNotWritable(target: TargetConfig): Promise<string | undefined> {
  try {
    if (target.text !== undefined) await access(target.file, constants.W_OK);
    // The new text is written beside the file and renamed over it: the directory must be
    // writable too. A directory that does not exist yet is made below the nearest one that does.
    let dir = dirname(target.file);
    for (;;) {
      const info = await stat(dir).catch(() => undefined);
      if (info) break;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    await access(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/**
 * Replaces the config in one step: the new text goes to a temp file beside it, then a rename,
 * so a crash or a full disk leaves the old file or the new one, never half of each. A new
 * file is 0600 (a config may hold an inline secret); an existing one keeps its mode.
 */
export async function writeConfigAtomically(target: TargetConfig, text: string): Promise<void> {
  const mode =
    target.text === undefined
      ? 0o600
      : ((await stat(target.file).catch(() => undefined))?.mode ?? 0o600) & 0o777;
  await mkdir(dirname(target.file), { recursive: true, mode: 0o700 });
  const temp = join(
    dirname(target.file),
    `.${basename(target.file)}.autosync-${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    await writeFile(temp, text, { flag: "wx", mode });
    await rename(temp, target.file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/** Asks a running daemon to reload; the lines to print (nothing running: what comes next). */
export async function tellDaemon(
  socketPath: string,
  whenNone = `${messages.nextNothing}\n${messages.nextRun}`,
): Promise<string> {
  try {
    const response = await sendControlRequest(
      socketPath,
      { command: "reload" },
      { timeoutMs: 120_000 },
    );
    return response.ok
      ? messages.daemonReloaded(response.message ?? "ok")
      : messages.daemonRefused(response.error);
  } catch (error) {
    if (!(error instanceof DaemonUnavailableError)) throw error;
    return whenNone;
  }
}

/** Adds `entry` (its root exists now) to the config: validate, write, tell a daemon. */
export async function enrol(
  command: string,
  target: TargetConfig,
  text: string,
  dir: string,
  io: CliIo,
): Promise<{ ok: true; lines: string[] } | { ok: false; error: string }> {
  const checked = await checkConfigText(text, target, io, "warning");
  if (!checked.ok)
    return { ok: false, error: invalidConfigLines(command, target, checked.diagnostics) };
  const unchanged = text === target.text;
  if (!unchanged) {
    try {
      await writeConfigAtomically(target, text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      return { ok: false, error: messages.configNotWritable(command, target.shown, code) };
    }
  }
  const lines = [
    unchanged
      ? messages.alreadyListed(dir, target.shown)
      : messages.added(dir, target.shown, target.text === undefined),
    await tellDaemon(checked.config.controlSocket),
  ];
  return { ok: true, lines };
}
