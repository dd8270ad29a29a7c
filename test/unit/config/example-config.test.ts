import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { readSchema } from "../../../src/config/schema-check.js";

const exampleUrl = new URL("../../../autosync.config.yaml", import.meta.url);

type Schema = { properties?: Record<string, Schema>; $ref?: string; items?: Schema };

/** Key paths of the schema's objects (`channels.xmpp.jid`), following local `$ref`s. */
function keyPaths(schema: Schema, defs: Record<string, Schema>, prefix = ""): string[] {
  const resolved = schema.$ref?.startsWith("#/$defs/") ? defs[schema.$ref.slice(8)]! : schema;
  const paths: string[] = [];
  for (const [key, child] of Object.entries(resolved.properties ?? {})) {
    if (key === "$schema") continue;
    const path = prefix ? `${prefix}.${key}` : key;
    paths.push(path, ...keyPaths(child, defs, path));
  }
  return paths;
}

function has(value: unknown, path: string): boolean {
  let node = value;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object" || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

test("the example config uses every key of the schema", async () => {
  const schema = readSchema("autosync") as Schema & { $defs: Record<string, Schema> };
  const example = parse(await readFile(exampleUrl, "utf8")) as Record<string, unknown>;
  const repositoryOnly = ["path", "name", "repositoryId", "pullUrl"];
  const missing = keyPaths(schema, schema.$defs)
    .filter((path) => !path.startsWith("repositories"))
    .filter((path) => !has(example, path));
  const repository = (example.repositories as unknown[])[0];
  missing.push(
    ...repositoryOnly.filter((key) => !has(repository, key)).map((key) => `repositories[0].${key}`),
  );
  assert.deepEqual(missing, []);
});

test("every key in the example config has a comment on its line or just above", async () => {
  const lines = (await readFile(exampleUrl, "utf8")).split("\n");
  const uncommented = lines.flatMap((line, index) => {
    if (!/^\s*(- )?[A-Za-z$][\w]*:/.test(line) || line.includes("#")) return [];
    const above = lines
      .slice(0, index)
      .reverse()
      .find((previous) => previous.trim() !== "");
    return above?.trim().startsWith("#") ? [] : [`${index + 1}: ${line}`];
  });
  assert.deepEqual(uncommented, []);
});
