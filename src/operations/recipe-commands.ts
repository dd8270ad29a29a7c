import type { CommandName, Recipe } from "../recipes/recipe.js";
import { expandArgv, type PlaceholderValues } from "../recipes/expand-argv.js";
import type { CommandResult, CommandRunner } from "../runtime/command-runner.js";
import { operationsMessages } from "../messages/operations-messages.js";
import { commandFailure, OperationFailure } from "./operation-failure.js";
import type { OperationsOptions } from "./operations-options.js";

export interface RunOptions {
  input?: string | Uint8Array;
  binaryOutput?: boolean;
  /** Extra environment (e.g. the fallback identity for a commit). */
  env?: Readonly<Record<string, string>>;
  /** Talks to a remote: gets the network timeout. */
  network?: boolean;
  /** A shorter limit than the network timeout (a peer that may be asleep). */
  timeoutMs?: number;
}

const DEFAULT_NETWORK_TIMEOUT_MS = 120_000;
const DEFAULT_LOCAL_TIMEOUT_MS = 600_000;

/**
 * Runs a recipe's commands in the root with the recipe's environment. `run` returns the result
 * whatever happened; `ok` throws an OperationFailure unless the command succeeded.
 */
export class RecipeCommands {
  readonly recipe: Recipe;
  readonly root: string;
  private readonly runner: CommandRunner;
  private readonly networkTimeoutMs: number;
  private readonly localTimeoutMs: number;

  constructor(options: OperationsOptions) {
    this.recipe = options.recipe;
    this.root = options.root;
    this.runner = options.runner;
    this.networkTimeoutMs = options.networkTimeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS;
    this.localTimeoutMs = options.localTimeoutMs ?? DEFAULT_LOCAL_TIMEOUT_MS;
  }

  has(name: CommandName): boolean {
    return this.recipe.commands[name] !== undefined;
  }

  argv(name: CommandName, values: PlaceholderValues = {}): string[] {
    const template = this.recipe.commands[name];
    if (!template) {
      throw new OperationFailure(operationsMessages.commandMissing(this.recipe.name, name));
    }
    return expandArgv(template, values);
  }

  run(
    name: CommandName,
    values: PlaceholderValues = {},
    options: RunOptions = {},
  ): Promise<CommandResult> {
    return this.runArgv(this.argv(name, values), options);
  }

  runArgv(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return this.runner.run(argv, {
      cwd: this.root,
      env: { ...this.recipe.env, ...options.env },
      timeoutMs:
        options.timeoutMs ?? (options.network ? this.networkTimeoutMs : this.localTimeoutMs),
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.binaryOutput ? { binaryOutput: true } : {}),
    });
  }

  async ok(
    name: CommandName,
    values: PlaceholderValues = {},
    options: RunOptions = {},
  ): Promise<CommandResult> {
    const result = await this.run(name, values, options);
    if (result.failed) throw commandFailure(result);
    return result;
  }
}

/** Splits a long list so each command stays far below ARG_MAX (and Windows' 32k). */
export function chunkPaths(paths: readonly string[], maxChars = 60_000): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const path of paths) {
    if (current.length > 0 && size + path.length + 1 > maxChars) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(path);
    size += path.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** NUL-separated command output as a list (trailing NUL or newline tolerated). */
export function splitNul(stdout: string): string[] {
  return stdout.split("\0").filter((field) => field !== "" && field !== "\n");
}
