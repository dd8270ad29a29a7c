import { parseArgs } from "node:util";
import { enrolMessages as messages } from "../messages/enrol-messages.js";
import { BUILTIN_RECIPES } from "../recipes/load-recipe.js";
import type { CliIo } from "./command.js";
import { ExitCode } from "./exit-codes.js";

export type BuiltinKind = (typeof BUILTIN_RECIPES)[number];

export function isBuiltinKind(value: string): value is BuiltinKind {
  return (BUILTIN_RECIPES as readonly string[]).includes(value);
}

export interface EnrolArgs {
  positionals: string[];
  recipe?: BuiltinKind;
  config?: string;
}

/**
 * `[--recipe KIND] [--config PATH]` and 1 to `maxPositionals` arguments (`--` ends the options,
 * so a URL starting with a dash is an argument); undefined after a usage error, printed.
 */
export function parseEnrolArgs(
  command: "clone" | "add" | "remove",
  args: string[],
  io: CliIo,
  { maxPositionals, recipe, missing }: { maxPositionals: number; recipe: boolean; missing: string },
): EnrolArgs | undefined {
  const usage = (detail: string): undefined => {
    io.stderr.write(messages.usage(command, detail));
    return undefined;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...(recipe ? { recipe: { type: "string" as const } } : {}),
        config: { type: "string", short: "c" },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { positionals } = parsed;
  if (positionals.length === 0 || positionals[0] === "") return usage(missing);
  const extra = positionals[maxPositionals];
  if (extra !== undefined) return usage(messages.tooManyArguments(extra));
  const kind = (parsed.values as { recipe?: string }).recipe;
  if (kind !== undefined && !isBuiltinKind(kind))
    return usage(messages.badRecipe(kind, BUILTIN_RECIPES));
  return {
    positionals,
    ...(kind !== undefined ? { recipe: kind } : {}),
    ...(parsed.values.config !== undefined ? { config: parsed.values.config } : {}),
  };
}

/** Prints one line to stderr; the exit code of a failed clone, add or remove. */
export function failWith(io: CliIo, line: string): number {
  io.stderr.write(`${line}\n`);
  return ExitCode.failure;
}
