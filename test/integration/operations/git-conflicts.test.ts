import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { access, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isConflictCopy } from "../../../src/operations/conflict-copy-name.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import type { ConflictCopy } from "../../../src/engine/operation.js";
import {
  assertNotMidMerge,
  commitAll,
  commitAndPush,
  expectOutcome,
  gitWorld,
  pullRequest,
  treeOf,
  type Clone,
} from "./git-repos.js";

async function pullConflicts(clone: Clone, host: string): Promise<ConflictCopy[]> {
  const pull = await expectOutcome(clone.ops, pullRequest(host), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.equal(pull.needsPush, true);
  return pull.conflicts;
}

async function copiesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => isConflictCopy(name)).sort();
}

test("both sides edit one text file: remote at the path, local beside it, no markers", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "line 1\nline 2\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes.md": "line 1 from a\nline 2\n" });
  await writeFile(join(b.dir, "notes.md"), "line 1 from b\nline 2\n"); // not even committed
  const conflicts = await pullConflicts(b, "laptop");
  assert.equal(conflicts.length, 1);
  const [conflict] = conflicts;
  assert.equal(conflict?.path, "notes.md");
  assert.equal(conflict?.kind, "both-modified");
  assert.match(
    conflict?.copyPath ?? "",
    /^notes \(conflict laptop 2026-11-25 134501 [0-9a-f]{6}\)\.md$/,
  );
  assert.equal(await readFile(join(b.dir, "notes.md"), "utf8"), "line 1 from a\nline 2\n");
  assert.equal(await readFile(join(b.dir, conflict!.copyPath!), "utf8"), "line 1 from b\nline 2\n");
  await assertNotMidMerge(b);
  assert.equal(await b.git("status", "--porcelain"), "");
  assert.match(await b.git("log", "-1", "--format=%B"), /notes\.md → notes \(conflict laptop/);

  await expectOutcome(b.ops, { kind: "push" }, "pushed");
  await expectOutcome(a.ops, pullRequest("a"), "updated");
  assert.deepEqual(await treeOf(a), await treeOf(b));
});

test("a binary conflict keeps both versions byte for byte", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const base = randomBytes(4096);
  await commitAndPush(a, { "photo.jpg": base });
  const b = await world.clone("b");
  const fromA = Buffer.concat([Buffer.from([0, 0xff, 0xfe, 0x80]), randomBytes(8192)]);
  const fromB = Buffer.concat([Buffer.from([0xc3, 0x28, 0, 0x0a, 0x0d]), randomBytes(8192)]);
  await commitAndPush(a, { "photo.jpg": fromA });
  await writeFile(join(b.dir, "photo.jpg"), fromB);
  const [conflict] = await pullConflicts(b, "laptop");
  assert.equal(conflict?.kind, "both-modified");
  assert.match(conflict?.copyPath ?? "", /^photo \(conflict laptop .*\)\.jpg$/);
  assert.ok(fromA.equals(await readFile(join(b.dir, "photo.jpg"))));
  assert.ok(fromB.equals(await readFile(join(b.dir, conflict!.copyPath!))));
  await assertNotMidMerge(b);
});

test("modified here, deleted there: the modified file is kept", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "plan.md": "v1\n", "other.md": "o\n" });
  const b = await world.clone("b");
  await rm(join(a.dir, "plan.md"));
  await commitAll(a.ops);
  await expectOutcome(a.ops, { kind: "push" }, "pushed");
  await writeFile(join(b.dir, "plan.md"), "v2 edited on b\n");
  const conflicts = await pullConflicts(b, "b");
  assert.deepEqual(conflicts, [{ path: "plan.md", copyPath: "plan.md", kind: "deleted-remotely" }]);
  assert.equal(await readFile(join(b.dir, "plan.md"), "utf8"), "v2 edited on b\n");
  await assertNotMidMerge(b);
  await expectOutcome(b.ops, { kind: "push" }, "pushed");
  await expectOutcome(a.ops, pullRequest("a"), "updated");
  assert.equal(await readFile(join(a.dir, "plan.md"), "utf8"), "v2 edited on b\n");
});

test("deleted here, modified there: the modified file comes back", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "plan.md": "v1\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "plan.md": "v2 edited on a\n" });
  await rm(join(b.dir, "plan.md"));
  const conflicts = await pullConflicts(b, "b");
  assert.deepEqual(conflicts, [{ path: "plan.md", kind: "deleted-locally" }]);
  assert.equal(await readFile(join(b.dir, "plan.md"), "utf8"), "v2 edited on a\n");
  await assertNotMidMerge(b);
  assert.equal(await b.git("status", "--porcelain"), "");
});

