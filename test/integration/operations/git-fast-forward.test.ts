import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { ConflictCopy } from "../../../src/engine/operation.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import {
  assertNotMidMerge,
  commitAndPush,
  expectOutcome,
  gitWorld,
  pullRequest,
  type Clone,
} from "./git-repos.js";

// A clone that holds the remote's previous head pulls with git's own fast-forward, which refuses
// (touching nothing) when it would overwrite an ignored file, instead of looking for such files
// first. Each test puts something in that path's way and checks that nothing is lost.

/** Force-adds files git ignores in `clone`, commits and pushes them by hand. */
async function pushForceAdded(clone: Clone, files: Record<string, string>) {
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(clone.dir, name), content);
  }
  await clone.git("add", "-f", "--", ...Object.keys(files));
  await clone.git("commit", "-qm", "force-add");
  await clone.git("push", "-q");
}

const head = async (clone: Clone) => (await clone.git("rev-parse", "HEAD")).trim();

test("a fast-forward that would overwrite an ignored local file keeps it as a local-only conflict copy", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { ".gitignore": ".env\n*.secret\n", "base.md": "base" });
  const b = await world.clone("b");
  const names = [".env", "-n leading dash.secret", "line\nbreak.secret", "ünïcödé €.secret"];
  for (const name of names) await writeFile(join(b.dir, name), `local ${name}`);
  await pushForceAdded(a, Object.fromEntries(names.map((name) => [name, `remote ${name}`])));

  const pull = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.equal(pull.head, await head(a), "a fast-forward: no merge commit");
  assert.equal(pull.needsPush, false);
  assert.equal(pull.localCommit, undefined);
  assert.deepEqual([...pull.changedPaths].sort(), [...names].sort());
  for (const name of names) {
    assert.equal(await readFile(join(b.dir, name), "utf8"), `remote ${name}`);
    const kept: ConflictCopy | undefined = pull.conflicts.find((c) => c.path === name);
    assert.ok(kept?.copyPath, `${JSON.stringify(name)} is kept as a copy`);
    assert.equal(await readFile(join(b.dir, kept.copyPath), "utf8"), `local ${name}`);
    assert.equal(await b.git("ls-files", "--", kept.copyPath), "", "the copy stays untracked");
  }
  // The copies stay local-only: ignored or at most untracked (an exclude pattern cannot hold a
  // newline), and a push sends none of them.
  const shown = (await b.git("status", "--porcelain=v1", "-z")).split("\0").filter(Boolean);
  assert.ok(
    shown.every((line) => line.startsWith("?? ") && line.includes("\n")),
    String(shown),
  );
  await expectOutcome(b.ops, { kind: "push" }, "up-to-date");
  await assertNotMidMerge(b);
});

test("a fast-forward that an untracked file autosync ignores stands in the way fails and leaves it as it was", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "base.md": "base" });
  const b = await world.clone("b");
  const ops = createOperations({
    root: b.dir,
    recipe: world.recipe,
    runner: world.runner,
    host: "b",
    isIgnored: (path) => path.endsWith(".log"),
  });
  await writeFile(join(b.dir, "-x build.log"), "local, untracked, precious");
  await commitAndPush(a, { "-x build.log": "remote, tracked", "other.md": "other" });
  const before = await head(b);
  const pull = await expectOutcome(ops, pullRequest("b"), "failed");
  assert.ok(pull.outcome === "failed");
  assert.match(pull.message, /untracked working tree files would be overwritten/);
  assert.equal(await readFile(join(b.dir, "-x build.log"), "utf8"), "local, untracked, precious");
  await assert.rejects(readFile(join(b.dir, "other.md")), "nothing of the merge was written");
  assert.equal(await head(b), before);
  await assertNotMidMerge(b);
});

test("a fast-forward pull commits uncommitted local work first and keeps it", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes.md": "v2\n", "new from a.md": "a\n" });
  await writeFile(join(b.dir, "--draft ✓.md"), "b's work\n");

  const pull = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.deepEqual(
    pull.localCommit?.entries.map((e) => e.path),
    ["--draft ✓.md"],
  );
  assert.equal(pull.needsPush, true);
  assert.deepEqual([...pull.changedPaths].sort(), ["new from a.md", "notes.md"]);
  assert.equal(await readFile(join(b.dir, "--draft ✓.md"), "utf8"), "b's work\n");
  assert.equal(await readFile(join(b.dir, "notes.md"), "utf8"), "v2\n");
  assert.equal(await b.git("status", "--porcelain"), "");
  await assertNotMidMerge(b);
});

