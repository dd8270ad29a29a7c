import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { ConflictCopy, OperationResult } from "../../../src/engine/operation.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import type { RepoOperations } from "../../../src/operations/repo-operations.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import type { Recipe } from "../../../src/recipes/recipe.js";
import { processRunner } from "../../../src/runtime/command-runner.js";
import { makeTempDir } from "../../support/temp-dir.js";

// Real hg: a plain repository as the central "remote" and two clones, A and B, per test.
let home: { dir: string; cleanup: () => Promise<void> };
let recipe: Recipe;

before(async () => {
  home = await makeTempDir("autosync-hg-home-");
  // No global hgrc of this machine may leak in; the identity comes from HGUSER.
  process.env.HOME = home.dir;
  process.env.HGRCPATH = join(home.dir, "hgrc");
  process.env.HGUSER = "autosync test <test@example.invalid>";
  const loaded = await loadRecipe("hg", { baseDir: process.cwd() });
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics));
  recipe = loaded.recipe;
});
after(() => home.cleanup());

function hg(cwd: string, ...args: string[]): string {
  return execFileSync("hg", args, { cwd, encoding: "utf8", env: { ...process.env, HGPLAIN: "1" } });
}

interface Clones {
  dir: string;
  remote: string;
  a: string;
  b: string;
  opsA: RepoOperations;
  opsB: RepoOperations;
}

async function makeClones(t: { after: (fn: () => Promise<void>) => void }): Promise<Clones> {
  const temp = await makeTempDir("autosync-hg-");
  t.after(temp.cleanup);
  const remote = join(temp.dir, "remote");
  const a = join(temp.dir, "a");
  const b = join(temp.dir, "b");
  hg(temp.dir, "init", remote);
  hg(temp.dir, "clone", "-q", remote, a);
  await writeFile(join(a, "seed.txt"), "seed\n");
  hg(a, "add", "-q", "seed.txt");
  hg(a, "commit", "-q", "-m", "seed");
  hg(a, "push", "-q");
  hg(temp.dir, "clone", "-q", remote, b);
  const ops = (root: string) => createOperations({ root, recipe, runner: processRunner });
  return { dir: temp.dir, remote, a, b, opsA: ops(a), opsB: ops(b) };
}

