import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createOperations } from "../../../src/operations/create-operations.js";
import {
  assertNotMidMerge,
  commitAll,
  commitAndPush,
  expectOutcome,
  gitWorld,
  pullRequest,
} from "./git-repos.js";

test("a pull fast-forwards to the remote and names the changed paths", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n", "other.md": "o\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes.md": "v2\n", "added.md": "new\n" });
  const pull = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.deepEqual(pull.changedPaths.sort(), ["added.md", "notes.md"]);
  assert.deepEqual(pull.conflicts, []);
  assert.equal(pull.needsPush, false);
  assert.equal(pull.localCommit, undefined, "nothing local, so no commit of its own");
  assert.equal(pull.head, (await a.git("rev-parse", "HEAD")).trim());
  assert.equal(await readFile(join(b.dir, "notes.md"), "utf8"), "v2\n");
  await expectOutcome(b.ops, pullRequest("b"), "up-to-date");
  await assertNotMidMerge(b);
});

test("an uncommitted local edit is committed before the merge and kept", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n", "todo.md": "t1\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes.md": "v2 from a\n" });
  await writeFile(join(b.dir, "todo.md"), "t2 edited on b, not yet committed\n");
  await writeFile(join(b.dir, "fresh.md"), "new on b\n");
  const pull = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.equal(pull.needsPush, true);
  assert.deepEqual(pull.changedPaths, ["notes.md"]);
  assert.equal(
    await readFile(join(b.dir, "todo.md"), "utf8"),
    "t2 edited on b, not yet committed\n",
  );
  assert.equal(await readFile(join(b.dir, "notes.md"), "utf8"), "v2 from a\n");
  assert.equal(await b.git("status", "--porcelain"), "");
  assert.match(await b.git("log", "--format=%s"), /autosync: local changes on b/);
  // The pre-merge commit is reported, so the engine can publish it like its own commits.
  const made = pull.localCommit;
  assert.ok(made, "the pull reports the commit it made");
  assert.equal(made.message, "autosync: local changes on b");
  assert.equal(made.head, (await b.git("rev-parse", "HEAD^1")).trim(), "the merge's first parent");
  assert.equal((await b.git("log", "-1", "--format=%s", made.head)).trim(), made.message);
  assert.deepEqual(made.entries.map((entry) => [entry.path, entry.action]).sort(), [
    ["fresh.md", "added"],
    ["todo.md", "modified"],
  ]);
  await assertNotMidMerge(b);
  await expectOutcome(b.ops, { kind: "push" }, "pushed");
  await expectOutcome(a.ops, pullRequest("a"), "updated");
  assert.equal(await readFile(join(a.dir, "fresh.md"), "utf8"), "new on b\n");
});

test("pulling from an empty remote is up to date; local commits still need a push", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const empty = await expectOutcome(a.ops, pullRequest("a"), "up-to-date");
  assert.ok(empty.kind === "pull" && empty.outcome === "up-to-date");
  assert.equal(empty.needsPush, false);
  await writeFile(join(a.dir, "x.md"), "x");
  await commitAll(a.ops);
  const ahead = await expectOutcome(a.ops, pullRequest("a"), "up-to-date");
  assert.ok(ahead.kind === "pull" && ahead.outcome === "up-to-date");
  assert.equal(ahead.needsPush, true);
});

test("with nothing new on the remote a pull commits nothing and reports unpushed commits", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "x.md": "1" });
  await writeFile(join(a.dir, "x.md"), "2");
  const idle = await expectOutcome(a.ops, pullRequest("a"), "up-to-date");
  assert.ok(idle.kind === "pull" && idle.outcome === "up-to-date");
  assert.equal(idle.needsPush, false);
  assert.equal(await a.git("status", "--porcelain"), " M x.md\n", "left to the engine's commit");
  await commitAll(a.ops);
  const ahead = await expectOutcome(a.ops, pullRequest("a"), "up-to-date");
  assert.ok(ahead.kind === "pull" && ahead.outcome === "up-to-date");
  assert.equal(ahead.needsPush, true);
});