test("a remote rewound by force to an ancestor of HEAD is no news: nothing merged, nothing lost", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "f.md": "1" });
  await commitAndPush(a, { "f.md": "2", "g.md": "g" });
  const b = await world.clone("b");
  const bHead = await head(b);
  await a.git("push", "-q", "--force", "origin", "HEAD~1:main");

  const pull = await expectOutcome(b.ops, pullRequest("b"), "up-to-date");
  assert.ok(pull.kind === "pull" && pull.outcome === "up-to-date");
  assert.equal(pull.head, bHead);
  assert.equal(pull.needsPush, true, "the remote lacks HEAD's newest commit");
  assert.deepEqual(pull.changedPaths, []);
  assert.equal(await readFile(join(b.dir, "g.md"), "utf8"), "g");
  await expectOutcome(b.ops, { kind: "push" }, "pushed");
  assert.equal((await a.git("ls-remote", "origin", "main")).split("\t")[0], bHead);
});

test("a rewritten remote that brings a tracked copy of an ignored file: the real merge still moves it aside", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { ".gitignore": ".env\n", "f.md": "1" });
  await commitAndPush(a, { "f.md": "2" });
  const b = await world.clone("b");
  await writeFile(join(b.dir, ".env"), "SECRET=local-only\n");
  // a drops its last commit and pushes a different one over it: no fast-forward for b, which
  // still holds the remote's previous head.
  await a.git("reset", "-q", "--hard", "HEAD~1");
  await writeFile(join(a.dir, "f.md"), "2 rewritten");
  await a.git("commit", "-qam", "rewritten");
  await writeFile(join(a.dir, ".env"), "SECRET=template\n");
  await a.git("add", "-f", ".env");
  await a.git("commit", "-qm", "force-add .env");
  await a.git("push", "-q", "--force");

  const pull = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.equal(await readFile(join(b.dir, ".env"), "utf8"), "SECRET=template\n");
  const env = pull.conflicts.find((c) => c.path === ".env");
  assert.ok(env?.copyPath);
  assert.equal(await readFile(join(b.dir, env.copyPath), "utf8"), "SECRET=local-only\n");
  // Both versions of f.md are kept: one at its name, one as a conflict copy.
  const f = pull.conflicts.find((c) => c.path === "f.md");
  assert.ok(f?.copyPath);
  const both = [
    await readFile(join(b.dir, "f.md"), "utf8"),
    await readFile(join(b.dir, f.copyPath), "utf8"),
  ];
  assert.deepEqual(both.sort(), ["2", "2 rewritten"]);
  assert.equal(pull.needsPush, true);
  assert.equal(await b.git("status", "--porcelain"), "");
  await assertNotMidMerge(b);
});

test("a git reset or a hand commit between pulls: the next pull merges what the remote has", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "one.md": "1" });
  await commitAndPush(a, { "two.md": "2" });
  const b = await world.clone("b");
  const c = await world.clone("c");

  // b: HEAD moved back behind the remote-tracking ref by hand.
  await b.git("reset", "-q", "--hard", "HEAD~1");
  // c: a commit made by hand on top of the remote's head.
  await writeFile(join(c.dir, "by hand.md"), "h");
  await c.git("add", "--", "by hand.md");
  await c.git("commit", "-qm", "by hand");
  const handCommit = await head(c);
  await commitAndPush(a, { "three.md": "3" });

  const pulledB = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pulledB.kind === "pull" && pulledB.outcome === "updated");
  assert.equal(pulledB.head, await head(a));
  assert.deepEqual([...pulledB.changedPaths].sort(), ["three.md", "two.md"]);
  assert.equal(await readFile(join(b.dir, "two.md"), "utf8"), "2");

  const pulledC = await expectOutcome(c.ops, pullRequest("c"), "updated");
  assert.ok(pulledC.kind === "pull" && pulledC.outcome === "updated");
  assert.equal(pulledC.needsPush, true);
  assert.deepEqual(pulledC.changedPaths, ["three.md"]);
  assert.equal((await c.git("rev-parse", "HEAD^1")).trim(), handCommit, "the hand commit stays");
  assert.equal(await readFile(join(c.dir, "by hand.md"), "utf8"), "h");
  assert.equal(await readFile(join(c.dir, "three.md"), "utf8"), "3");
  await assertNotMidMerge(b);
  await assertNotMidMerge(c);
});

