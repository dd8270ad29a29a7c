import { after, before, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createOperations } from "../../../src/operations/create-operations.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import type { Recipe } from "../../../src/recipes/recipe.js";
import { processRunner } from "../../../src/runtime/command-runner.js";
import { makeTempDir } from "../../support/temp-dir.js";

// brz commit takes its file list only as arguments: a list too long for one command line must
// still commit exactly the listed files, never the whole tree.
let home: { dir: string; cleanup: () => Promise<void> };
let recipe: Recipe;

before(async () => {
  home = await makeTempDir("autosync-bzr-large-home-");
  process.env.HOME = home.dir;
  process.env.BRZ_EMAIL = "autosync test <test@example.invalid>";
  const loaded = await loadRecipe("bzr", { baseDir: process.cwd() });
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics));
  recipe = loaded.recipe;
});
after(() => home.cleanup());

const brz = (cwd: string, ...args: string[]) =>
  execFileSync("brz", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C.UTF-8", BRZ_PROGRESS_BAR: "none" },
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });

/** A branch with one committed seed file and 3,600 new files (~350 KB of path arguments). */
async function manyNewFiles(t: TestContext): Promise<{ root: string; paths: string[] }> {
  const temp = await makeTempDir("autosync-bzr-large-");
  t.after(temp.cleanup);
  const root = join(temp.dir, "work");
  brz(temp.dir, "init", "-q", root);
  await writeFile(join(root, "seed.txt"), "seed\n");
  brz(root, "add", "-q", "seed.txt");
  brz(root, "commit", "-q", "-m", "seed");

  // 3,600 files of ~97-byte paths in new directories.
  const long = "a-rather-long-directory-name-so-that-paths-add-up-quickly-";
  const paths: string[] = [];
  for (let dir = 0; dir < 36; dir++) {
    const folder = `${long}${String(dir).padStart(2, "0")}`;
    await mkdir(join(root, folder));
    for (let file = 0; file < 100; file++) {
      const name = `${folder}/note ${String(file).padStart(3, "0")} with a long-ish name é.md`;
      await writeFile(join(root, name), `${file}\n`);
      paths.push(name);
    }
  }
  const argvBytes = paths.reduce((sum, path) => sum + Buffer.byteLength(path) + 1, 0);
  assert.ok(argvBytes > 300 * 1024, `the list must exceed one commit's argv (${argvBytes} B)`);
  return { root, paths };
}

const versionedFiles = (root: string) =>
  brz(root, "ls", "--recursive", "--versioned", "--kind=file", "--null")
    .split("\0")
    .filter(Boolean);

test("brz: a commit of more paths than one command line holds takes exactly those paths", async (t) => {
  const { root, paths } = await manyNewFiles(t);
  // Changed but not in what the engine asked to commit (a large file it leaves out): a
  // whole-tree commit would take it.
  await writeFile(join(root, "seed.txt"), "changed, left out\n");

  const ops = createOperations({ root, recipe, runner: processRunner, host: "h" });
  const entries = paths.map((path) => ({ path, action: "added" as const }));
  const result = await ops.run({ kind: "commit", entries, message: "many files" });
  assert.equal(result.outcome, "committed", JSON.stringify(result).slice(0, 500));
  assert.ok(result.kind === "commit" && result.outcome === "committed");
  assert.equal(result.entries.length, paths.length);

  assert.equal(versionedFiles(root).length, paths.length + 1, "every listed file and the seed");
  assert.equal(
    brz(root, "status", "--short", "--versioned").trim(),
    "M  seed.txt",
    "every listed file committed; the unlisted change is still only on disk",
  );
  assert.equal(brz(root, "cat", "seed.txt"), "seed\n");
});

test("brz: when a later commit batch fails, the earlier batch's commit is reported with the failure and the rest stays to commit", async (t) => {
  const { root, paths } = await manyNewFiles(t);
  const ops = createOperations({ root, recipe, runner: processRunner, host: "h" });
  // A name brz has never versioned, listed as modified: brz refuses the batch that holds it
  // ("not versioned"), the last one.
  const entries = [
    ...paths.map((path) => ({ path, action: "added" as const })),
    { path: "never-versioned.md", action: "modified" as const },
  ];
  const result = await ops.run({ kind: "commit", entries, message: "many files" });
  assert.equal(result.outcome, "failed", JSON.stringify(result).slice(0, 500));
  assert.ok(result.outcome === "failed" && result.localCommit, "the first batch is reported");
  const { head, entries: made } = result.localCommit;
  assert.ok(made.length > 0 && made.length < paths.length, `one batch of ${made.length}`);
  assert.deepEqual(
    made.map((entry) => entry.path),
    paths.slice(0, made.length),
  );
  assert.equal(brz(root, "revision-info").trim().split(/\s+/).at(-1), head);
  assert.equal(brz(root, "log", "--line", "-r", "-1").includes("many files"), true);
  const committedFiles = brz(root, "ls", "--recursive", "-r", "-1", "--kind=file", "--null")
    .split("\0")
    .filter(Boolean);
  assert.equal(committedFiles.length, made.length + 1, "that batch and the seed are committed");
  const added = brz(root, "status", "--short")
    .split("\n")
    .filter((line) => line.startsWith("+N") && line.endsWith(".md")); // directories are listed too
  assert.equal(added.length, paths.length - made.length, "the rest is added, still to commit");
  assert.equal(versionedFiles(root).length, paths.length + 1);
});
