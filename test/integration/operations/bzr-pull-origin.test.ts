import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { access, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { OperationRequest } from "../../../src/engine/operation.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import type { Recipe } from "../../../src/recipes/recipe.js";
import { processRunner } from "../../../src/runtime/command-runner.js";
import { makeTempDir } from "../../support/temp-dir.js";

// Real brz: a tree-less central branch, standalone branches A and B made from it; B fetches from
// A's own branch first (peers.pullFromOrigin), then from its parent as always.
let home: { dir: string; cleanup: () => Promise<void> };
let recipe: Recipe;

before(async () => {
  home = await makeTempDir("autosync-bzr-origin-home-");
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
  });

async function world(t: { after: (fn: () => Promise<void>) => void }) {
  const temp = await makeTempDir("autosync-bzr-origin-");
  t.after(temp.cleanup);
  const central = join(temp.dir, "central");
  const a = join(temp.dir, "a");
  const b = join(temp.dir, "b");
  brz(temp.dir, "init", "-q", "--no-tree", central);
  brz(temp.dir, "branch", "-q", central, a);
  await writeFile(join(a, "notes.md"), "v1\n");
  brz(a, "add", "-q", "notes.md");
  brz(a, "commit", "-q", "-m", "seed");
  brz(a, "push", "-q", ":parent");
  brz(temp.dir, "branch", "-q", central, b);
  const opsB = createOperations({ root: b, recipe, runner: processRunner, host: "b" });
  return { dir: temp.dir, central, a, b, opsB };
}

/** A commit in A, pushed to the central branch unless `push` is false. */
async function editInA(a: string, content: string, { push = true } = {}) {
  await writeFile(join(a, "notes.md"), content);
  brz(a, "commit", "-q", "-m", content.trim());
  if (push) brz(a, "push", "-q", ":parent");
}

const tipOf = (branch: string) => brz(branch, "revision-info").trim().split(/\s+/)[1] ?? "";

function pullFrom(url?: string, head?: string): OperationRequest {
  return {
    kind: "pull",
    commitMessage: "autosync: local changes before pull",
    host: "b",
    nowMs: Date.UTC(2026, 10, 25, 15, 0, 0),
    ...(url !== undefined ? { origin: { url, ...(head !== undefined ? { head } : {}) } } : {}),
  };
}

test("brz: B pulls from A first; with the parent away it still gets A's change, then converges", async (t) => {
  const w = await world(t);
  await editInA(w.a, "v2 from a\n");
  await writeFile(join(w.b, "todo.md"), "written on b\n");
  await rename(w.central, `${w.central}.away`);
  const offline = await w.opsB.run(pullFrom(w.a));
  assert.equal(offline.outcome, "offline", JSON.stringify(offline));
  assert.equal(await readFile(join(w.b, "notes.md"), "utf8"), "v2 from a\n");
  assert.equal(await readFile(join(w.b, "todo.md"), "utf8"), "written on b\n");
  assert.equal(brz(w.b, "status", "--short"), "", "B's edit was committed, not lost");
  assert.ok(offline.outcome === "offline");
  assert.deepEqual(
    offline.localCommit?.entries.map((entry) => entry.path),
    ["todo.md"],
    "the commit made before the remote failed is reported",
  );

  await rename(`${w.central}.away`, w.central);
  const pull = await w.opsB.run(pullFrom());
  assert.ok(pull.kind === "pull" && pull.outcome === "up-to-date", JSON.stringify(pull));
  assert.equal(pull.needsPush, true, "the merge made while the parent was away must go up");
  const pushed = await w.opsB.run({ kind: "push" });
  assert.equal(pushed.outcome, "pushed", "B's edit and the merge reach the parent");
  brz(w.a, "pull", "-q", ":parent");
  assert.equal(await readFile(join(w.a, "todo.md"), "utf8"), "written on b\n");
  assert.equal(tipOf(w.a), tipOf(w.b), "A and B end on one revision");
});

test("brz: with the parent reachable the origin fetch is reported and the parent checked", async (t) => {
  const w = await world(t);
  await editInA(w.a, "v2\n");
  const pull = await w.opsB.run(pullFrom(w.a));
  assert.ok(pull.kind === "pull" && pull.outcome === "updated", JSON.stringify(pull));
  assert.deepEqual(pull.origin, { url: w.a, outcome: "merged" });
  assert.deepEqual(pull.changedPaths, ["notes.md"]);
  assert.equal(pull.needsPush, false, "a fast-forward to what the parent has needs no push");
  assert.equal(await readFile(join(w.b, "notes.md"), "utf8"), "v2\n");
  // The peer was used once: B's parent is still the central branch, nothing was remembered.
  assert.equal(brz(w.b, "config", "parent_location").trim(), "../central/");
  assert.throws(() => brz(w.b, "config", "submit_branch"), "no submit branch remembered");
});

test("brz: a change only A has (not pushed yet) comes from A and B then pushes it", async (t) => {
  const w = await world(t);
  await editInA(w.a, "only on a\n", { push: false });
  const pull = await w.opsB.run(pullFrom(w.a));
  assert.ok(pull.kind === "pull" && pull.outcome === "updated", JSON.stringify(pull));
  assert.equal(pull.origin?.outcome, "merged");
  assert.equal(pull.needsPush, true, "B is ahead of the parent now");
  assert.equal(await readFile(join(w.b, "notes.md"), "utf8"), "only on a\n");
});

test("brz: an unreachable origin is no error: the parent brings the change", async (t) => {
  const w = await world(t);
  await editInA(w.a, "v2\n");
  const pull = await w.opsB.run(pullFrom(join(w.dir, "no-such-branch")));
  assert.ok(pull.kind === "pull" && pull.outcome === "updated", JSON.stringify(pull));
  assert.equal(pull.origin?.outcome, "failed");
  assert.equal(await readFile(join(w.b, "notes.md"), "utf8"), "v2\n");
});

test("brz: a conflict between the origin and local work keeps both sides", async (t) => {
  const w = await world(t);
  await editInA(w.a, "a's line\n");
  await writeFile(join(w.b, "notes.md"), "b's line\n");
  const pull = await w.opsB.run(pullFrom(w.a));
  assert.ok(pull.kind === "pull" && pull.outcome === "updated", JSON.stringify(pull));
  assert.equal(pull.origin?.outcome, "merged");
  assert.equal(pull.conflicts.length, 1, JSON.stringify(pull.conflicts));
  const copy = pull.conflicts[0]?.copyPath;
  assert.ok(copy && copy !== "notes.md", JSON.stringify(pull.conflicts));
  assert.equal(await readFile(join(w.b, "notes.md"), "utf8"), "a's line\n");
  assert.equal(await readFile(join(w.b, copy), "utf8"), "b's line\n");
  assert.equal(pull.needsPush, true);
  assert.equal(brz(w.b, "status", "--short"), "", "merged and committed, nothing pending");
  const names = await readdir(w.b);
  assert.ok(!names.some((name) => /\.(BASE|OTHER|THIS)$/.test(name)), names.join(", "));
});

test("brz: an origin whose announced head is already here is not fetched", async (t) => {
  const w = await world(t);
  await editInA(w.a, "v2\n");
  const first = await w.opsB.run(pullFrom());
  assert.ok(first.kind === "pull" && first.outcome === "updated", JSON.stringify(first));
  // Moved away: a fetch would fail, so "up-to-date" proves none was tried.
  await rename(w.a, `${w.a}.moved`);
  const again = await w.opsB.run(pullFrom(w.a, tipOf(w.b)));
  assert.ok(again.kind === "pull" && again.outcome === "up-to-date", JSON.stringify(again));
  assert.equal(again.origin?.outcome, "up-to-date");
});

test("brz: a hostile pull URL or head is refused without running anything", async (t) => {
  const w = await world(t);
  await editInA(w.a, "v2\n");
  const marker = join(w.dir, "PWNED");
  const pull = await w.opsB.run(pullFrom(`--no-plugins=;touch ${marker}`, "-r1"));
  assert.ok(pull.kind === "pull" && pull.outcome === "updated", JSON.stringify(pull));
  assert.equal(pull.origin?.outcome, "rejected");
  await assert.rejects(access(marker), "nothing ran");
  assert.equal(await readFile(join(w.b, "notes.md"), "utf8"), "v2\n", "the parent still pulled");
});
