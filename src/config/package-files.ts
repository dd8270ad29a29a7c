import { fileURLToPath } from "node:url";

/**
 * The package root, found from this module: src/config/ under tsx and dist/config/ after the
 * build are both two levels below it, and `files` in package.json ships schemas/ and recipes/.
 */
export const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

export const schemaFile = (name: "autosync" | "recipe"): string =>
  fileURLToPath(new URL(`../../schemas/${name}.schema.json`, import.meta.url));

export const builtinRecipeFile = (name: string): string =>
  fileURLToPath(new URL(`../../recipes/${name}.yaml`, import.meta.url));