test("both sides add the same new file with different contents: both kept", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "base.md": "base" });
  const b = await world.clone("b");
  await commitAndPush(a, { "idea.md": "idea from a\n" });
  await writeFile(join(b.dir, "idea.md"), "idea from b\n");
  const [conflict] = await pullConflicts(b, "b");
  assert.equal(conflict?.kind, "both-added");
  assert.equal(await readFile(join(b.dir, "idea.md"), "utf8"), "idea from a\n");
  assert.equal(await readFile(join(b.dir, conflict!.copyPath!), "utf8"), "idea from b\n");
  await assertNotMidMerge(b);
});

test("identical contents on both sides make no conflict copy", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "base.md": "base\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "same.md": "same bytes\n", "base.md": "edited the same way\n" });
  await writeFile(join(b.dir, "same.md"), "same bytes\n");
  await writeFile(join(b.dir, "base.md"), "edited the same way\n");
  const pull = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.deepEqual(pull.conflicts, []);
  assert.deepEqual(await copiesIn(b.dir), []);
  await assertNotMidMerge(b);
});

test("a conflict copy is never conflicted again", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "base\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes.md": "a1\n" });
  await writeFile(join(b.dir, "notes.md"), "b1\n");
  const [first] = await pullConflicts(b, "b");
  const copy = first!.copyPath!;
  await expectOutcome(b.ops, { kind: "push" }, "pushed");
  await expectOutcome(a.ops, pullRequest("a"), "updated");
  // Both machines now edit the copy itself.
  await commitAndPush(a, { [copy]: "copy edited on a\n" });
  await writeFile(join(b.dir, copy), "copy edited on b\n");
  const conflicts = await pullConflicts(b, "b");
  assert.deepEqual(conflicts, [{ path: copy, kind: "both-modified" }]);
  assert.equal(await readFile(join(b.dir, copy), "utf8"), "copy edited on a\n");
  assert.deepEqual(await copiesIn(b.dir), [copy], "no copy of a copy");
  // The local side is not lost: it is in the commit made before the merge.
  assert.match(
    await b.git("log", "--all", "--full-history", "-p", "--", copy),
    /\+copy edited on b/,
  );
  await assertNotMidMerge(b);
});

test("a conflict copy name already taken by a different file is never overwritten", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "n.md": "base\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "n.md": "a\n" });
  await writeFile(join(b.dir, "n.md"), "b\n");
  // Predict b's copy name and occupy it with an unrelated (ignored, uncommitted) file.
  const { conflictCopyName } = await import("../../../src/operations/conflict-copy-name.js");
  const { nowMs } = pullRequest("b");
  const taken = conflictCopyName("n.md", "b", nowMs, Buffer.from("b\n"));
  await writeFile(join(b.dir, taken), "someone else's file\n");
  const ops = createOperations({
    root: b.dir,
    recipe: world.recipe,
    runner: world.runner,
    isIgnored: (path) => path === taken,
  });
  const pull = await expectOutcome(ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  const copyPath = pull.conflicts[0]?.copyPath ?? "";
  assert.notEqual(copyPath, taken);
  assert.equal(await readFile(join(b.dir, taken), "utf8"), "someone else's file\n");
  assert.equal(await readFile(join(b.dir, copyPath), "utf8"), "b\n");
});

test("a failure half-way through resolving aborts the merge and leaves the files as they were", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "n.md": "base\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "n.md": "a\n" });
  await writeFile(join(b.dir, "n.md"), "b\n");
  const broken = {
    ...world.recipe,
    commands: {
      ...world.recipe.commands,
      takeTheirs: ["git", "checkout", "--no-such-flag", "--", "{paths}"],
    },
  } as typeof world.recipe;
  const ops = createOperations({ root: b.dir, recipe: broken, runner: world.runner, host: "b" });
  const pull = await expectOutcome(ops, pullRequest("b"), "failed");
  assert.ok(pull.outcome === "failed");
  assert.match(pull.message, /merge failed and was undone/);
  assert.equal(await readFile(join(b.dir, "n.md"), "utf8"), "b\n");
  assert.deepEqual(await copiesIn(b.dir), [], "the copy written before the failure is removed");
  await assertNotMidMerge(b);
  await assert.rejects(access(join(b.dir, ".git", "MERGE_HEAD")));
  // The working copy is intact, so the next pull with a sane recipe resolves it.
  await pullConflicts(b, "b");
  await assertNotMidMerge(b);
});

