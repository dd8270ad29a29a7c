import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createOperations } from "../../../src/operations/create-operations.js";
import { commitAll, expectOutcome, gitWorld } from "./git-repos.js";

const WEIRD_NAMES = [
  "with space.txt",
  "new\nline.txt",
  "tab\there.txt",
  `quote"s and 'single'.txt`,
  "-leading-dash.txt",
  "--looks-like-an-option",
  "ünïcødé ✓ 日本.md",
  "star*.txt",
  "[bracket].txt",
  "question?.txt",
  "back\\slash.txt",
  "dir with space/-nested\nfile.txt",
];

test("files with spaces, newlines, quotes, dashes, unicode and glob characters round-trip byte for byte", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await mkdir(join(a.dir, "dir with space"));
  for (const [index, name] of WEIRD_NAMES.entries()) {
    await writeFile(join(a.dir, name), `content ${index} of ${name}\n`);
  }
  const status = await expectOutcome(a.ops, { kind: "status" }, "ok");
  assert.ok(status.kind === "status" && status.outcome === "ok");
  assert.deepEqual(status.entries.map((entry) => entry.path).sort(), [...WEIRD_NAMES].sort());
  for (const entry of status.entries) {
    assert.equal(entry.action, "added");
    assert.equal(
      entry.sizeBytes,
      Buffer.byteLength(`content ${WEIRD_NAMES.indexOf(entry.path)} of ${entry.path}\n`),
    );
  }
  const message = `autosync: 12 files\n\n"quoted" $(rm -rf /) \`backticks\` --amend`;
  const commit = await expectOutcome(
    a.ops,
    { kind: "commit", entries: status.entries, message },
    "committed",
  );
  assert.ok(commit.kind === "commit" && commit.outcome === "committed");
  assert.equal(commit.head, (await a.git("rev-parse", "HEAD")).trim());
  assert.equal(await a.git("log", "-1", "--format=%B"), `${message}\n\n`);
  await expectOutcome(a.ops, { kind: "push" }, "pushed");

  const b = await world.clone("b");
  for (const [index, name] of WEIRD_NAMES.entries()) {
    assert.equal(await readFile(join(b.dir, name), "utf8"), `content ${index} of ${name}\n`);
  }
  const after = await expectOutcome(a.ops, { kind: "status" }, "ok");
  assert.ok(after.kind === "status" && after.outcome === "ok");
  assert.deepEqual(after.entries, []);
});

test("a file named with glob characters is staged literally, never as a pattern", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await writeFile(join(a.dir, "*.txt"), "the star file\n");
  await writeFile(join(a.dir, "other.txt"), "must stay uncommitted\n");
  await expectOutcome(
    a.ops,
    { kind: "commit", entries: [{ path: "*.txt", action: "added" }], message: "star only" },
    "committed",
  );
  assert.equal(await a.git("ls-files", "-z"), "*.txt\0");
  const scoped = await expectOutcome(a.ops, { kind: "status", paths: ["*.txt"] }, "ok");
  assert.ok(scoped.kind === "status" && scoped.outcome === "ok");
  assert.deepEqual(scoped.entries, []);
});

test("a scoped status reports only the given paths, a whole status everything", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await mkdir(join(a.dir, "notes"));
  await writeFile(join(a.dir, "notes", "one.md"), "1");
  await writeFile(join(a.dir, "notes", "two.md"), "22");
  await writeFile(join(a.dir, "top.md"), "333");
  const scoped = await expectOutcome(
    a.ops,
    { kind: "status", paths: ["notes/two.md", "top.md"] },
    "ok",
  );
  assert.ok(scoped.kind === "status" && scoped.outcome === "ok");
  assert.deepEqual(scoped.entries.map((entry) => [entry.path, entry.sizeBytes]).sort(), [
    ["notes/two.md", 2],
    ["top.md", 3],
  ]);
  const directory = await expectOutcome(a.ops, { kind: "status", paths: ["notes"] }, "ok");
  assert.ok(directory.kind === "status" && directory.outcome === "ok");
  assert.deepEqual(directory.entries.map((entry) => entry.path).sort(), [
    "notes/one.md",
    "notes/two.md",
  ]);
  const whole = await expectOutcome(a.ops, { kind: "status" }, "ok");
  assert.ok(whole.kind === "status" && whole.outcome === "ok");
  assert.equal(whole.entries.length, 3);
});

