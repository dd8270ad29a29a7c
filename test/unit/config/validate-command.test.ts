import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../../../src/cli/run-cli.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { captureIo } from "./cli-io.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

describe("autosync validate", async () => {
  const { dir, cleanup } = await makeTempDir("autosync-validate-");
  after(cleanup);
  const env = { HOME: dir, PATH: process.env.PATH };
  const validate = async (args: string[], cwd = dir, extraEnv: NodeJS.ProcessEnv = {}) => {
    const io = captureIo(cwd, { ...env, ...extraEnv });
    const code = await runCli(["validate", ...args], io);
    return { code, out: io.out(), err: io.err() };
  };

  test("the documented example config validates (warnings only: no ~/notes here)", async () => {
    const { code, out } = await validate([join(repoRoot, "autosync.config.yaml")]);
    assert.equal(code, 0, out);
    assert.match(out, /autosync\.config\.yaml: valid config/);
    assert.doesNotMatch(out, /^(?!warning)\S.*\(.*:\d+:\d+\)$/m, "no errors");
  });

  test("the example config fails under --strict only because of machine warnings", async () => {
    const { code, out } = await validate([
      join(repoRoot, "autosync.config.yaml"),
      "--strict",
      "--format",
      "json",
    ]);
    assert.equal(code, 1);
    const report = JSON.parse(out) as { valid: boolean; diagnostics: Array<{ keyPath: string }> };
    assert.equal(report.valid, false);
    assert.deepEqual(report.diagnostics.map((d) => d.keyPath).sort(), [
      "channels.secret",
      "channels.xmpp.password",
      "repositories[0].path",
    ]);
  });

  test("the three built-in recipes validate", async () => {
    const recipes = ["git", "hg", "bzr"].map((name) => join(repoRoot, "recipes", `${name}.yaml`));
    const { code, out } = await validate(recipes);
    assert.equal(code, 0, out);
    assert.equal(out.match(/valid recipe/g)?.length, 3);
  });

  test("a broken config exits 1 with one line per problem in the documented format", async () => {
    await writeFile(
      join(dir, "broken.yaml"),
      "version: 1\nrepositories:\n  - path: .\n    timers:\n      commitDelay: soon\n    recipe: gti\n",
    );
    const { code, out } = await validate(["broken.yaml"]);
    assert.equal(code, 1);
    assert.equal(
      out.split("\n")[0],
      "repositories[0].timers.commitDelay: expected a duration such as '2s' or '500ms', got 'soon' (broken.yaml:5:20)",
    );
    // The schema error does not hide the unknown recipe: every problem at once.
    assert.match(
      out,
      /^repositories\[0\]\.recipe: .* got 'gti'; did you mean 'git'\? \(broken\.yaml:6:13\)$/m,
    );
    assert.match(out, /broken\.yaml: invalid config \(2 errors\)/);
  });

  test("--format json gives every field CI annotations need", async () => {
    const { code, out } = await validate(["broken.yaml", "--format=json"]);
    assert.equal(code, 1);
    const report = JSON.parse(out);
    report.diagnostics = report.diagnostics.slice(0, 1);
    assert.deepEqual(report, {
      valid: false,
      diagnostics: [
        {
          severity: "error",
          file: "broken.yaml",
          line: 5,
          column: 20,
          keyPath: "repositories[0].timers.commitDelay",
          expected: "a duration such as '2s' or '500ms'",
          found: "'soon'",
          hint: null,
          message:
            "repositories[0].timers.commitDelay: expected a duration such as '2s' or '500ms', got 'soon'",
        },
      ],
    });
  });

  test("a recipe file with a forbidden placeholder is an error at the element", async () => {
    const git = (await import("node:fs/promises")).readFile(
      join(repoRoot, "recipes", "git.yaml"),
      "utf8",
    );
    const text = (await git).replace(
      /^ {2}commit: \[(.*)\]$/m,
      (_line, inner: string) => `  commit: [${inner}, "{paths}x"]`,
    );
    await writeFile(join(dir, "my-recipe.yaml"), text);
    const { code, out } = await validate(["my-recipe.yaml"]);
    assert.equal(code, 1, out);
    assert.match(
      out,
      /^commands\.commit\[\d+\]: expected .* got \{paths\} \(my-recipe\.yaml:\d+:\d+\)$/m,
    );
  });

  test("no file given: the config found from cwd; none found is exit 1 with a hint", async () => {
    const project = join(dir, "project");
    await mkdir(join(project, ".git"), { recursive: true });
    await writeFile(join(project, ".autosyncrc.yaml"), "version: 1\nrepositories: [{ path: . }]\n");
    const found = await validate([], project);
    assert.equal(found.code, 0, found.out);
    assert.match(found.out, /\.autosyncrc\.yaml: valid config$/m);

    const empty = join(dir, "nothing-here");
    await mkdir(empty);
    const none = await validate([], empty, { HOME: empty });
    assert.equal(none.code, 1);
    assert.match(none.out, /autosync init/);
  });

  test("usage errors exit 2", async () => {
    assert.equal((await validate(["--bogus"])).code, 2);
    assert.equal((await validate(["--format", "xml"])).code, 2);
  });

  test("bad YAML is a positioned diagnostic, not a stack trace", async () => {
    await writeFile(join(dir, "syntax.yaml"), "version: 1\nrepositories:\n  - path: 'unclosed\n");
    const { code, out, err } = await validate(["syntax.yaml"]);
    assert.equal(code, 1);
    assert.equal(err, "");
    assert.match(out, /expected valid YAML or JSON syntax, got .* \(syntax\.yaml:\d+:\d+\)/);
    assert.doesNotMatch(out, /\n\s+at /);
  });
});