test("three machines with one host name create the same file at once and converge keeping all three", async (t) => {
  const world = await gitWorld(t);
  const first = await world.clone("first");
  await commitAndPush(first, { "base.md": "base\n" });
  const clones = [
    await world.clone("m1", { host: "twin" }),
    await world.clone("m2", { host: "twin" }),
    await world.clone("m3", { host: "twin" }),
  ];
  const contents = ["written on m1\n", "written on m2\n", "written on m3\n"];
  await Promise.all(
    clones.map((clone, index) => writeFile(join(clone.dir, "shared.md"), contents[index]!)),
  );
  await Promise.all(
    clones.map(async (clone) => {
      const commit = await commitAll(clone.ops);
      assert.equal(commit.outcome, "committed");
      for (let attempt = 0; attempt < 20; attempt++) {
        const push = await clone.ops.run({ kind: "push" });
        if (push.outcome === "pushed" || push.outcome === "up-to-date") return;
        assert.equal(push.outcome, "rejected", JSON.stringify(push));
        const pull = await clone.ops.run(pullRequest("twin"));
        assert.ok(
          pull.outcome === "updated" || pull.outcome === "up-to-date",
          JSON.stringify(pull),
        );
      }
      assert.fail("never pushed");
    }),
  );
  for (const clone of clones) {
    const pull = await clone.ops.run(pullRequest("twin"));
    assert.ok(pull.outcome === "updated" || pull.outcome === "up-to-date", JSON.stringify(pull));
    await assertNotMidMerge(clone);
  }
  const trees = await Promise.all(clones.map((clone) => treeOf(clone)));
  assert.deepEqual(trees[1], trees[0]);
  assert.deepEqual(trees[2], trees[0]);
  const shared = [...trees[0]!.entries()]
    .filter(([path]) => path === "shared.md" || isConflictCopy(path))
    .map(([, base64]) => Buffer.from(base64, "base64").toString("utf8"))
    .sort();
  assert.deepEqual(shared, contents, "all three contents are present, each once");
});

test("the conflict copy holds the working-tree bytes (CRLF conversion applied)", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { ".gitattributes": "*.txt text eol=crlf\n", "w.txt": "base\r\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "w.txt": "from a\r\n" });
  await writeFile(join(b.dir, "w.txt"), "from b\r\nsecond\r\n");
  const [conflict] = await pullConflicts(b, "b");
  assert.equal(await readFile(join(b.dir, conflict!.copyPath!), "utf8"), "from b\r\nsecond\r\n");
  await assertNotMidMerge(b);
});

test("a merge of ours interrupted by a crash is undone on the next operation", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "n.md": "base\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "n.md": "a\n" });
  await writeFile(join(b.dir, "n.md"), "b\n");
  await commitAll(b.ops);
  // What a kill -9 half-way through a pull leaves: the merge open, markers in the file, one
  // conflict copy written, and the journal that says the merge was ours.
  await b.git("fetch", "-q");
  await b.git("merge", "origin/main").catch(() => undefined);
  assert.match(await readFile(join(b.dir, "n.md"), "utf8"), /<<<<<<</);
  const copy = "n (conflict b 2026-11-25 134501 abcdef).md";
  await writeFile(join(b.dir, copy), "b\n");
  await writeFile(join(b.dir, ".git", "autosync-merge.json"), JSON.stringify({ copies: [copy] }));

  const status = await expectOutcome(b.ops, { kind: "status" }, "ok");
  assert.ok(status.kind === "status" && status.outcome === "ok");
  assert.deepEqual(status.entries, []);
  assert.equal(await readFile(join(b.dir, "n.md"), "utf8"), "b\n");
  assert.deepEqual(await copiesIn(b.dir), []);
  await assert.rejects(access(join(b.dir, ".git", "autosync-merge.json")));
  await assertNotMidMerge(b);
  const [conflict] = await pullConflicts(b, "b");
  assert.equal(await readFile(join(b.dir, conflict!.copyPath!), "utf8"), "b\n");
});

