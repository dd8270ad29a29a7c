import type { Recipe as GeneratedRecipe, RecipeCommands } from "./recipe-types.generated.js";

/** A recipe as schemas/recipe.schema.json describes it (the generated type is the one source). */
export type Recipe = GeneratedRecipe;

export type RecipeKind = Recipe["kind"];

/** Names of the commands a recipe can declare (`status`, `addPaths`, `commit`, …). */
export type CommandName = keyof RecipeCommands;

/** An argv template: program and arguments, with `{placeholder}`s (see expand-argv.ts). */
export type ArgvTemplate = readonly string[];

export type {
  PipelineRuleSpec,
  PipelineActionSpec,
  PipelineSpec,
} from "./recipe-types.generated.js";
