import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { execa } from "execa";
import { RecipeCommands } from "../../../src/operations/recipe-commands.js";
import { RepoHistory } from "../../../src/operations/repo-history.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import { processRunner } from "../../../src/runtime/command-runner.js";
import { holdTreeLock } from "../../support/bzr-tree-lock.js";
import { makeTempDir } from "../../support/temp-dir.js";

/**
 * `autosync history` and `restore` read brz while a running daemon's status check holds the
 * working tree's lock (brz does not wait for it, even to read): the read waits its turn instead
 * of failing.
 */

const FILE = "-notes é 1.md";
const ENV = { LC_ALL: "C.UTF-8", LANGUAGE: "C", BRZ_PROGRESS_BAR: "none", BRZ_EMAIL: "a <a@b.c>" };

test("brz history and a file's old bytes are read while another process holds the tree lock", async (t) => {
  const { dir: root, cleanup } = await makeTempDir("autosync-bzr-locked-");
  t.after(cleanup);
  const brz = async (...args: string[]) => {
    const result = await execa("brz", args, { cwd: root, env: ENV, reject: false });
    assert.equal(result.exitCode, 0, result.stderr);
  };
  await brz("init", "-q", ".");
  await writeFile(join(root, FILE), "first\n");
  await brz("add", "-q", "--", FILE);
  await brz("commit", "-q", "-m", "first");
  await writeFile(join(root, FILE), "second\n");
  await brz("commit", "-q", "-m", "second");

  const loaded = await loadRecipe("bzr", { baseDir: root });
  assert.ok(loaded.ok);
  const history = new RepoHistory(
    new RecipeCommands({ root, recipe: loaded.recipe, runner: processRunner }),
  );

  // `--limit 1` is honoured: a log that gave up on the lock fell back to reading everything.
  const first = await holdTreeLock(root, 1500);
  const newest = await history.log([FILE], 1);
  assert.deepEqual(
    newest.map((entry) => entry.message.trim()),
    ["second"],
  );
  await first.released;
  const entries = await history.log([FILE]);
  const oldest = entries.at(-1);
  assert.equal(oldest?.message.trim(), "first");
  await holdTreeLock(root, 1500);
  const bytes = await history.content(oldest.id, FILE);
  assert.equal(Buffer.from(bytes ?? []).toString("utf8"), "first\n");
});