test("a conflict the user resolved by hand while autosync was down survives the crash recovery", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "n.md": "base\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "n.md": "a\n" });
  await writeFile(join(b.dir, "n.md"), "b\n");
  await commitAll(b.ops);
  await b.git("fetch", "-q");
  await b.git("merge", "origin/main").catch(() => undefined);
  await writeFile(join(b.dir, ".git", "autosync-merge.json"), JSON.stringify({ copies: [] }));
  await writeFile(join(b.dir, "n.md"), "a and b, merged by hand\n");

  const status = await expectOutcome(b.ops, { kind: "status" }, "ok");
  assert.ok(status.kind === "status" && status.outcome === "ok");
  await assertNotMidMerge(b);
  const copies = await copiesIn(b.dir);
  assert.equal(copies.length, 1);
  assert.equal(await readFile(join(b.dir, copies[0]!), "utf8"), "a and b, merged by hand\n");
  assert.deepEqual(
    status.entries.map((entry) => [entry.path, entry.action]),
    [[copies[0], "added"]],
  );
});

test("a file on one side and a directory on the other: the directory stays, the file is kept beside it", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "seed.md": "seed\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { thing: "a file made on a\n" });
  await mkdir(join(b.dir, "thing"));
  await writeFile(join(b.dir, "thing", "inner.md"), "inside the directory made on b\n");

  const conflicts = await pullConflicts(b, "laptop");
  assert.equal(conflicts.length, 1, JSON.stringify(conflicts));
  const [conflict] = conflicts;
  assert.equal(conflict?.path, "thing");
  assert.equal(conflict?.kind, "directory-file");
  assert.match(
    conflict?.copyPath ?? "",
    /^thing \(conflict laptop 2026-11-25 134501 [0-9a-f]{6}\)$/,
  );
  assert.equal(await readFile(join(b.dir, conflict!.copyPath!), "utf8"), "a file made on a\n");
  assert.equal(
    await readFile(join(b.dir, "thing", "inner.md"), "utf8"),
    "inside the directory made on b\n",
  );
  assert.deepEqual(
    (await readdir(b.dir)).filter((name) => name.includes("~")),
    [],
    "no git `name~branch` file left",
  );
  await assertNotMidMerge(b);
  assert.equal(await b.git("status", "--porcelain"), "");

  // The other way round: A pulls B's directory over its file.
  await expectOutcome(b.ops, { kind: "push" }, "pushed");
  await expectOutcome(a.ops, pullRequest("a"), "updated");
  assert.deepEqual(await treeOf(a), await treeOf(b));
});

test("a local file meets a remote directory of the same name: the local file is kept beside it", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "seed.md": "seed\n" });
  const b = await world.clone("b");
  await mkdir(join(a.dir, "thing"));
  await commitAndPush(a, { "thing/inner.md": "inside the directory made on a\n" });
  await writeFile(join(b.dir, "thing"), "a file made on b\n");

  const conflicts = await pullConflicts(b, "laptop");
  assert.equal(conflicts.length, 1, JSON.stringify(conflicts));
  assert.equal(conflicts[0]?.kind, "directory-file");
  const copy = conflicts[0]?.copyPath ?? "";
  assert.match(copy, /^thing \(conflict laptop /);
  assert.equal(await readFile(join(b.dir, copy), "utf8"), "a file made on b\n");
  assert.equal(
    await readFile(join(b.dir, "thing", "inner.md"), "utf8"),
    "inside the directory made on a\n",
  );
  assert.deepEqual(
    (await readdir(b.dir)).filter((name) => name.includes("~")),
    [],
  );
  await assertNotMidMerge(b);
  assert.equal(await b.git("status", "--porcelain"), "");
});

test("a user's own `name~word` file beside a `name/` folder keeps its name in a conflict", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await mkdir(join(a.dir, "notes"));
  await commitAndPush(a, { "notes~draft": "draft v1\n", "notes/index.md": "index\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes~draft": "draft v2 from a\n" });
  await rm(join(b.dir, "notes~draft")); // deleted here, modified there

  const conflicts = await pullConflicts(b, "laptop");
  assert.deepEqual(conflicts, [{ path: "notes~draft", kind: "deleted-locally" }]);
  assert.equal(await readFile(join(b.dir, "notes~draft"), "utf8"), "draft v2 from a\n");
  assert.deepEqual(await copiesIn(b.dir), [], "no conflict copy named for the folder");
  await assertNotMidMerge(b);
});