/** What the engine does after a quiet period: status, commit exactly that, push. */
async function commitAndPush(ops: RepoOperations, message = "autosync test commit") {
  const status = await ops.run({ kind: "status" });
  assert.equal(status.outcome, "ok", JSON.stringify(status));
  assert.ok(status.kind === "status" && status.outcome === "ok");
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

/** Not mid-merge: one parent, nothing unresolved, nothing uncommitted, no .orig litter. */
async function assertSettled(root: string) {
  assert.equal(hg(root, "log", "-r", "p2()", "-T", "{node}"), "");
  assert.equal(hg(root, "resolve", "--list"), "");
  assert.equal(hg(root, "status"), "");
  const files = await readdir(root, { recursive: true });
  assert.deepEqual(
    files.filter((f) => /\.orig$/.test(f) && !f.startsWith(".hg")),
    [],
  );
}

async function assertNoMarkers(root: string, paths: readonly string[]) {
  for (const path of paths) {
    const text = await readFile(join(root, path), "utf8");
    assert.doesNotMatch(text, /^(<<<<<<<|>>>>>>>|=======)/m, `markers in ${path}`);
  }
}

describe("hg operations against a real Mercurial remote", { concurrency: 1 }, () => {
  test("an edit committed and pushed in A arrives in B on pull", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "seed.txt"), "edited in A\n");
    await writeFile(join(c.a, "new.txt"), "new in A\n");
    const entries = await commitAndPush(c.opsA);
    assert.deepEqual(entries.map((e) => [e.path, e.action, e.sizeBytes]).sort(), [
      ["new.txt", "added", 9],
      ["seed.txt", "modified", 12],
    ]);
    const pulled = await pull(c.opsB);
    assert.equal(pulled.outcome, "updated");
    assert.deepEqual([...pulled.changedPaths].sort(), ["new.txt", "seed.txt"]);
    assert.equal(pulled.needsPush, false);
    assert.equal(await readFile(join(c.b, "seed.txt"), "utf8"), "edited in A\n");
    assert.equal(await readFile(join(c.b, "new.txt"), "utf8"), "new in A\n");
    assert.equal(pulled.head, hg(c.a, "log", "-r", ".", "-T", "{node}"));
    await assertSettled(c.b);
    const again = await pull(c.opsB);
    assert.equal(again.outcome, "up-to-date");
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

  test("a rename on disk in A arrives in B as a rename with its content", async (t) => {
    const c = await makeClones(t);
    await mkdir(join(c.a, "moved dir"));
    await rename(join(c.a, "seed.txt"), join(c.a, "moved dir", "seed renamed.txt"));
    await commitAndPush(c.opsA);
    // addremove --similarity 100 recorded it as a rename, so history follows the file.
    assert.match(
      hg(c.a, "log", "-r", ".", "-T", "{file_copies}"),
      /seed renamed\.txt \(seed\.txt\)/,
    );
    await pull(c.opsB);
    assert.equal(existsSync(join(c.b, "seed.txt")), false);
    assert.equal(await readFile(join(c.b, "moved dir", "seed renamed.txt"), "utf8"), "seed\n");
    await assertSettled(c.b);
  });

  test("weird file names round-trip; names hg cannot store are left out, not fatal", async (t) => {
    const c = await makeClones(t);
    const names = [
      "with space.txt",
      "-leading-dash",
      "ünïcødé ✓.md",
      `quo"te's.txt`,
      "glob:*",
      "re:.",
    ];
    for (const name of names) await writeFile(join(c.a, name), `content of ${name}\n`);
    await writeFile(join(c.a, "new\nline.txt"), "hg refuses this name\n");
    const looked = await c.opsA.run({ kind: "status" });
    assert.ok(looked.kind === "status" && looked.outcome === "ok", JSON.stringify(looked));
    assert.deepEqual(looked.unstorable, ["new\nline.txt"], "reported, so the user can be told");
    const entries = await commitAndPush(c.opsA);
    assert.deepEqual(entries.map((e) => e.path).sort(), [...names].sort());
    await pull(c.opsB);
    for (const name of names) {
      assert.equal(await readFile(join(c.b, name), "utf8"), `content of ${name}\n`);
    }
    // The pattern-like names matched only themselves: nothing else was committed.
    assert.deepEqual(
      hg(c.b, "files", "-0").split("\0").filter(Boolean).sort(),
      [...names, "seed.txt"].sort(),
    );
    // The unstorable file stays on disk in A, untouched.
    assert.equal(await readFile(join(c.a, "new\nline.txt"), "utf8"), "hg refuses this name\n");
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
    assert.equal(pulled.conflicts.length, 1);
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
    // The merge is committed with the copy tracked; pushing it lets A converge.
    assert.equal((await c.opsB.run({ kind: "push" })).outcome, "pushed");
    await pull(c.opsA, "hosta");
    assert.equal(await readFile(join(c.a, conflict.copyPath ?? ""), "utf8"), "B's version\n");
    assert.equal(hg(c.a, "files", "-0"), hg(c.b, "files", "-0"));
    await assertSettled(c.a);
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
    const base = Buffer.from([0, 1, 2, 255, 0, 10, 13, 0]);
    await writeFile(join(c.a, "image.bin"), base);
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
    // A deletes seed.txt, B modifies it; A modifies other.txt, B deletes it.
    await rm(join(c.a, "seed.txt"));
    await writeFile(join(c.a, "other.txt"), "other modified in A\n");
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "seed.txt"), "seed modified in B\n");
    await rm(join(c.b, "other.txt"));
    const pulled = await pull(c.opsB);
    const byPath = new Map(pulled.conflicts.map((conflict) => [conflict.path, conflict.kind]));
    assert.equal(byPath.get("seed.txt"), "deleted-remotely");
    assert.equal(byPath.get("other.txt"), "deleted-locally");
    assert.equal(await readFile(join(c.b, "seed.txt"), "utf8"), "seed modified in B\n");
    assert.equal(await readFile(join(c.b, "other.txt"), "utf8"), "other modified in A\n");
    await assertSettled(c.b);
    assert.equal((await c.opsB.run({ kind: "push" })).outcome, "pushed");
    await pull(c.opsA);
    assert.equal(await readFile(join(c.a, "seed.txt"), "utf8"), "seed modified in B\n");
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

  test("a merge of ours left open by a kill is finished by the next pull", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "seed.txt"), "A's version\n");
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "seed.txt"), "B's version\n");
    hg(c.b, "commit", "-q", "-m", "B's edit");
    const local = hg(c.b, "log", "-r", ".", "-T", "{node}");
    hg(c.b, "pull", "-q");
    const other = hg(c.b, "log", "-r", "tip", "-T", "{node}");
    // What autosync had done when it was killed: journal written, merge started.
    await writeFile(join(c.b, ".hg", "autosync-merge.json"), JSON.stringify({ local, other }));
    try {
      hg(c.b, "merge", "-q", "--tool", "internal:fail", "-r", other);
    } catch {
      // exit 1: unresolved files, as expected
    }
    const pulled = await pull(c.opsB);
    assert.equal(pulled.conflicts.length, 1);
    assert.equal(await readFile(join(c.b, "seed.txt"), "utf8"), "A's version\n");
    const copy = pulled.conflicts[0]?.copyPath ?? "";
    assert.equal(await readFile(join(c.b, copy), "utf8"), "B's version\n");
    await assertSettled(c.b);
    assert.equal(existsSync(join(c.b, ".hg", "autosync-merge.json")), false);
  });

  test("a merge someone else started is left alone and reported", async (t) => {
    const c = await makeClones(t);
    await writeFile(join(c.a, "seed.txt"), "A's version\n");
    await commitAndPush(c.opsA);
    await writeFile(join(c.b, "seed.txt"), "B's version\n");
    hg(c.b, "commit", "-q", "-m", "B's edit");
    hg(c.b, "pull", "-q");
    try {
      hg(c.b, "merge", "-q", "--tool", "internal:fail", "-r", "tip");
    } catch {
      // exit 1: unresolved files
    }
    const pulled = await c.opsB.run({ kind: "pull", commitMessage: "x", host: "b", nowMs: 0 });
    assert.equal(pulled.outcome, "failed", JSON.stringify(pulled));
    assert.notEqual(hg(c.b, "log", "-r", "p2()", "-T", "{node}"), "", "still the user's merge");
    assert.equal(await readFile(join(c.b, "seed.txt"), "utf8"), "B's version\n");
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
    await rename(c.remote, `${c.remote}-away`);
    await writeFile(join(c.a, "seed.txt"), "edited while offline\n");
    const pushed = await c.opsA.run({ kind: "push" });
    assert.equal(pushed.outcome, "offline", JSON.stringify(pushed));
    const pulled = await c.opsA.run({ kind: "pull", commitMessage: "local", host: "a", nowMs: 0 });
    assert.equal(pulled.outcome, "offline", JSON.stringify(pulled));
    assert.equal(await readFile(join(c.a, "seed.txt"), "utf8"), "edited while offline\n");
    // The local edit was committed before the pull tried the remote; it goes out once back.
    await rename(`${c.remote}-away`, c.remote);
    assert.equal((await c.opsA.run({ kind: "push" })).outcome, "pushed");
  });

  test("without a configured identity commits still happen, as autosync on this host", async (t) => {
    const c = await makeClones(t);
    const saved = process.env.HGUSER;
    delete process.env.HGUSER;
    t.after(() => {
      process.env.HGUSER = saved;
    });
    const ops = createOperations({ root: c.a, recipe, runner: processRunner, host: "lab-vm" });
    await writeFile(join(c.a, "seed.txt"), "no identity here\n");
    const status = await ops.run({ kind: "status" });
    assert.ok(status.kind === "status" && status.outcome === "ok");
    const committed = await ops.run({ kind: "commit", entries: status.entries, message: "m" });
    assert.equal(committed.outcome, "committed", JSON.stringify(committed));
    assert.equal(hg(c.a, "log", "-r", ".", "-T", "{author}"), "autosync lab-vm <autosync@lab-vm>");
  });

  test("the health check reports a missing root and a missing .hg, and runs nothing", async (t) => {
    const c = await makeClones(t);
    await rm(join(c.a, ".hg"), { recursive: true });
    const noMarker = await c.opsA.run({ kind: "status" });
    assert.ok(noMarker.outcome === "unhealthy" && noMarker.problem === "marker-missing");
    await rm(c.b, { recursive: true });
    const gone = await c.opsB.run({ kind: "pull", commitMessage: "x", host: "b", nowMs: 0 });
    assert.ok(gone.outcome === "unhealthy" && gone.problem === "missing");
  });

  test("describe gives the shared root id, the remote, head and branch", async (t) => {
    const c = await makeClones(t);
    const [a, b] = [await c.opsA.describe(), await c.opsB.describe()];
    assert.match(a.repositoryId ?? "", /^[0-9a-f]{40}$/);
    assert.equal(a.repositoryId, b.repositoryId);
    assert.equal(a.remoteUrl, c.remote);
    assert.equal(a.head, hg(c.a, "log", "-r", ".", "-T", "{node}"));
    assert.equal(a.branch, "default");
  });

  test("a stale hg lock of a dead process is removed, a live one is kept", async (t) => {
    const c = await makeClones(t);
    const wlock = join(c.a, ".hg", "wlock");
    await symlink(`${hostname()}:999999999`, wlock);
    assert.deepEqual(await c.opsA.recoverStaleLocks(), [wlock]);
    assert.equal(existsSync(wlock), false);
    const storeLock = join(c.a, ".hg", "store", "lock");
    await symlink(`${hostname()}:${process.pid}`, storeLock);
    assert.deepEqual(await c.opsA.recoverStaleLocks(), []);
    await rm(storeLock);
  });
});