test("2,000 new files become one commit", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  for (let dir = 0; dir < 20; dir++) {
    await mkdir(join(a.dir, `d${dir}`));
    await Promise.all(
      Array.from({ length: 100 }, (_, file) =>
        writeFile(join(a.dir, `d${dir}`, `file ${file}.txt`), `${dir}/${file}\n`),
      ),
    );
  }
  const result = await commitAll(a.ops);
  assert.equal(result.outcome, "committed");
  assert.equal((await a.git("rev-list", "--count", "HEAD")).trim(), "1");
  assert.equal((await a.git("ls-files", "-z")).split("\0").filter(Boolean).length, 2000);
});

test("modifications, deletions and renames are committed exactly as status reported them", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await writeFile(join(a.dir, "keep.md"), "v1\n");
  await writeFile(join(a.dir, "gone.md"), "bye\n");
  await writeFile(join(a.dir, "old name.md"), "moving\n");
  await writeFile(join(a.dir, "untouched.md"), "same\n");
  await commitAll(a.ops);
  await writeFile(join(a.dir, "keep.md"), "v2\n");
  await rm(join(a.dir, "gone.md"));
  await a.git("mv", "old name.md", "new name.md");
  const status = await expectOutcome(a.ops, { kind: "status" }, "ok");
  assert.ok(status.kind === "status" && status.outcome === "ok");
  const byPath = Object.fromEntries(status.entries.map((entry) => [entry.path, entry]));
  assert.equal(byPath["keep.md"]?.action, "modified");
  assert.equal(byPath["gone.md"]?.action, "deleted");
  assert.deepEqual(byPath["new name.md"], {
    path: "new name.md",
    action: "renamed",
    from: "old name.md",
    sizeBytes: 7,
  });
  assert.equal(status.trackedCount, 4, "deletions come with the tracked count for the guard");
  await expectOutcome(
    a.ops,
    { kind: "commit", entries: status.entries, message: "changes" },
    "committed",
  );
  assert.equal(
    await a.git("ls-files", "-z"),
    ["keep.md", "new name.md", "untouched.md"].join("\0") + "\0",
  );
  assert.equal(await a.git("status", "--porcelain"), "");
});

test("a file that came and went before the commit leaves nothing to commit", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await writeFile(join(a.dir, "base.md"), "x");
  await commitAll(a.ops);
  await writeFile(join(a.dir, "temp.md"), "x");
  const status = await expectOutcome(a.ops, { kind: "status" }, "ok");
  await rm(join(a.dir, "temp.md"));
  assert.ok(status.kind === "status" && status.outcome === "ok");
  await expectOutcome(
    a.ops,
    { kind: "commit", entries: status.entries, message: "nothing" },
    "nothing-to-commit",
  );
});

test("ignored paths are dropped from status and never staged, even when asked to", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const ops = createOperations({
    root: a.dir,
    recipe: world.recipe,
    runner: world.runner,
    isIgnored: (path) => path.endsWith(".swp") || path.endsWith("~"),
  });
  await writeFile(join(a.dir, "notes.md"), "text");
  await writeFile(join(a.dir, ".notes.md.swp"), "vim swap");
  await writeFile(join(a.dir, "notes.md~"), "backup");
  const status = await expectOutcome(ops, { kind: "status" }, "ok");
  assert.ok(status.kind === "status" && status.outcome === "ok");
  assert.deepEqual(
    status.entries.map((entry) => entry.path),
    ["notes.md"],
  );
  await expectOutcome(
    ops,
    {
      kind: "commit",
      entries: [
        { path: "notes.md", action: "added" },
        { path: ".notes.md.swp", action: "added" },
      ],
      message: "notes",
    },
    "committed",
  );
  assert.equal(await a.git("ls-files"), "notes.md\n");
});

test("without a configured identity commits go in as autosync <host>", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a", { identity: false, host: "nohome-box" });
  assert.equal(await a.git("config", "--get", "user.email").catch(() => ""), "");
  await writeFile(join(a.dir, "x.md"), "x");
  await expectOutcome(
    a.ops,
    { kind: "commit", entries: [{ path: "x.md", action: "added" }], message: "x" },
    "committed",
  );
  assert.equal(
    await a.git("log", "-1", "--format=%an <%ae>"),
    "autosync nohome-box <autosync@nohome-box>\n",
  );
});

test("a configured identity is used as is", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await writeFile(join(a.dir, "x.md"), "x");
  await commitAll(a.ops);
  assert.equal(await a.git("log", "-1", "--format=%an <%ae>"), "Tester a <a@example.test>\n");
});

