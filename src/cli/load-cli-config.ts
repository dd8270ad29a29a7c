import { formatDiagnostic } from "../config/format-diagnostic.js";
import { loadConfig } from "../config/load-config.js";
import type { ResolvedConfig } from "../config/resolved-config.js";
import type { RootChecks } from "../config/resolve-config.js";
import { controlCliMessages } from "../messages/ui-messages.js";
import type { CliIo } from "./command.js";

export interface CliConfigOptions {
  /** How a missing watch root counts; commands that only read history or a socket say "off". */
  rootChecks?: RootChecks;
  /** The line before the diagnostics; by default "the config has errors". */
  heading?: string;
}

/**
 * The config for a command that needs one (`--config PATH` or the usual search), or undefined
 * after printing the heading and every diagnostic with file:line:column to stderr.
 */
export async function loadCliConfig(
  command: string,
  configPath: string | undefined,
  io: CliIo,
  { rootChecks = "warning", heading }: CliConfigOptions = {},
): Promise<ResolvedConfig | undefined> {
  const loaded = await loadConfig({
    ...(configPath !== undefined ? { configPath } : {}),
    cwd: io.cwd,
    env: io.env,
    rootChecks,
  });
  if (loaded.ok) return loaded.config;
  io.stderr.write(`${heading ?? controlCliMessages.configHasErrors(command)}\n`);
  for (const diagnostic of loaded.diagnostics) io.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
  return undefined;
}
