import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { access, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { OperationRequest } from "../../../src/engine/operation.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import type { Recipe } from "../../../src/recipes/recipe.js";
import { processRunner } from "../../../src/runtime/command-runner.js";
import { makeTempDir } from "../../support/temp-dir.js";

// Real hg: a plain repository as the central remote, clones A and B; B pulls from A first.
let home: { dir: string; cleanup: () => Promise<void> };
let recipe: Recipe;

before(async () => {
  home = await makeTempDir("autosync-hg-origin-home-");
  process.env.HOME = home.dir;
  process.env.HGRCPATH = join(home.dir, "hgrc");
  process.env.HGUSER = "autosync test <test@example.invalid>";
  const loaded = await loadRecipe("hg", { baseDir: process.cwd() });
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics));
  recipe = loaded.recipe;
});
after(() => home.cleanup());

const hg = (cwd: string, ...args: string[]) =>
  execFileSync("hg", args, { cwd, encoding: "utf8", env: { ...process.env, HGPLAIN: "1" } });

async function world(t: { after: (fn: () => Promise<void>) => void }) {
  const temp = await makeTempDir("autosync-hg-origin-");
  t.after(temp.cleanup);
  const remote = join(temp.dir, "remote");
  const a = join(temp.dir, "a");
  const b = join(temp.dir, "b");
  hg(temp.dir, "init", remote);
  hg(temp.dir, "clone", "-q", remote, a);
  await writeFile(join(a, "notes.md"), "v1\n");
  hg(a, "add", "-q", "notes.md");
  hg(a, "commit", "-q", "-m", "seed");
  hg(a, "push", "-q");
  hg(temp.dir, "clone", "-q", remote, b);
  const opsB = createOperations({ root: b, recipe, runner: processRunner, host: "b" });
  return { dir: temp.dir, remote, a, b, opsB };
}

function pullFrom(url?: string): OperationRequest {
  return {
    kind: "pull",
    commitMessage: "autosync: local changes before pull",
    host: "b",
    nowMs: Date.UTC(2026, 10, 25, 15, 0, 0),
    ...(url !== undefined ? { origin: { url } } : {}),
  };
}

test("hg: B pulls from A first; with the remote away it still gets A's change", async (t) => {
  const w = await world(t);
  await writeFile(join(w.a, "notes.md"), "v2 from a\n");
  hg(w.a, "commit", "-q", "-m", "v2");
  hg(w.a, "push", "-q");
  await writeFile(join(w.b, "todo.md"), "written on b\n");
  await rename(w.remote, `${w.remote}.away`);
  const offline = await w.opsB.run(pullFrom(w.a));
  assert.equal(offline.outcome, "offline", JSON.stringify(offline));
  assert.equal(await readFile(join(w.b, "notes.md"), "utf8"), "v2 from a\n");
  assert.equal(await readFile(join(w.b, "todo.md"), "utf8"), "written on b\n");
  assert.equal(hg(w.b, "status"), "", "B's edit was committed, not lost");
  assert.ok(offline.outcome === "offline");
  assert.deepEqual(
    offline.localCommit?.entries.map((entry) => entry.path),
    ["todo.md"],
    "the commit made before the remote failed is reported",
  );

  await rename(`${w.remote}.away`, w.remote);
  const pull = await w.opsB.run(pullFrom());
  assert.ok(pull.kind === "pull" && pull.outcome === "up-to-date", JSON.stringify(pull));
  assert.equal(pull.needsPush, true, "the merge made while the remote was away must go up");
  const pushed = await w.opsB.run({ kind: "push" });
  assert.equal(pushed.outcome, "pushed", "B's edit and the merge reach the remote");
  hg(w.a, "pull", "-q", "-u");
  assert.equal(await readFile(join(w.a, "todo.md"), "utf8"), "written on b\n");
});

test("hg: with the remote reachable the origin merge is reported", async (t) => {
  const w = await world(t);
  await writeFile(join(w.a, "notes.md"), "v2\n");
  hg(w.a, "commit", "-q", "-m", "v2");
  hg(w.a, "push", "-q");
  const pull = await w.opsB.run(pullFrom(w.a));
  assert.ok(pull.kind === "pull" && pull.outcome === "updated", JSON.stringify(pull));
  assert.deepEqual(pull.origin, { url: w.a, outcome: "merged" });
  assert.deepEqual(pull.changedPaths, ["notes.md"]);
  assert.equal(await readFile(join(w.b, "notes.md"), "utf8"), "v2\n");
});

test("hg: a hostile pull URL is refused without running anything", async (t) => {
  const w = await world(t);
  await writeFile(join(w.a, "notes.md"), "v2\n");
  hg(w.a, "commit", "-q", "-m", "v2");
  hg(w.a, "push", "-q");
  const marker = join(w.dir, "PWNED");
  const pull = await w.opsB.run(pullFrom(`--config=alias.pull=!touch ${marker}`));
  assert.ok(pull.kind === "pull" && pull.outcome === "updated", JSON.stringify(pull));
  assert.equal(pull.origin?.outcome, "rejected");
  await assert.rejects(access(marker), "nothing ran");
  assert.equal(await readFile(join(w.b, "notes.md"), "utf8"), "v2\n", "the remote still pulled");
});
