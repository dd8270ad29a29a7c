import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { readSchema } from "../../../src/config/schema-check.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Every `properties` entry anywhere in the schema, with its JSON pointer. */
function properties(node: unknown, pointer = ""): Array<[string, Record<string, unknown>]> {
  if (node === null || typeof node !== "object") return [];
  const found: Array<[string, Record<string, unknown>]> = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" && value && typeof value === "object") {
      for (const [name, schema] of Object.entries(value)) {
        found.push([`${pointer}/properties/${name}`, schema as Record<string, unknown>]);
      }
    }
    found.push(...properties(value, `${pointer}/${key}`));
  }
  return found;
}

describe("the config schema", () => {
  const schema = readSchema("autosync");

  test("every property has a description, so docs/config.md explains every key", () => {
    const missing = properties(schema)
      .filter(
        ([, property]) => typeof property.description !== "string" || property.description === "",
      )
      .map(([pointer]) => pointer);
    assert.deepEqual(missing, []);
  });

  test("every object refuses unknown keys, so typos are caught", () => {
    const open: string[] = [];
    const walk = (node: unknown, pointer: string) => {
      if (node === null || typeof node !== "object") return;
      const record = node as Record<string, unknown>;
      if (record.properties && record.additionalProperties !== false) open.push(pointer);
      for (const [key, value] of Object.entries(record)) walk(value, `${pointer}/${key}`);
    };
    walk(schema, "");
    assert.deepEqual(open, []);
  });

  test("a repository accepts every key that defaults accepts", () => {
    const defs = schema.$defs as Record<string, { properties: object }>;
    const repositoryKeys = Object.keys(defs.repository!.properties);
    for (const key of Object.keys(defs.repositorySettings!.properties)) {
      assert.ok(repositoryKeys.includes(key), key);
    }
  });

  test("the generated types and docs/config.md are current (scripts/generate.ts --check)", async () => {
    const tsx = `${root}node_modules/.bin/tsx`;
    const { stdout } = await promisify(execFile)(tsx, ["scripts/generate.ts", "--check"], {
      cwd: root,
    });
    assert.match(stdout, /up to date/);
  });
});

describe("schema hygiene", () => {
  test("both schemas compile under ajv's strict mode (the validator itself runs lenient)", async () => {
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const addFormats = (await import("ajv-formats")).default;
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(readSchema("recipe"));
    assert.doesNotThrow(() => ajv.compile(readSchema("autosync")));
  });
});
