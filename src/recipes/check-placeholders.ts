import type { CommandName, Recipe } from "./recipe.js";
import { allowedPlaceholders, identityPlaceholders, LIST_PLACEHOLDER } from "./placeholders.js";
import { placeholdersIn } from "./expand-argv.js";

export interface PlaceholderProblem {
  /** Key path inside the recipe, e.g. `commands.push[3]` or `identityEnv.HGUSER`. */
  keyPath: string;
  expected: string;
  found: string;
}

function describeAllowed(allowed: readonly string[]): string {
  return allowed.length === 0
    ? "no placeholders"
    : `only ${allowed.map((name) => `{${name}}`).join(", ")}`;
}

/** Every placeholder a command may not use, and every `{paths}` that is not a whole element. */
export function checkPlaceholders(recipe: Recipe): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = [];
  const commands = recipe.commands as Partial<Record<CommandName, readonly string[]>>;
  for (const [name, template] of Object.entries(commands)) {
    if (!template) continue;
    const allowed: readonly string[] = allowedPlaceholders[name as CommandName] ?? [];
    template.forEach((element, index) => {
      const keyPath = `commands.${name}[${index}]`;
      for (const used of placeholdersIn(element)) {
        if (!allowed.includes(used)) {
          problems.push({
            keyPath,
            expected: `${describeAllowed(allowed)} in commands.${name} (write {{ and }} for literal braces)`,
            found: `{${used}}`,
          });
        } else if (used === LIST_PLACEHOLDER && element !== `{${LIST_PLACEHOLDER}}`) {
          problems.push({
            keyPath,
            expected: `{${LIST_PLACEHOLDER}} as a whole argv element (it expands to one element per path)`,
            found: element,
          });
        }
      }
    });
  }
  for (const [variable, value] of Object.entries(recipe.identityEnv ?? {})) {
    for (const used of placeholdersIn(value)) {
      if (!(identityPlaceholders as readonly string[]).includes(used)) {
        problems.push({
          keyPath: `identityEnv.${variable}`,
          expected: describeAllowed(identityPlaceholders),
          found: `{${used}}`,
        });
      }
    }
  }
  return problems;
}
