import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import type { Diagnostic } from "../config/diagnostic.js";
import { didYouMean } from "../config/did-you-mean.js";
import { formatKeyPath, parseKeyPath } from "../config/key-path.js";
import { builtinRecipeFile } from "../config/package-files.js";
import { checkSchema, readSchema } from "../config/schema-check.js";
import { parseSource } from "../config/source-document.js";
import type { PathSegment, SourceDocument } from "../config/source-document.js";
import { recipeMessages } from "../messages/config-messages.js";
import { checkPlaceholders } from "./check-placeholders.js";
import type { Recipe } from "./recipe.js";

export const BUILTIN_RECIPES = ["git", "hg", "bzr"] as const;

/** Where in a config the recipe was named and its commands overridden, for precise messages. */
export interface RecipeOrigin {
  doc: SourceDocument;
  /** Key path of the `recipe` value that named this recipe. */
  recipePath: readonly PathSegment[];
  /** For each overridden command, the key path of its argv in the config. */
  commandPaths?: Readonly<Record<string, readonly PathSegment[]>>;
}

export interface LoadRecipeOptions {
  /** Directory a recipe path is relative to: the config file's directory. */
  baseDir: string;
  /** Per-command argv templates that replace the recipe's. */
  overrides?: Readonly<Record<string, readonly string[]>>;
  /** Environment entries added to (or replacing) the recipe's `env`. */
  env?: Readonly<Record<string, string>>;
  origin?: RecipeOrigin;
  /** How file names appear in diagnostics (default: as given). */
  displayPath?: (file: string) => string;
}

