import { setTimeout as sleep } from "node:timers/promises";
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

/** brz's LockContention ("Could not acquire lock") and a held lock directory. */
const LOCK_HELD = /Could not acquire lock|Unable to obtain lock/;
/** About 20 s in all: longer than any brz command of the daemon holds the lock on a busy box. */
const LOCK_RETRY_DELAYS_MS = [50, 100, 200, 400, 800, ...Array<number>(18).fill(1000)];

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

  /**
   * A read-only command, run again while another process holds the working tree's lock: brz
   * takes the dirstate lock without waiting, even to read (`brz log FILE`, `revision-info`,
   * `cat`, `ls`), and a running daemon holds it for every `brz add --dry-run` of its status
   * checks. Unretried, one such moment fails `autosync history` or turns a conflict's
   * ancestor into "unknown". Only for commands that change nothing: running one twice is safe.
   */
  async read(
    name: CommandName,
    values: PlaceholderValues = {},
    options: RunOptions = {},
  ): Promise<CommandResult> {
    let result = await this.run(name, values, options);
    for (const delayMs of LOCK_RETRY_DELAYS_MS) {
      if (!result.failed || !LOCK_HELD.test(result.stderr)) break;
      await sleep(delayMs);
      result = await this.run(name, values, options);
    }
    return result;
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
