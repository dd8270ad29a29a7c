/**
 * Generates everything that derives from the JSON Schemas (the one source of config and recipe
 * types, issue 3): src/config/config-types.generated.ts, src/recipes/recipe-types.generated.ts
 * and docs/config.md. `--check` writes nothing and exits 1 naming each stale file (CI).
 *
 *   npm run gen          # write
 *   npm run gen:check    # verify
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compile } from "json-schema-to-typescript";
import type { JSONSchema4 } from "json-schema";
import { renderConfigReference } from "./config-reference.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const at = (path: string) => `${root}${path}`;

type Schema = Record<string, unknown>;

async function readSchema(name: string): Promise<Schema> {
  return JSON.parse(await readFile(at(`schemas/${name}.schema.json`), "utf8")) as Schema;
}

/**
 * The config schema refers into the recipe schema (`recipe.schema.json#/$defs/pipeline`). The
 * type generator would resolve that against `$id` over the network; instead both are bundled
 * into one document with the recipe's definitions under `recipe_<name>`.
 */
export function bundleConfigSchema(config: Schema, recipe: Schema): Schema {
  const rewrite = (node: unknown, local: (ref: string) => string): unknown => {
    if (Array.isArray(node)) return node.map((item) => rewrite(item, local));
    if (node === null || typeof node !== "object") return node;
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = key === "$ref" && typeof value === "string" ? local(value) : rewrite(value, local);
    }
    return out;
  };
  const recipeDefs = (recipe.$defs ?? {}) as Record<string, unknown>;
  const bundled = rewrite(config, (ref) =>
    ref.replace(/^recipe\.schema\.json#\/\$defs\//, "#/$defs/recipe_"),
  ) as Schema;
  const defs = { ...((bundled.$defs ?? {}) as Schema) };
  for (const [name, definition] of Object.entries(recipeDefs)) {
    defs[`recipe_${name}`] = rewrite(definition, (ref) =>
      ref.replace(/^#\/\$defs\//, "#/$defs/recipe_"),
    );
  }
  return { ...bundled, $defs: defs };
}

const banner = (source: string) =>
  `// Generated from ${source} by scripts/generate.ts (npm run gen). Do not edit by hand.`;

async function generateTypes(schema: Schema, name: string, source: string): Promise<string> {
  const { $id: _id, ...withoutId } = schema;
  return compile(withoutId as JSONSchema4, name, {
    bannerComment: banner(source),
    cwd: at("schemas"),
    declareExternallyReferenced: true,
    additionalProperties: false,
    style: { printWidth: 100 },
  });
}

async function main(): Promise<number> {
  const check = process.argv.includes("--check");
  const config = await readSchema("autosync");
  const recipe = await readSchema("recipe");
  const outputs: Array<[string, string]> = [
    [
      "src/config/config-types.generated.ts",
      await generateTypes(
        bundleConfigSchema(config, recipe),
        "AutosyncConfig",
        "schemas/autosync.schema.json",
      ),
    ],
    [
      "src/recipes/recipe-types.generated.ts",
      await generateTypes(recipe, "Recipe", "schemas/recipe.schema.json"),
    ],
    ["docs/config.md", renderConfigReference(config, recipe)],
  ];
  const stale: string[] = [];
  for (const [path, content] of outputs) {
    const current = await readFile(at(path), "utf8").catch(() => undefined);
    if (current === content) continue;
    if (check) stale.push(path);
    else {
      await writeFile(at(path), content);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
  if (stale.length > 0) {
    process.stderr.write(
      `Generated files are out of date with schemas/:\n${stale.map((p) => `  ${p}\n`).join("")}` +
        "Run `npm run gen` and commit the result.\n",
    );
    return 1;
  }
  if (check) process.stdout.write("generated files are up to date\n");
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