test("two machines that started from an empty remote merge their unrelated histories", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const b = await world.clone("b");
  await commitAndPush(a, { "from-a.md": "a" });
  await writeFile(join(b.dir, "from-b.md"), "b");
  await commitAll(b.ops);
  const pull = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.equal(pull.needsPush, true);
  await expectOutcome(b.ops, { kind: "push" }, "pushed");
  await expectOutcome(a.ops, pullRequest("a"), "updated");
  assert.equal(await readFile(join(a.dir, "from-b.md"), "utf8"), "b");
  assert.equal(await readFile(join(b.dir, "from-a.md"), "utf8"), "a");
  const [idA, idB] = [await a.ops.describe(), await b.ops.describe()];
  assert.ok(idA.repositoryId);
  assert.equal(idA.repositoryId, idB.repositoryId, "one id despite two root commits");
});

test("a merge git refuses (an ignored file in the way) fails and leaves every file as it was", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "base.md": "base" });
  const b = await world.clone("b");
  const bOps = createOperations({
    root: b.dir,
    recipe: world.recipe,
    runner: world.runner,
    isIgnored: (path) => path.endsWith(".log"),
  });
  await writeFile(join(b.dir, "build.log"), "local, ignored, precious");
  await commitAndPush(a, { "build.log": "remote, tracked" });
  const pull = await expectOutcome(bOps, pullRequest("b"), "failed");
  assert.ok(pull.outcome === "failed");
  assert.match(pull.message, /untracked working tree files would be overwritten/);
  assert.equal(await readFile(join(b.dir, "build.log"), "utf8"), "local, ignored, precious");
  await assertNotMidMerge(b);
});

test("an edit saved between the pull's commit and its merge is committed, and the merge runs", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n", "todo.md": "t1\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes.md": "v2 from a\n" });
  await writeFile(join(b.dir, "todo.md"), "t2 edited on b\n");
  // The user saves notes.md just as the merge starts, after the pull committed todo.md.
  const merges: string[][] = [];
  const racing = createOperations({
    root: b.dir,
    recipe: world.recipe,
    host: "b",
    runner: {
      run: async (argv, options) => {
        if (argv[1] === "merge" && !argv.includes("--abort")) {
          merges.push([...argv]);
          if (merges.length === 1)
            await writeFile(join(b.dir, "notes.md"), "saved during the pull\n");
        }
        return world.runner.run(argv, options);
      },
    },
  });
  const pull = await expectOutcome(racing, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.equal(merges.length, 2, "git refused the first merge; the second ran on a clean tree");
  await assertNotMidMerge(b);
  assert.equal(await b.git("status", "--porcelain"), "");
  // Both sides of notes.md are kept: the remote's at the path, the saved edit in a copy.
  assert.equal(await readFile(join(b.dir, "notes.md"), "utf8"), "v2 from a\n");
  assert.equal(pull.conflicts.length, 1, JSON.stringify(pull.conflicts));
  const copy = pull.conflicts[0]?.copyPath;
  assert.ok(copy && copy !== "notes.md");
  assert.equal(await readFile(join(b.dir, copy), "utf8"), "saved during the pull\n");
  assert.equal(await readFile(join(b.dir, "todo.md"), "utf8"), "t2 edited on b\n");
  // Both commits of local work are reported, so the engine publishes them like its own.
  assert.deepEqual(pull.localCommit?.entries.map((entry) => entry.path).sort(), [
    "notes.md",
    "todo.md",
  ]);
  assert.equal(pull.needsPush, true);
});

test("a merge someone else left in progress is never touched", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "f.md": "base\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "f.md": "a\n" });
  await writeFile(join(b.dir, "f.md"), "b\n");
  await b.git("commit", "-qam", "b by hand");
  await b.git("fetch", "-q");
  await b.git("merge", "origin/main").catch(() => undefined);
  const status = await expectOutcome(b.ops, { kind: "status" }, "failed");
  assert.ok(status.outcome === "failed");
  assert.match(status.message, /unmerged paths \(f\.md\)/);
  await expectOutcome(b.ops, pullRequest("b"), "failed");
  assert.match(
    await readFile(join(b.dir, "f.md"), "utf8"),
    /<<<<<<</,
    "the user's merge is left as is",
  );
});

