import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { ConflictCopy, OperationResult } from "../../../src/engine/operation.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import type { RepoOperations } from "../../../src/operations/repo-operations.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import type { Recipe } from "../../../src/recipes/recipe.js";
import { processRunner } from "../../../src/runtime/command-runner.js";
import { makeTempDir } from "../../support/temp-dir.js";

// Real brz: a tree-less central branch and two standalone branches, A and B, made from it,
// each committing locally and pushing to / merging from its parent.
let home: { dir: string; cleanup: () => Promise<void> };
let recipe: Recipe;

before(async () => {
  home = await makeTempDir("autosync-bzr-home-");
  // brz reads ~/.config/breezy; a temp HOME keeps this machine's config out.
  process.env.HOME = home.dir;
  process.env.BRZ_EMAIL = "autosync test <test@example.invalid>";
  const loaded = await loadRecipe("bzr", { baseDir: process.cwd() });
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics));
  recipe = loaded.recipe;
});
after(() => home.cleanup());

function brz(cwd: string, ...args: string[]): string {
  return execFileSync("brz", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C.UTF-8", BRZ_PROGRESS_BAR: "none" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

interface Clones {
  dir: string;
  central: string;
  a: string;
  b: string;
  opsA: RepoOperations;
  opsB: RepoOperations;
}

async function makeClones(t: { after: (fn: () => Promise<void>) => void }): Promise<Clones> {
  const temp = await makeTempDir("autosync-bzr-");
  t.after(temp.cleanup);
  const central = join(temp.dir, "central");
  const a = join(temp.dir, "a");
  const b = join(temp.dir, "b");
  brz(temp.dir, "init", "-q", "--no-tree", central);
  brz(temp.dir, "branch", "-q", central, a);
  await writeFile(join(a, "seed.txt"), "seed\n");
  brz(a, "add", "-q", "seed.txt");
  brz(a, "commit", "-q", "-m", "seed");
  brz(a, "push", "-q", ":parent");
  brz(temp.dir, "branch", "-q", central, b);
  const ops = (root: string) => createOperations({ root, recipe, runner: processRunner });
  return { dir: temp.dir, central, a, b, opsA: ops(a), opsB: ops(b) };
}

/** What the engine does after a quiet period: status, commit exactly that, push. */
async function commitAndPush(ops: RepoOperations, message = "autosync test commit") {
  const status = await ops.run({ kind: "status" });
  assert.ok(status.kind === "status" && status.outcome === "ok", JSON.stringify(status));
  const committed = await ops.run({ kind: "commit", entries: status.entries, message });
  assert.equal(committed.outcome, "committed", JSON.stringify(committed));
  const pushed = await ops.run({ kind: "push" });
  assert.equal(pushed.outcome, "pushed", JSON.stringify(pushed));
  return status.entries;
}

type PullOk = Extract<OperationResult, { kind: "pull"; outcome: "updated" | "up-to-date" }>;

async function pull(ops: RepoOperations, host = "hostb"): Promise<PullOk> {
  const result = await ops.run({
    kind: "pull",
    commitMessage: "autosync: local changes before pull",
    host,
    nowMs: Date.UTC(2026, 10, 25, 13, 45, 1),
  });
  assert.ok(
    result.kind === "pull" && (result.outcome === "updated" || result.outcome === "up-to-date"),
    JSON.stringify(result),
  );
  return result;
}

/** Not mid-merge: no conflicts, no pending merge, clean status, no .BASE/.OTHER/.THIS left. */
async function assertSettled(root: string) {
  assert.equal(brz(root, "conflicts"), "");
  assert.equal(brz(root, "status", "--short"), "");
  const files = await readdir(root, { recursive: true });
  assert.deepEqual(
    files.filter((f) => /\.(BASE|OTHER|THIS|moved)$/.test(f)),
    [],
  );
}

async function assertNoMarkers(root: string, paths: readonly string[]) {
  for (const path of paths) {
    const text = await readFile(join(root, path), "utf8");
    assert.doesNotMatch(text, /^(<<<<<<<|>>>>>>>|=======)/m, `markers in ${path}`);
  }
}

describe("bzr operations against real Breezy branches", { concurrency: 1 }, () => {
  test("an edit committed and pushed in A arrives in B on pull", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "seed.txt"), "edited in A\n");
    await mkdir(join(c.a, "new dir", "sub"), { recursive: true });
    await writeFile(join(c.a, "new dir", "sub", "new.txt"), "new in A\n");
    const entries = await commitAndPush(c.opsA);
    assert.deepEqual(entries.map((e) => [e.path, e.action, e.sizeBytes]).sort(), [
      ["new dir/sub/new.txt", "added", 9],
      ["seed.txt", "modified", 12],
    ]);
    const pulled = await pull(c.opsB);
    assert.equal(pulled.outcome, "updated");
    assert.ok(pulled.changedPaths.includes("seed.txt"), JSON.stringify(pulled.changedPaths));
    assert.ok(pulled.changedPaths.includes("new dir/sub/new.txt"));
    assert.equal(pulled.needsPush, false);
    assert.equal(await readFile(join(c.b, "seed.txt"), "utf8"), "edited in A\n");
    assert.equal(await readFile(join(c.b, "new dir", "sub", "new.txt"), "utf8"), "new in A\n");
    await assertSettled(c.b);
    assert.equal((await pull(c.opsB)).outcome, "up-to-date");
  });

  test("a deletion in A propagates to B", async (t) => {
    const c = await makeClones(t);
    await rm(join(c.a, "seed.txt"));
    const status = await c.opsA.run({ kind: "status" });
    assert.ok(status.kind === "status" && status.outcome === "ok");
    assert.deepEqual(status.entries, [{ path: "seed.txt", action: "deleted" }]);
    assert.equal(status.trackedCount, 1);
    await commitAndPush(c.opsA);
    await pull(c.opsB);
    assert.equal(existsSync(join(c.b, "seed.txt")), false);
    await assertSettled(c.b);
  });

  test("a rename on disk in A arrives in B with its content at the new path", async (t) => {
    const c = await makeClones(t);
    await mkdir(join(c.a, "moved dir"));
    await rename(join(c.a, "seed.txt"), join(c.a, "moved dir", "seed renamed.txt"));
    await commitAndPush(c.opsA);
    await pull(c.opsB);
    assert.equal(existsSync(join(c.b, "seed.txt")), false);
    assert.equal(await readFile(join(c.b, "moved dir", "seed renamed.txt"), "utf8"), "seed\n");
    await assertSettled(c.b);
  });

  test("a rename recorded with brz mv is reported as a rename, even with ' => ' in the name", async (t) => {
    const c = await makeClones(t);
    brz(c.a, "mv", "-q", "--", "seed.txt", "a => b.txt");
    const status = await c.opsA.run({ kind: "status" });
    assert.ok(status.kind === "status" && status.outcome === "ok");
    assert.deepEqual(status.entries, [
      { path: "a => b.txt", action: "renamed", from: "seed.txt", sizeBytes: 5 },
    ]);
    await commitAndPush(c.opsA);
    await pull(c.opsB);
    assert.equal(await readFile(join(c.b, "a => b.txt"), "utf8"), "seed\n");
  });

  test("weird file names round-trip; names brz cannot store are left out, not fatal", async (t) => {
    const c = await makeClones(t);
    const names = [
      "with space.txt",
      "-leading-dash",
      "ünïcødé ✓.md",
      `quo"te's.txt`,
      "back\\slash",
      "*",
    ];
    for (const name of names) await writeFile(join(c.a, name), `content of ${name}\n`);
    await writeFile(join(c.a, "new\nline.txt"), "brz cannot commit this name\n");
    const looked = await c.opsA.run({ kind: "status" });
    assert.ok(looked.kind === "status" && looked.outcome === "ok", JSON.stringify(looked));
    assert.deepEqual(looked.unstorable, ["new\nline.txt"], "reported, so the user can be told");
    const entries = await commitAndPush(c.opsA);
    assert.deepEqual(entries.map((e) => e.path).sort(), [...names].sort());
    await pull(c.opsB);
    for (const name of names) {
      assert.equal(await readFile(join(c.b, name), "utf8"), `content of ${name}\n`);
    }
    const versioned = brz(c.b, "ls", "--recursive", "--versioned", "--null").split("\0");
    assert.deepEqual(versioned.filter(Boolean).sort(), [...names, "seed.txt"].sort());
    assert.equal(
      await readFile(join(c.a, "new\nline.txt"), "utf8"),
      "brz cannot commit this name\n",
    );
  });

  test("a both-modified conflict keeps both: remote at the path, local in the conflict copy", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "seed.txt"), "A's version\n");
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "seed.txt"), "B's version\n");
    const pulled = await pull(c.opsB, "hostb");
    assert.equal(pulled.outcome, "updated");
    assert.equal(pulled.needsPush, true);
    // B's edit was committed before the merge: reported, so the engine publishes the commit.
    assert.equal(pulled.localCommit?.message, "autosync: local changes before pull");
    assert.deepEqual(
      pulled.localCommit?.entries.map((entry) => [entry.path, entry.action]),
      [["seed.txt", "modified"]],
    );
    assert.equal(pulled.conflicts.length, 1, JSON.stringify(pulled.conflicts));
    const conflict = pulled.conflicts[0] as ConflictCopy;
    assert.equal(conflict.path, "seed.txt");
    assert.equal(conflict.kind, "both-modified");
    assert.match(
      conflict.copyPath ?? "",
      /^seed \(conflict hostb 2026-11-25 134501 [0-9a-f]{6}\)\.txt$/,
    );
    assert.equal(await readFile(join(c.b, "seed.txt"), "utf8"), "A's version\n");
    assert.equal(await readFile(join(c.b, conflict.copyPath ?? ""), "utf8"), "B's version\n");
    await assertNoMarkers(c.b, ["seed.txt", conflict.copyPath ?? ""]);
    await assertSettled(c.b);
    assert.equal((await c.opsB.run({ kind: "push" })).outcome, "pushed");
    await pull(c.opsA, "hosta");
    assert.equal(await readFile(join(c.a, conflict.copyPath ?? ""), "utf8"), "B's version\n");
    assert.equal(
      brz(c.a, "ls", "--recursive", "--versioned", "--null"),
      brz(c.b, "ls", "--recursive", "--versioned", "--null"),
    );
    await assertSettled(c.a);
  });

  test("both sides adding the same new file keep both", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "same.txt"), "added in A\n");
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "same.txt"), "added in B\n");
    const pulled = await pull(c.opsB);
    const conflict = pulled.conflicts[0] as ConflictCopy;
    assert.equal(conflict.kind, "both-added");
    assert.equal(await readFile(join(c.b, "same.txt"), "utf8"), "added in A\n");
    assert.equal(await readFile(join(c.b, conflict.copyPath ?? ""), "utf8"), "added in B\n");
    await assertSettled(c.b);
  });

  test("edits to different lines of one text file merge without a conflict copy", async (t) => {
    const c = await makeClones(t);
    const lines = ["one", "two", "three", "four", "five", "six", "seven", "eight", ""];
    await writeFile(join(c.a, "seed.txt"), lines.join("\n"));
    await commitAndPush(c.opsA);
    await pull(c.opsB);
    await writeFile(join(c.a, "seed.txt"), lines.join("\n").replace("one", "ONE from A"));
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "seed.txt"), lines.join("\n").replace("eight", "EIGHT from B"));
    const pulled = await pull(c.opsB);
    assert.deepEqual(pulled.conflicts, []);
    assert.equal(
      await readFile(join(c.b, "seed.txt"), "utf8"),
      lines.join("\n").replace("one", "ONE from A").replace("eight", "EIGHT from B"),
    );
    await assertSettled(c.b);
  });

  test("a binary conflict keeps both byte-exact versions", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "image.bin"), Buffer.from([0, 1, 2, 255, 0, 10, 13, 0]));
    await commitAndPush(c.opsA);
    await pull(c.opsB);
    const fromA = Buffer.from([0, 9, 9, 9, 0, 255]);
    const fromB = Buffer.from([0, 7, 7, 7, 0, 254, 0]);
    await writeFile(join(c.a, "image.bin"), fromA);
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "image.bin"), fromB);
    const pulled = await pull(c.opsB);
    const conflict = pulled.conflicts[0] as ConflictCopy;
    assert.equal(conflict.kind, "both-modified");
    assert.deepEqual(await readFile(join(c.b, "image.bin")), fromA);
    assert.deepEqual(await readFile(join(c.b, conflict.copyPath ?? "")), fromB);
    await assertSettled(c.b);
  });

  test("delete versus modify keeps the modified file, whichever side deleted", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "other.txt"), "other\n");
    await commitAndPush(c.opsA);
    await pull(c.opsB);
    await rm(join(c.a, "seed.txt"));
    await writeFile(join(c.a, "other.txt"), "other modified in A\n");
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "seed.txt"), "seed modified in B\n");
    await rm(join(c.b, "other.txt"));
    const pulled = await pull(c.opsB);
    const byPath = new Map(pulled.conflicts.map((conflict) => [conflict.path, conflict.kind]));
    assert.equal(byPath.get("seed.txt"), "deleted-remotely", JSON.stringify(pulled.conflicts));
    assert.equal(byPath.get("other.txt"), "deleted-locally");
    assert.equal(await readFile(join(c.b, "seed.txt"), "utf8"), "seed modified in B\n");
    assert.equal(await readFile(join(c.b, "other.txt"), "utf8"), "other modified in A\n");
    await assertSettled(c.b);
    assert.equal((await c.opsB.run({ kind: "push" })).outcome, "pushed");
    await pull(c.opsA);
    assert.equal(await readFile(join(c.a, "seed.txt"), "utf8"), "seed modified in B\n");
    await assertSettled(c.a);
  });

  test("a merge of ours left open by a kill is finished by the next pull", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "seed.txt"), "A's version\n");
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "seed.txt"), "B's version\n");
    brz(c.b, "commit", "-q", "-m", "B's edit");
    const local = brz(c.b, "revision-info").trim().split(" ").at(-1);
    const other = brz(c.b, "revision-info", "-d", ":parent").trim().split(" ").at(-1);
    // What autosync had done when it was killed: journal written, merge started.
    await writeFile(join(c.b, ".bzr", "autosync-merge.json"), JSON.stringify({ local, other }));
    try {
      brz(c.b, "merge", "-q", ":parent");
    } catch {
      // exit 1: conflicts, as expected
    }
    const pulled = await pull(c.opsB);
    assert.equal(pulled.conflicts.length, 1, JSON.stringify(pulled));
    assert.equal(await readFile(join(c.b, "seed.txt"), "utf8"), "A's version\n");
    const copy = pulled.conflicts[0]?.copyPath ?? "";
    assert.equal(await readFile(join(c.b, copy), "utf8"), "B's version\n");
    await assertSettled(c.b);
    assert.equal(existsSync(join(c.b, ".bzr", "autosync-merge.json")), false);
  });

  test("a merge someone else started is left alone and reported", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "seed.txt"), "A's version\n");
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "seed.txt"), "B's version\n");
    brz(c.b, "commit", "-q", "-m", "B's edit");
    try {
      brz(c.b, "merge", "-q", ":parent");
    } catch {
      // exit 1: conflicts
    }
    const pulled = await c.opsB.run({ kind: "pull", commitMessage: "x", host: "b", nowMs: 0 });
    assert.equal(pulled.outcome, "failed", JSON.stringify(pulled));
    assert.notEqual(brz(c.b, "conflicts"), "", "still the user's merge");
  });

  test("a rejected push is followed by pull, then the push succeeds", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "a.txt"), "from A\n");
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "b.txt"), "from B\n");
    const status = await c.opsB.run({ kind: "status" });
    assert.ok(status.kind === "status" && status.outcome === "ok");
    await c.opsB.run({ kind: "commit", entries: status.entries, message: "B" });
    assert.equal((await c.opsB.run({ kind: "push" })).outcome, "rejected");
    const pulled = await pull(c.opsB);
    assert.equal(pulled.needsPush, true);
    assert.deepEqual(pulled.conflicts, []);
    assert.equal((await c.opsB.run({ kind: "push" })).outcome, "pushed");
    assert.equal((await c.opsB.run({ kind: "push" })).outcome, "up-to-date");
    await pull(c.opsA);
    assert.equal(await readFile(join(c.a, "b.txt"), "utf8"), "from B\n");
  });

  test("an unreachable remote is offline for push and pull, and nothing is lost", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "seed.txt"), "edited while offline\n");
    const status = await c.opsA.run({ kind: "status" });
    assert.ok(status.kind === "status" && status.outcome === "ok");
    await c.opsA.run({ kind: "commit", entries: status.entries, message: "offline edit" });
    await rename(c.central, `${c.central}-away`);
    const pushed = await c.opsA.run({ kind: "push" });
    assert.equal(pushed.outcome, "offline", JSON.stringify(pushed));
    const pulled = await c.opsA.run({ kind: "pull", commitMessage: "local", host: "a", nowMs: 0 });
    assert.equal(pulled.outcome, "offline", JSON.stringify(pulled));
    assert.equal(await readFile(join(c.a, "seed.txt"), "utf8"), "edited while offline\n");
    await rename(`${c.central}-away`, c.central);
    assert.equal((await c.opsA.run({ kind: "push" })).outcome, "pushed");
  });

  test("without a configured identity commits still happen, as autosync on this host", async (t) => {
    const c = await makeClones(t);
    const saved = { BRZ_EMAIL: process.env.BRZ_EMAIL, EMAIL: process.env.EMAIL };
    delete process.env.BRZ_EMAIL;
    delete process.env.EMAIL;
    t.after(() => {
      process.env.BRZ_EMAIL = saved.BRZ_EMAIL;
      if (saved.EMAIL !== undefined) process.env.EMAIL = saved.EMAIL;
    });
    const ops = createOperations({ root: c.a, recipe, runner: processRunner, host: "lab-vm" });
    await writeFile(join(c.a, "seed.txt"), "no identity here\n");
    const status = await ops.run({ kind: "status" });
    assert.ok(status.kind === "status" && status.outcome === "ok");
    const committed = await ops.run({ kind: "commit", entries: status.entries, message: "m" });
    assert.equal(committed.outcome, "committed", JSON.stringify(committed));
    assert.match(brz(c.a, "log", "-r", "-1", "--line"), /autosync lab-vm/);
  });

  test("the health check reports a missing root and a missing .bzr, and runs nothing", async (t) => {
    const c = await makeClones(t);
    await rm(join(c.a, ".bzr"), { recursive: true });
    const noMarker = await c.opsA.run({ kind: "status" });
    assert.ok(noMarker.outcome === "unhealthy" && noMarker.problem === "marker-missing");
    await rm(c.b, { recursive: true });
    const gone = await c.opsB.run({ kind: "pull", commitMessage: "x", host: "b", nowMs: 0 });
    assert.ok(gone.outcome === "unhealthy" && gone.problem === "missing");
  });

  test("describe gives the shared first revision, the parent, head and nick", async (t) => {
    const c = await makeClones(t);
    const [a, b] = [await c.opsA.describe(), await c.opsB.describe()];
    assert.ok(a.repositoryId && a.repositoryId.length > 10, JSON.stringify(a));
    assert.equal(a.repositoryId, b.repositoryId);
    assert.match(a.remoteUrl ?? "", /central\/?$/);
    assert.equal(a.head, brz(c.a, "revision-info").trim().split(" ").at(-1));
    assert.equal(a.branch, "a");
  });

  test("a stale brz lock of a dead process is broken, a live one is kept", async (t) => {
    const c = await makeClones(t);
    const held = join(c.a, ".bzr", "branch", "lock", "held");
    const info = (pid: number) =>
      `hostname: ${hostname()}\nnonce: x\npid: ${pid}\nstart_time: 1\nuser: t\n`;
    await mkdir(held, { recursive: true });
    await writeFile(join(held, "info"), info(999999999));
    assert.deepEqual(await c.opsA.recoverStaleLocks(), [held]);
    assert.equal(existsSync(held), false);
    await mkdir(held, { recursive: true });
    await writeFile(join(held, "info"), info(process.pid));
    assert.deepEqual(await c.opsA.recoverStaleLocks(), []);
    await rm(held, { recursive: true });
  });
});
