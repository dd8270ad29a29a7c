import type { RecipeKind } from "../recipes/recipe.js";
import { createGitOperations } from "./git-operations.js";
import { createHgOperations } from "./hg-operations.js";
import { createBzrOperations } from "./bzr-operations.js";
import type { OperationsOptions } from "./operations-options.js";
import type { RepoOperations } from "./repo-operations.js";

export type { OperationsOptions } from "./operations-options.js";

type OperationsFactory = (options: OperationsOptions) => RepoOperations;

/** One implementation per DVCS kind; hg and bzr register theirs here. */
const factories: Partial<Record<RecipeKind, OperationsFactory>> = {
  git: createGitOperations,
  hg: createHgOperations,
  bzr: createBzrOperations,
};

/** The operations for a repository, chosen by its recipe's `kind`. */
export function createOperations(options: OperationsOptions): RepoOperations {
  const factory = factories[options.recipe.kind];
  if (!factory) throw new Error(`no operations for recipe kind ${options.recipe.kind}`);
  return factory(options);
}
