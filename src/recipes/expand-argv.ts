import type { ArgvTemplate } from "./recipe.js";
import { LIST_PLACEHOLDER } from "./placeholders.js";

/** Values for one expansion: `paths` is a list, everything else one string. */
export type PlaceholderValues = Readonly<Record<string, string | readonly string[]>>;

/** A bug in autosync (a template the validator should have refused), never a user mistake. */
export class TemplateError extends Error {
  override name = "TemplateError";
}

// `{{` and `}}` are literal braces so git revision syntax such as `@{{upstream}}` stays writable.
const TOKEN = /\{\{|\}\}|\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The placeholder names used in one argv element, in order. */
export function placeholdersIn(element: string): string[] {
  const names: string[] = [];
  for (const match of element.matchAll(TOKEN)) if (match[1] !== undefined) names.push(match[1]);
  return names;
}

/**
 * Fills an argv template. `{paths}` must be a whole element and becomes one element per path
 * (zero paths: no element), so a file name can never split or join arguments; any other
 * placeholder is replaced inside its element. A placeholder without a value throws: the
 * recipe validator refuses placeholders a command does not get.
 */
export function expandArgv(template: ArgvTemplate, values: PlaceholderValues): string[] {
  const argv: string[] = [];
  for (const element of template) {
    if (element === `{${LIST_PLACEHOLDER}}`) {
      const list = values[LIST_PLACEHOLDER];
      if (list === undefined) throw new TemplateError(`no value for {${LIST_PLACEHOLDER}}`);
      argv.push(...(typeof list === "string" ? [list] : list));
      continue;
    }
    argv.push(
      element.replace(TOKEN, (token, name: string | undefined) => {
        if (name === undefined) return token === "{{" ? "{" : "}";
        if (name === LIST_PLACEHOLDER)
          throw new TemplateError(`{${LIST_PLACEHOLDER}} must be a whole argv element: ${element}`);
        const value = values[name];
        if (value === undefined) throw new TemplateError(`no value for {${name}} in ${element}`);
        if (typeof value !== "string") throw new TemplateError(`{${name}} takes one string`);
        return value;
      }),
    );
  }
  return argv;
}