export type LoadRecipeResult =
  | { ok: true; recipe: Recipe; file: string; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** A recipe reference is a path when it has a directory part or a file extension. */
export function isRecipePath(nameOrPath: string): boolean {
  return /[\\/]/.test(nameOrPath) || [".yaml", ".yml", ".json"].includes(extname(nameOrPath));
}

/**
 * Loads a built-in recipe (`git`, `hg`, `bzr`, shipped in recipes/ next to the package) or a
 * recipe file, validates it with positions, applies the config's command overrides and checks
 * every placeholder. Never throws for a user mistake: problems come back as diagnostics.
 */
export async function loadRecipe(
  nameOrPath: string,
  options: LoadRecipeOptions,
): Promise<LoadRecipeResult> {
  const show = options.displayPath ?? ((file: string) => file);
  const origin = options.origin;
  const atOrigin = (path: readonly PathSegment[] | undefined, at: "value" | "key" = "value") => {
    if (!origin || !path) return { file: "(config)", keyPath: "" };
    const position = origin.doc.locate(path, at);
    return {
      file: origin.doc.file,
      ...(position ? { line: position.line, column: position.column } : {}),
      keyPath: formatKeyPath(path),
    };
  };

  let file: string;
  if (isRecipePath(nameOrPath)) {
    file = resolve(options.baseDir, nameOrPath);
  } else if ((BUILTIN_RECIPES as readonly string[]).includes(nameOrPath)) {
    file = builtinRecipeFile(nameOrPath);
  } else {
    const suggestion = didYouMean(nameOrPath, BUILTIN_RECIPES);
    return {
      ok: false,
      diagnostics: [
        {
          severity: "error",
          ...atOrigin(origin?.recipePath),
          expected: recipeMessages.recipeRef(BUILTIN_RECIPES),
          found: `'${nameOrPath}'`,
          ...(suggestion ? { hint: recipeMessages.didYouMean(suggestion) } : {}),
        },
      ],
    };
  }

  const builtin = !isRecipePath(nameOrPath);
  let base: Promise<BaseRecipe> | undefined = builtin ? builtinCache.get(file) : undefined;
  if (!base) {
    base = readBaseRecipe(file, show(file));
    // Built-in recipes ship with the package and never change while it runs; parse them once.
    if (builtin) builtinCache.set(file, base);
  }
  const loaded = await base;
  if ("unreadable" in loaded) {
    return {
      ok: false,
      diagnostics: [
        {
          severity: "error",
          ...atOrigin(origin?.recipePath),
          expected: recipeMessages.readableFile,
          found: recipeMessages.unreadable(show(file), loaded.unreadable),
        },
      ],
    };
  }
  if (!loaded.recipe) return { ok: false, diagnostics: [...loaded.diagnostics] };
  const recipe = structuredClone(loaded.recipe);
  const diagnostics = [...loaded.diagnostics];

  const overrides = options.overrides ?? {};
  if (Object.keys(overrides).length > 0) {
    const known = commandNames();
    for (const [name, argv] of Object.entries(overrides)) {
      if (!known.includes(name)) {
        const suggestion = didYouMean(name, known);
        diagnostics.push({
          severity: "error",
          ...atOrigin(origin?.commandPaths?.[name], "key"),
          expected: recipeMessages.commandName(known),
          found: `'${name}'`,
          ...(suggestion ? { hint: recipeMessages.didYouMean(suggestion) } : {}),
        });
        continue;
      }
      (recipe.commands as unknown as Record<string, string[]>)[name] = [...argv];
    }
    for (const problem of checkPlaceholders(recipe)) {
      const [, command, index] = /^commands\.([A-Za-z]+)\[(\d+)\]$/.exec(problem.keyPath) ?? [];
      if (command === undefined || !(command in overrides)) continue;
      const base = origin?.commandPaths?.[command];
      diagnostics.push({
        severity: "error",
        ...atOrigin(base ? [...base, Number(index)] : undefined),
        expected: problem.expected,
        found: problem.found,
      });
    }
  }
  if (options.env) recipe.env = { ...recipe.env, ...options.env };
  if (diagnostics.some((d) => d.severity === "error")) return { ok: false, diagnostics };
  return { ok: true, recipe, file, diagnostics };
}

/** Validates a recipe file on its own (for `autosync validate recipe.yaml`). */
export async function checkRecipeFile(file: string, displayPath = file): Promise<Diagnostic[]> {
  const result = await loadRecipe(file, {
    baseDir: process.cwd(),
    displayPath: () => displayPath,
  });
  return result.diagnostics;
}

type BaseRecipe =
  { unreadable: unknown } | { recipe: Recipe | undefined; diagnostics: readonly Diagnostic[] };

const builtinCache = new Map<string, Promise<BaseRecipe>>();

/** Reads, parses and checks a recipe file as written (before any config overrides). */
async function readBaseRecipe(file: string, shown: string): Promise<BaseRecipe> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return { unreadable: error };
  }
  const doc = parseSource(text, shown);
  if (doc.errors.length > 0) return { recipe: undefined, diagnostics: doc.errors };
  const schemaProblems = checkSchema(doc, "recipe");
  if (schemaProblems.length > 0) return { recipe: undefined, diagnostics: schemaProblems };
  const recipe = doc.value as Recipe;
  const diagnostics = placeholderDiagnostics(recipe, doc);
  return diagnostics.length > 0 ? { recipe: undefined, diagnostics } : { recipe, diagnostics };
}

function placeholderDiagnostics(recipe: Recipe, doc: SourceDocument): Diagnostic[] {
  return checkPlaceholders(recipe).map((problem) => {
    const path = parseKeyPath(problem.keyPath);
    const position = doc.locate(path);
    return {
      severity: "error" as const,
      file: doc.file,
      ...(position ? { line: position.line, column: position.column } : {}),
      keyPath: problem.keyPath,
      expected: problem.expected,
      found: problem.found,
    };
  });
}

let names: string[] | undefined;
/** The command names a recipe may declare, from the recipe schema. */
export function commandNames(): string[] {
  names ??= Object.keys(
    ((readSchema("recipe").$defs as Record<string, { properties?: object }>).commands?.properties ??
      {}) as object,
  );
  return names;
}
