import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findConfig, SEARCH_PLACES } from "../../../src/config/find-config.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { makeTempDir } from "../../support/temp-dir.js";

const yamlConfig = "version: 1\nrepositories: [{ path: ., name: found }]\n";
const jsonConfig = JSON.stringify({ version: 1, repositories: [{ path: ".", name: "found" }] });

describe("finding the config", async () => {
  const { dir, cleanup } = await makeTempDir("autosync-find-");
  after(cleanup);

  for (const place of SEARCH_PLACES) {
    test(`${place} is found from a subdirectory`, async () => {
      const project = join(dir, place.replace(/\W/g, "_"));
      const nested = join(project, "a", "b");
      await mkdir(nested, { recursive: true });
      const content =
        place === "package.json"
          ? JSON.stringify({ name: "x", autosync: JSON.parse(jsonConfig) })
          : place.endsWith(".json")
            ? jsonConfig
            : yamlConfig;
      await writeFile(join(project, place), content);
      const found = await findConfig({ cwd: nested, env: { HOME: dir } });
      assert.equal(found?.file, join(project, place));
      const loaded = await loadConfig({ cwd: nested, env: { HOME: dir }, rootChecks: "off" });
      assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics));
      assert.equal(loaded.config.repositories[0]!.name, "found");
      assert.equal(loaded.config.repositories[0]!.path, project);
    });
  }

  test("a package.json without an autosync key is passed over", async () => {
    const project = join(dir, "pkg-without-key");
    await mkdir(join(project, "sub"), { recursive: true });
    await writeFile(join(project, "autosync.config.yaml"), yamlConfig);
    await writeFile(join(project, "sub", "package.json"), '{ "name": "other" }');
    const found = await findConfig({ cwd: join(project, "sub"), env: { HOME: dir } });
    assert.equal(found?.file, join(project, "autosync.config.yaml"));
  });

  test("positions in package.json#autosync point into package.json", async () => {
    const project = join(dir, "pkg-positions");
    await mkdir(project, { recursive: true });
    await writeFile(
      join(project, "package.json"),
      '{\n  "name": "x",\n  "autosync": {\n    "version": 1,\n    "repositories": [{ "path": ".", "timers": { "commitDelay": "soon" } }]\n  }\n}\n',
    );
    const result = await loadConfig({ cwd: project, env: { HOME: dir } });
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.file, d.line, d.column, d.keyPath]),
      // The schema error, and the root (no .git there), reported with it: both placed in it.
      [
        ["package.json", 5, 64, "repositories[0].timers.commitDelay"],
        ["package.json", 5, 32, "repositories[0].path"],
      ],
    );
  });

  test("--config loads exactly that file, relative to cwd", async () => {
    const other = join(dir, "elsewhere");
    await mkdir(other, { recursive: true });
    await writeFile(join(other, "my.yaml"), yamlConfig.replace("found", "explicit"));
    const result = await loadConfig({
      configPath: "elsewhere/my.yaml",
      cwd: dir,
      env: { HOME: dir },
      rootChecks: "off",
    });
    assert.ok(result.ok);
    assert.equal(result.config.file, join(other, "my.yaml"));
    assert.equal(result.config.repositories[0]!.name, "explicit");
  });

  test("a missing --config file and no config at all are diagnostics, not exceptions", async () => {
    const missing = await loadConfig({ configPath: "nope.yaml", cwd: dir, env: { HOME: dir } });
    assert.equal(missing.ok, false);
    assert.equal(missing.diagnostics[0]!.found, "ENOENT");
    const empty = join(dir, "empty-project");
    await mkdir(empty, { recursive: true });
    const none = await loadConfig({ cwd: empty, env: { HOME: empty } });
    assert.equal(none.ok, false);
    assert.match(none.diagnostics[0]!.hint!, /autosync init/);
    await rm(empty, { recursive: true });
  });
});
