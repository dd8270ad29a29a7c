import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "../../../src/cli/run-cli.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { captureIo } from "./cli-io.js";

interface JsonDiagnostic {
  severity: string;
  file: string;
  line: number | null;
  column: number | null;
  keyPath: string;
  expected: string;
  found: string | null;
  hint: string | null;
  message: string;
}

describe("a config with schema errors also reports its watch roots", async () => {
  const { dir, cleanup } = await makeTempDir("autosync-validate-roots-");
  after(cleanup);
  const env = { HOME: dir, PATH: process.env.PATH };
  const cli = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const io = captureIo(dir, { ...env, ...extraEnv });
    const code = await runCli(args, io);
    return { code, out: io.out(), err: io.err() };
  };

  // Line 5 is the schema error; lines 6 and 7 are roots that are missing / not a working copy;
  // line 8 is a working copy that is fine.
  await mkdir(join(dir, "plain-dir"));
  await mkdir(join(dir, "good", ".git"), { recursive: true });
  await writeFile(
    join(dir, "two-kinds.yaml"),
    [
      "version: 1",
      "defaults:",
      "  recipe: git",
      "  timers:",
      "    commitDelay: soon",
      "repositories:",
      "  - { path: ./missing-root }",
      "  - { path: ./plain-dir }",
      "  - { path: ./good }",
      "",
    ].join("\n"),
  );
  const missing = join(dir, "missing-root");
  const plain = join(dir, "plain-dir");

  test("validate --strict lists the schema error and both root problems in one run, exit 1", async () => {
    const { code, out, err } = await cli(["validate", "--strict", "two-kinds.yaml"]);
    assert.equal(code, 1, out);
    assert.equal(err, "");
    const lines = out.trimEnd().split("\n");
    assert.deepEqual(lines, [
      "defaults.timers.commitDelay: expected a duration such as '2s' or '500ms', got 'soon' (two-kinds.yaml:5:18)",
      `repositories[0].path: expected an existing directory (the working copy to watch), got no such directory: ${missing}; create it with git clone <remote> <path> (or git init), or fix the path (two-kinds.yaml:7:13)`,
      `repositories[1].path: expected a git working copy (.git at its root), got no .git in ${plain}; clone or init it with git clone <remote> <path> (or git init), or choose the recipe that matches it (two-kinds.yaml:8:13)`,
      "two-kinds.yaml: invalid config (3 errors)",
    ]);
  });

  test("--format json carries both kinds with the same fields and positions", async () => {
    const { code, out } = await cli(["validate", "--strict", "--format", "json", "two-kinds.yaml"]);
    assert.equal(code, 1);
    const report = JSON.parse(out) as { valid: boolean; diagnostics: JsonDiagnostic[] };
    assert.equal(report.valid, false);
    assert.deepEqual(
      report.diagnostics.map((d) => [d.severity, d.keyPath, d.line, d.column]),
      [
        ["error", "defaults.timers.commitDelay", 5, 18],
        ["error", "repositories[0].path", 7, 13],
        ["error", "repositories[1].path", 8, 13],
      ],
    );
    for (const d of report.diagnostics) {
      assert.deepEqual(Object.keys(d), [
        "severity",
        "file",
        "line",
        "column",
        "keyPath",
        "expected",
        "found",
        "hint",
        "message",
      ]);
      assert.equal(d.file, "two-kinds.yaml");
    }
  });

  test("without --strict the root problems come as warnings beside the schema error", async () => {
    const { code, out } = await cli(["validate", "two-kinds.yaml"]);
    assert.equal(code, 1, out);
    assert.match(out, /^defaults\.timers\.commitDelay: .* \(two-kinds\.yaml:5:18\)$/m);
    assert.match(
      out,
      /^warning: repositories\[0\]\.path: .*no such directory.* \(two-kinds\.yaml:7:13\)$/m,
    );
    assert.match(
      out,
      /^warning: repositories\[1\]\.path: .*no \.git in .* \(two-kinds\.yaml:8:13\)$/m,
    );
    assert.match(out, /two-kinds\.yaml: invalid config \(1 error, 2 warnings\)/);
  });

  test("autosync run refuses such a config naming the schema error and the roots together", async () => {
    const { code, err } = await cli(["run", "--config", "two-kinds.yaml", "--no-tui"]);
    assert.equal(code, 1);
    assert.match(err, /^defaults\.timers\.commitDelay: .* \(two-kinds\.yaml:5:18\)$/m);
    assert.match(err, /^repositories\[0\]\.path: .*no such directory.* \(two-kinds\.yaml:7:13\)$/m);
    assert.match(err, /^repositories\[1\]\.path: .*no \.git in .* \(two-kinds\.yaml:8:13\)$/m);
  });

  test("an entry whose path cannot be resolved is not root-checked", async () => {
    await writeFile(
      join(dir, "unresolvable.yaml"),
      [
        "version: 1",
        "repositories:",
        "  - { path: 42 }",
        "  - { path: $AUTOSYNC_TEST_UNSET/notes }",
        "  - { path: ./missing-root, recipe: gti }",
        "",
      ].join("\n"),
    );
    const { code, out } = await cli(["validate", "--strict", "unresolvable.yaml"]);
    assert.equal(code, 1, out);
    // The wrong type, the unset variable and the unknown recipe; no "no such directory" line:
    // neither a number, nor a path with a hole in it, nor a root without a recipe is checked.
    assert.match(
      out,
      /^repositories\[0\]\.path: expected a string.* \(unresolvable\.yaml:3:13\)$/m,
    );
    assert.match(
      out,
      /^repositories\[1\]\.path: .*AUTOSYNC_TEST_UNSET.* \(unresolvable\.yaml:4:13\)$/m,
    );
    assert.match(out, /^repositories\[2\]\.recipe: .*'gti'.* \(unresolvable\.yaml:5:37\)$/m);
    assert.doesNotMatch(out, /no such directory/);
  });
});