test("describe names the root commit, the remote without credentials, head and branch", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const before = await a.ops.describe();
  assert.equal(before.repositoryId, undefined);
  assert.equal(before.head, undefined);
  await commitAndPush(a, { "x.md": "x" });
  await a.git("remote", "set-url", "origin", "https://user:s3cret@example.test/notes.git");
  const described = await a.ops.describe();
  assert.equal(described.repositoryId, (await a.git("rev-list", "--max-parents=0", "HEAD")).trim());
  assert.equal(described.head, (await a.git("rev-parse", "HEAD")).trim());
  assert.equal(described.branch, "main");
  assert.equal(described.remoteUrl, "https://example.test/notes.git");
});

test("a pull never commits a mass deletion first: the guard holds it back", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const files = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}.md`, `${i}`]));
  await commitAndPush(a, files);
  const b = await world.clone("b");
  await commitAndPush(a, { "f0.md": "changed on a" });
  const ops = createOperations({
    root: b.dir,
    recipe: world.recipe,
    runner: world.runner,
    deletionGuard: { maxShare: 0.5, minFiles: 5 },
  });
  const headBefore = await b.git("rev-parse", "HEAD");
  for (const name of Object.keys(files)) await rm(join(b.dir, name));
  const pull = await expectOutcome(ops, pullRequest("b"), "failed");
  assert.ok(pull.outcome === "failed");
  assert.match(pull.message, /10 of 10 tracked files are deleted locally/);
  assert.equal(await b.git("rev-parse", "HEAD"), headBefore);
  await assertNotMidMerge(b);
});

test("a clone that never committed takes the remote's history on its first pull", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const b = await world.clone("b");
  await commitAndPush(a, { "one.md": "1", "two.md": "2" });
  const pull = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.deepEqual(pull.changedPaths.sort(), ["one.md", "two.md"]);
  assert.equal(pull.needsPush, false);
  assert.equal(await readFile(join(b.dir, "two.md"), "utf8"), "2");
});

test("a pull with a stale index.lock left by a killed git removes it and goes on", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "x.md": "1" });
  const b = await world.clone("b");
  await commitAndPush(a, { "x.md": "2" });
  await writeFile(join(b.dir, "local.md"), "uncommitted");
  await writeFile(join(b.dir, ".git", "index.lock"), "");
  await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.equal(await readFile(join(b.dir, "x.md"), "utf8"), "2");
  assert.equal(await b.git("status", "--porcelain"), "");
});

test("an ignored local file the merge would overwrite is moved aside and stays local", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { ".gitignore": ".env\n\\[weird\\] \\*.cfg\n", "base.md": "base" });
  const b = await world.clone("b");
  await writeFile(join(b.dir, ".env"), "SECRET=local-only\n");
  await writeFile(join(b.dir, "[weird] *.cfg"), "local cfg\n");
  await writeFile(join(a.dir, ".env"), "SECRET=shared-template\n");
  await writeFile(join(a.dir, "[weird] *.cfg"), "remote cfg\n");
  await a.git("add", "-f", ".env", "[weird] *.cfg");
  await a.git("commit", "-qm", "force-add");
  await a.git("push", "-q");
  await writeFile(join(b.dir, "base.md"), "edited on b");

  const pull = await expectOutcome(b.ops, pullRequest("b"), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.equal(await readFile(join(b.dir, ".env"), "utf8"), "SECRET=shared-template\n");
  const env = pull.conflicts.find((c) => c.path === ".env");
  const cfg = pull.conflicts.find((c) => c.path === "[weird] *.cfg");
  assert.equal(await readFile(join(b.dir, env!.copyPath!), "utf8"), "SECRET=local-only\n");
  assert.equal(await readFile(join(b.dir, cfg!.copyPath!), "utf8"), "local cfg\n");
  // The local-only contents stay local-only: ignored, never committed or pushed.
  assert.equal(await b.git("status", "--porcelain"), "");
  await expectOutcome(b.ops, { kind: "push" }, "pushed");
  assert.equal(await b.git("ls-files", "--", env!.copyPath!, cfg!.copyPath!), "");
  await assertNotMidMerge(b);
});
