import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { execa } from "execa";
import {
  assertNotMidMerge,
  commitAll,
  commitAndPush,
  expectOutcome,
  gitWorld,
  pullRequest,
} from "./git-repos.js";

// The git operations keep the upstream, remote URL, identity and root commits between
// operations (docs/architecture.md, "What the operations remember"). Each test changes one of
// them behind autosync's back and checks that the next operations notice and lose nothing.

test("an identity removed from the global config: git's refusal brings the fallback in, no commit lost", async (t) => {
  const world = await gitWorld(t);
  const gitconfig = join(world.env.HOME ?? "", ".gitconfig");
  await writeFile(gitconfig, "[user]\n\tname = Global\n\temail = global@example.test\n");
  const a = await world.clone("a", { identity: false, host: "box" });
  await writeFile(join(a.dir, "one.md"), "one");
  assert.equal((await commitAll(a.ops)).outcome, "committed");
  assert.equal(await a.git("log", "-1", "--format=%ae"), "global@example.test\n");
  // Outside the repository's own config: no stamp changes, only git's refusal can tell.
  await writeFile(gitconfig, "");
  await writeFile(join(a.dir, "two.md"), "two");
  assert.equal((await commitAll(a.ops)).outcome, "committed");
  assert.equal(await a.git("log", "-1", "--format=%an <%ae>"), "autosync box <autosync@box>\n");
  assert.equal(await a.git("ls-files"), "one.md\ntwo.md\n");
});

test("a remote re-pointed while autosync runs: pushes go to the new one, describe names it, no commit lost", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "first.md": "first" });
  assert.equal((await a.ops.describe()).remoteUrl, world.remote);

  const moved = join(world.dir, "moved.git");
  await world.git(world.dir, "clone", "--quiet", "--bare", world.remote, moved);
  await a.git("remote", "set-url", "origin", moved);
  await commitAndPush(a, { "second.md": "second" });
  assert.equal((await a.ops.describe()).remoteUrl, moved);
  assert.equal(await world.git(moved, "ls-tree", "--name-only", "main"), "first.md\nsecond.md\n");

  // Renamed: the cached name `origin` is gone; the upstream is asked again.
  await a.git("remote", "rename", "origin", "central");
  await commitAndPush(a, { "third.md": "third" });
  assert.equal(
    await world.git(moved, "ls-tree", "--name-only", "main"),
    "first.md\nsecond.md\nthird.md\n",
  );
  await expectOutcome(a.ops, pullRequest(), "up-to-date");
});

test("a branch renamed while autosync runs: the next push follows the branch's upstream, no commit lost", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const b = await world.clone("b");
  await commitAndPush(a, { "first.md": "first" });
  assert.equal((await a.ops.describe()).branch, "main");
  await a.git("branch", "-m", "main", "work");
  await commitAndPush(a, { "second.md": "second" });
  assert.equal((await a.ops.describe()).branch, "work");
  assert.equal(
    await world.git(world.remote, "ls-tree", "--name-only", "main"),
    "first.md\nsecond.md\n",
  );
  // The other machine's pulls are unaffected, and the renamed one still pulls from main.
  await expectOutcome(b.ops, pullRequest("b"), "updated");
  await commitAndPush(b, { "from-b.md": "b" });
  await expectOutcome(a.ops, pullRequest("a"), "updated");
  assert.equal(await a.git("ls-files"), "first.md\nfrom-b.md\nsecond.md\n");
});