test("an identity removed while autosync runs: the next commit falls back instead of failing", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a", { host: "forgetful" });
  await writeFile(join(a.dir, "x.md"), "x");
  await commitAll(a.ops);
  assert.equal(await a.git("log", "-1", "--format=%an <%ae>"), "Tester a <a@example.test>\n");
  // The lookup is not repeated per commit; git's refusal brings the fallback in.
  await a.git("config", "--unset", "user.email");
  await a.git("config", "--unset", "user.name");
  await writeFile(join(a.dir, "y.md"), "y");
  await expectOutcome(
    a.ops,
    { kind: "commit", entries: [{ path: "y.md", action: "added" }], message: "y" },
    "committed",
  );
  assert.equal(
    await a.git("log", "-1", "--format=%an <%ae>"),
    "autosync forgetful <autosync@forgetful>\n",
  );
});

test("a nested repository is neither reported nor added", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await mkdir(join(a.dir, "vendor"));
  await world.git(join(a.dir, "vendor"), "init", "--quiet");
  await writeFile(join(a.dir, "vendor", "inner.txt"), "inner");
  await writeFile(join(a.dir, "outer.txt"), "outer");
  const status = await expectOutcome(a.ops, { kind: "status" }, "ok");
  assert.ok(status.kind === "status" && status.outcome === "ok");
  assert.deepEqual(
    status.entries.map((entry) => entry.path),
    ["outer.txt"],
  );
});

test("an email without a name still commits, under the fallback identity", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a", { identity: false, host: "half" });
  await a.git("config", "user.email", "only-email@example.test");
  await a.git("config", "user.name", "");
  await writeFile(join(a.dir, "x.md"), "x");
  await expectOutcome(
    a.ops,
    { kind: "commit", entries: [{ path: "x.md", action: "added" }], message: "x" },
    "committed",
  );
  assert.equal(await a.git("log", "-1", "--format=%an <%ae>"), "autosync half <autosync@half>\n");
});

test("a name that is not UTF-8 is reported as unstorable and left on disk; a real U+FFFD name commits", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  // Latin-1 bytes, as an old archive or a Windows share may leave them.
  const latin1 = Buffer.concat([
    Buffer.from(`${a.dir}/caf`),
    Buffer.from([0xe9]),
    Buffer.from(".txt"),
  ]);
  await writeFile(latin1, "latin-1 name\n");
  await writeFile(join(a.dir, "real \uFFFD.txt"), "a name that really holds U+FFFD\n");
  await writeFile(join(a.dir, "plain.txt"), "plain\n");

  const status = await expectOutcome(a.ops, { kind: "status" }, "ok");
  assert.ok(status.kind === "status" && status.outcome === "ok");
  assert.deepEqual(status.entries.map((entry) => entry.path).sort(), [
    "plain.txt",
    "real \uFFFD.txt",
  ]);
  assert.deepEqual(status.unstorable, ["caf\uFFFD.txt"]);

  await expectOutcome(
    a.ops,
    { kind: "commit", entries: status.entries, message: "m" },
    "committed",
  );
  assert.deepEqual((await a.git("ls-files", "-z")).split("\0").filter(Boolean).sort(), [
    "plain.txt",
    "real \uFFFD.txt",
  ]);
  assert.equal(await readFile(latin1, "utf8"), "latin-1 name\n", "untouched on disk");
});

test("edits and deletions of tracked files commit without staging, exactly those paths, odd names too", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  const names = ["-dash.md", "with space.md", "[glob]*.md", "gone.md", "untouched.md"];
  for (const name of names) await writeFile(join(a.dir, name), `old ${name}`);
  assert.equal((await commitAll(a.ops)).outcome, "committed");
  await writeFile(join(a.dir, "-dash.md"), "new dash");
  await writeFile(join(a.dir, "with space.md"), "new space");
  await writeFile(join(a.dir, "[glob]*.md"), "new glob");
  await rm(join(a.dir, "gone.md"));
  // Staged by hand and not among the entries: stays staged, out of this commit.
  await writeFile(join(a.dir, "untouched.md"), "staged by hand");
  await a.git("add", "untouched.md");
  const entries = [
    { path: "-dash.md", action: "modified" },
    { path: "with space.md", action: "modified" },
    { path: "[glob]*.md", action: "modified" },
    { path: "gone.md", action: "deleted" },
  ] as const;
  const result = await a.ops.run({ kind: "commit", entries, message: "edits" });
  assert.equal(result.outcome, "committed");
  assert.equal(
    await a.git("show", "--name-status", "--format=", "HEAD"),
    "M\t-dash.md\nM\t[glob]*.md\nD\tgone.md\nM\twith space.md\n",
  );
  assert.equal(await a.git("show", "HEAD:with space.md"), "new space");
  assert.equal(await a.git("status", "--porcelain"), "M  untouched.md\n");
});
