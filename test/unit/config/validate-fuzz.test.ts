import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { runCli } from "../../../src/cli/run-cli.js";
import { seededRandom } from "../../support/seeded-random.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { captureIo } from "./cli-io.js";

const example = fileURLToPath(new URL("../../../autosync.config.yaml", import.meta.url));
const gitRecipe = fileURLToPath(new URL("../../../recipes/git.yaml", import.meta.url));
const DOCUMENTS = 3000;
const SEED = Number(process.env.AUTOSYNC_FUZZ_SEED ?? 20261125);

const SWAPS = [
  "[]",
  "{}",
  "123",
  "-1",
  "true",
  "null",
  "''",
  "~",
  "[a, [b]]",
  "{ x: 1 }",
  "soon",
  "0.5",
  "*a",
  "&a x",
  "!!binary AAAA",
  "'50%'",
  "1e400",
];
const TOKENS = [
  "version",
  "repositories",
  "path",
  ":",
  " ",
  "\n",
  "  ",
  "-",
  "[",
  "]",
  "{",
  "}",
  ",",
  "'",
  '"',
  "#",
  "&x",
  "*x",
  "!tag",
  "|",
  ">",
  "?",
  "%YAML 1.2",
  "---",
  "...",
  "\t",
  "\u0000",
  "\ufeff",
  "é",
  "😀",
  "timers",
  "commitDelay",
  "2s",
  "<<",
  "@",
  "`",
];

function mutate(text: string, next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const lines = text.split("\n");
  const at = Math.floor(next() * lines.length);
  switch (Math.floor(next() * 10)) {
    case 0: // delete a line (removes keys, breaks structure)
      lines.splice(at, 1);
      return lines.join("\n");
    case 1: // swap a value for one of another type
      lines[at] = lines[at]!.replace(/:\s.*$/, `: ${pick(SWAPS)}`);
      return lines.join("\n");
    case 2: // duplicate a line: duplicate keys, doubled list items
      lines.splice(at, 0, lines[at]!);
      return lines.join("\n");
    case 3: {
      // random bytes
      const offset = Math.floor(next() * text.length);
      const bytes = Array.from({ length: 1 + Math.floor(next() * 8) }, () =>
        String.fromCharCode(Math.floor(next() * 0x2ff)),
      );
      return text.slice(0, offset) + bytes.join("") + text.slice(offset);
    }
    case 4: // truncate
      return text.slice(0, Math.floor(next() * text.length));
    case 5: // re-indent one line
      lines[at] = " ".repeat(Math.floor(next() * 7)) + lines[at]!.trimStart();
      return lines.join("\n");
    case 6: // token soup
      return Array.from({ length: 5 + Math.floor(next() * 60) }, () => pick(TOKENS)).join("");
    case 7: // deep nesting
      return next() < 0.5
        ? `version: 1\nrepositories: ${"[".repeat(200 + Math.floor(next() * 800))}`
        : `version: 1\nrepositories:\n${Array.from({ length: 100 + Math.floor(next() * 100) }, (_, i) => `${" ".repeat(i * 2)}- a:`).join("\n")}`;
    case 8: {
      // alias bombs and merge keys
      const width = 2 + Math.floor(next() * 10);
      const refs = (name: string) =>
        `[${Array.from({ length: width }, () => `*${name}`).join(", ")}]`;
      return [
        `a: &a [x, x, x, x, x, x, x, x, x, x]`,
        `b: &b ${refs("a")}`,
        `c: &c ${refs("b")}`,
        `d: &d ${refs("c")}`,
        `e: &e ${refs("d")}`,
        `version: 1`,
        `repositories: [{ <<: {path: x}, path: *e }]`,
      ].join("\n");
    }
    default: // the config as JSON, with one value replaced
      try {
        const value = parse(text, { logLevel: "silent", maxAliasCount: 50 }) as Record<
          string,
          unknown
        >;
        const keys = Object.keys(value ?? {});
        if (keys.length > 0)
          value[pick(keys)] = JSON.parse(
            pick(["[]", "{}", "1", "true", "null", '"x"', '[{"path": 1}]']),
          );
        return JSON.stringify(value, null, next() < 0.5 ? 2 : 0);
      } catch {
        return "{";
      }
  }
}

test(`validate survives ${DOCUMENTS} random and mutated documents with exit 0 or 1 and a message`, async () => {
  const { dir, cleanup } = await makeTempDir("autosync-fuzz-");
  after(cleanup);
  const seeds = [await readFile(example, "utf8"), await readFile(gitRecipe, "utf8")];
  const next = seededRandom(SEED);
  const file = join(dir, "fuzz.yaml");
  const codes = { 0: 0, 1: 0 };
  for (let index = 0; index < DOCUMENTS; index++) {
    let text = seeds[index % 7 === 0 ? 1 : 0]!;
    const rounds = 1 + Math.floor(next() * 3);
    for (let round = 0; round < rounds; round++) text = mutate(text, next);
    await writeFile(file, text);
    const io = captureIo(dir, { HOME: dir });
    const json = index % 5 === 0;
    let code: number;
    try {
      code = await runCli(["validate", file, ...(json ? ["--format", "json"] : [])], io);
    } catch (error) {
      assert.fail(
        `document ${index} (seed ${SEED}) threw ${String(error)}:\n${text.slice(0, 2000)}`,
      );
    }
    assert.ok(code === 0 || code === 1, `document ${index}: exit ${code}\n${io.err()}`);
    assert.equal(io.err(), "", `document ${index}: stderr`);
    if (json) {
      const report = JSON.parse(io.out()) as { valid: boolean; diagnostics: unknown[] };
      assert.equal(report.valid, code === 0, `document ${index}: verdict`);
      if (code === 1) assert.ok(report.diagnostics.length > 0, `document ${index}: no reason`);
    } else {
      assert.match(io.out(), /: (valid|invalid) (config|recipe)/, `document ${index}: no verdict`);
      if (code === 1) assert.match(io.out(), /expected /, `document ${index}: no reason`);
    }
    codes[code]++;
  }
  // A fuzzer that never produced a valid or never an invalid document tested little.
  assert.ok(codes[0] > 0 && codes[1] > 0, JSON.stringify(codes));
});
