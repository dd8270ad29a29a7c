import type { ResolvedConfig, ResolvedRepository } from "../config/resolved-config.js";
import type { ConflictSource } from "../conflicts/find-conflicts.js";
import { processRunner } from "../runtime/command-runner.js";
import type { CliIo } from "./command.js";
import { parseControlArgs } from "./control-target.js";
import { loadCliConfig } from "./load-cli-config.js";

/** `[--config PATH] [--json] [--keep VALUE] args…` as `conflicts` and `resolve` take them. */
export interface ConflictArgs {
  positional: string[];
  configPath?: string;
  json: boolean;
  keep?: string;
}

export function parseConflictArgs(
  command: "conflicts" | "resolve",
  args: readonly string[],
  io: CliIo,
): ConflictArgs | undefined {
  const parsed = parseControlArgs(command, args, [command === "resolve" ? "--keep" : "--json"], io);
  if (!parsed) return undefined;
  return {
    positional: parsed.positional,
    json: parsed.flags.has("--json"),
    ...(parsed.configPath !== undefined ? { configPath: parsed.configPath } : {}),
    ...(parsed.keep !== undefined ? { keep: parsed.keep } : {}),
  };
}

export function loadConflictConfig(
  command: string,
  args: ConflictArgs,
  io: CliIo,
): Promise<ResolvedConfig | undefined> {
  // A missing root is reported per repository when it is read, not as a config error.
  return loadCliConfig(command, args.configPath, io, { rootChecks: "off" });
}

export function conflictSource(repository: ResolvedRepository): ConflictSource {
  return {
    repo: repository.name,
    root: repository.path,
    recipe: repository.recipe,
    runner: processRunner,
    host: repository.engine.host,
  };
}