// The engine says the tree is clean (treeClean) when its last whole-tree look found nothing and
// every change since is committed; the watcher may still be about to report an edit. The pull
// then tries the fast-forward before any status, and git's refusal must keep such an edit.

test("a pull told the tree is clean that meets uncommitted edits in its way commits them and keeps both sides", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes.md": "v2 from a\n", "-new ✓.md": "from a\n" });
  await writeFile(join(b.dir, "notes.md"), "edited on b, not reported yet\n");
  await writeFile(join(b.dir, "-new ✓.md"), "new on b, not reported yet\n");

  const pull = await expectOutcome(b.ops, { ...pullRequest("b"), treeClean: true }, "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.deepEqual(pull.localCommit?.entries.map((e) => e.path).sort(), ["-new ✓.md", "notes.md"]);
  assert.equal(pull.needsPush, true);
  for (const [path, local, remote] of [
    ["notes.md", "edited on b, not reported yet\n", "v2 from a\n"],
    ["-new ✓.md", "new on b, not reported yet\n", "from a\n"],
  ] as const) {
    assert.equal(await readFile(join(b.dir, path), "utf8"), remote);
    const kept: ConflictCopy | undefined = pull.conflicts.find((c) => c.path === path);
    assert.ok(kept?.copyPath, `${path} has a conflict copy`);
    assert.equal(await readFile(join(b.dir, kept.copyPath), "utf8"), local);
  }
  assert.equal(await b.git("status", "--porcelain"), "");
  await assertNotMidMerge(b);
});

test("a pull told the tree is clean fast-forwards around an unrelated uncommitted edit and leaves it", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n", "todo.md": "t1\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes.md": "v2 from a\n" });
  await writeFile(join(b.dir, "todo.md"), "t2 on b, not reported yet\n");

  const pull = await expectOutcome(b.ops, { ...pullRequest("b"), treeClean: true }, "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.equal(pull.head, await head(a), "a fast-forward");
  assert.deepEqual(pull.changedPaths, ["notes.md"]);
  assert.equal(pull.localCommit, undefined);
  assert.equal(await readFile(join(b.dir, "notes.md"), "utf8"), "v2 from a\n");
  // The edit is the engine's to commit, after its quiet period, when the watcher reports it.
  assert.equal(await readFile(join(b.dir, "todo.md"), "utf8"), "t2 on b, not reported yet\n");
  assert.equal(await b.git("status", "--porcelain"), " M todo.md\n");
  await assertNotMidMerge(b);
});

test("a clone that never committed keeps its ignored file when its first pull merges a tracked copy of it", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const b = await world.clone("b");
  // b ignores .env in its own exclude file, and has work of its own, not yet committed.
  await writeFile(join(b.dir, ".git", "info", "exclude"), ".env\n");
  await writeFile(join(b.dir, ".env"), "SECRET=b only\n");
  await writeFile(join(b.dir, "mine.md"), "b's first file\n");
  await pushForceAdded(a, { ".env": "SECRET=template\n", "theirs.md": "a's\n" });

  const pull = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.ok(pull.localCommit, "b's work is committed first");
  assert.equal(await readFile(join(b.dir, ".env"), "utf8"), "SECRET=template\n");
  const env: ConflictCopy | undefined = pull.conflicts.find((c) => c.path === ".env");
  assert.ok(env?.copyPath, "the local .env is kept as a copy");
  assert.equal(await readFile(join(b.dir, env.copyPath), "utf8"), "SECRET=b only\n");
  assert.equal(await readFile(join(b.dir, "mine.md"), "utf8"), "b's first file\n");
  assert.equal(await b.git("ls-files", "--", env.copyPath), "", "the copy stays local");
  await assertNotMidMerge(b);
});