test("history rewritten under autosync: the push is refused, the pull keeps both sides, no commit lost", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "pushed version\n" });
  // The user amends the commit that is already on the remote.
  await writeFile(join(a.dir, "notes.md"), "amended version\n");
  await a.git("commit", "--quiet", "--amend", "-a", "-m", "rewritten");
  await expectOutcome(a.ops, { kind: "push" }, "rejected");
  const pulled = await expectOutcome(a.ops, pullRequest("a"), "updated");
  assert.ok(pulled.kind === "pull" && pulled.outcome === "updated");
  assert.equal(pulled.conflicts.length, 1);
  await assertNotMidMerge(a);
  await expectOutcome(a.ops, { kind: "push" }, "pushed");
  const copy = pulled.conflicts[0]?.copyPath;
  assert.ok(copy !== undefined);
  const contents = [
    await readFile(join(a.dir, "notes.md"), "utf8"),
    await readFile(join(a.dir, copy), "utf8"),
  ].sort();
  assert.deepEqual(contents, ["amended version\n", "pushed version\n"]);
});

test("the repository id follows a new root that arrives by fast-forward, as a full count would", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const c = await world.clone("c");
  await commitAndPush(a, { "first.md": "first" });
  const before = await a.ops.describe();
  assert.ok(before.repositoryId);

  // Elsewhere: an unrelated history merged into main and pushed. Its root is made to sort
  // first, so the id must change (a cache that never looked again would keep the old one).
  await expectOutcome(c.ops, pullRequest("c"), "updated");
  const withInput = async (input: string, ...args: string[]) =>
    (await execa("git", args, { cwd: c.dir, env: world.env, input })).stdout.trim();
  const blob = await withInput("other root", "hash-object", "-w", "--stdin");
  const tree = await withInput(`100644 blob ${blob}\tother.md\n`, "mktree");
  let root = "";
  for (let attempt = 0; root === "" || root > (before.repositoryId ?? ""); attempt++) {
    root = (await c.git("commit-tree", tree, "-m", `second root ${attempt}`)).trim();
  }
  await c.git("merge", "--quiet", "--allow-unrelated-histories", "-m", "join", root);
  await c.git("push", "--quiet", "origin", "main");

  await expectOutcome(a.ops, pullRequest("a"), "updated");
  const roots = (await a.git("rev-list", "--max-parents=0", "HEAD")).split("\n").filter(Boolean);
  assert.equal(roots.length, 2);
  assert.equal(roots.sort()[0], root);
  assert.equal((await a.ops.describe()).repositoryId, root);
  assert.equal((await c.ops.describe()).repositoryId, root);
});

test("a git commit --only killed with -9 half-way: the next commit of a tracked edit clears its locks and records the edit", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await writeFile(join(a.dir, "notes.md"), "first");
  assert.equal((await commitAll(a.ops)).outcome, "committed");
  // A slow pre-commit hook holds git inside the commit, with index.lock and its temporary
  // index taken, until the kill.
  const hook = join(a.dir, ".git", "hooks", "pre-commit");
  await writeFile(hook, "#!/bin/sh\nsleep 60\n", { mode: 0o755 });
  await writeFile(join(a.dir, "notes.md"), "edited while a commit hung");
  const hung = spawn("git", ["commit", "--quiet", "--only", "-m", "hung", "--", "notes.md"], {
    cwd: a.dir,
    env: { ...process.env, ...world.env },
    detached: true,
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => hung.once("exit", resolve));
  const lock = join(a.dir, ".git", "index.lock");
  for (const deadline = Date.now() + 20_000; !existsSync(lock);) {
    assert.ok(Date.now() < deadline, "git never took index.lock");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  process.kill(-(hung.pid ?? 0), "SIGKILL");
  await exited;
  await rm(hook);
  assert.ok(existsSync(lock), "the kill left index.lock behind");

  await writeFile(join(a.dir, "notes.md"), "edited after the kill");
  const result = await a.ops.run({
    kind: "commit",
    entries: [{ path: "notes.md", action: "modified" }],
    message: "after the kill",
  });
  assert.equal(result.outcome, "committed", JSON.stringify(result));
  assert.equal(await a.git("show", "HEAD:notes.md"), "edited after the kill");
  assert.equal(existsSync(lock), false);
  assert.equal(await a.git("status", "--porcelain"), "");
});
