import { test } from "node:test";
import assert from "node:assert/strict";
import { access, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { OperationRequest } from "../../../src/engine/operation.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import type { CommandRunner } from "../../../src/runtime/command-runner.js";
import {
  type Clone,
  type GitWorld,
  assertNotMidMerge,
  commitAndPush,
  expectOutcome,
  gitWorld,
  pullRequest,
  treeOf,
} from "./git-repos.js";

/** A clone whose operations record every argv they run (to prove what ran and what did not). */
async function recordingClone(world: GitWorld, name: string) {
  const clone = await world.clone(name);
  const commands: string[][] = [];
  const runner: CommandRunner = {
    run: (argv, options) => {
      commands.push([...argv]);
      return world.runner.run(argv, options);
    },
  };
  const ops = createOperations({ root: clone.dir, recipe: world.recipe, runner, host: name });
  return { clone: { ...clone, ops } satisfies Clone, commands };
}

function pullFrom(host: string, url: string, head?: string): OperationRequest {
  return { ...pullRequest(host), origin: { url, ...(head !== undefined ? { head } : {}) } };
}

const headOf = async (clone: Clone) => (await clone.git("rev-parse", "HEAD")).trim();

test("B fetches from A first; with the remote away it still gets A's change, then converges", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n" });
  const { clone: b, commands } = await recordingClone(world, "b");
  await commitAndPush(a, { "notes.md": "v2 from a\n" });
  await writeFile(join(b.dir, "todo.md"), "written on b meanwhile\n");

  // The hosted remote is unreachable (a moved-away path is what git calls "not a repository").
  const away = `${world.remote}.away`;
  await rename(world.remote, away);
  const offline = await b.ops.run(pullFrom("b", a.dir, await headOf(a)));
  assert.equal(offline.outcome, "offline", JSON.stringify(offline));
  assert.ok(
    commands.some((argv) => argv.includes("fetch") && argv.includes(a.dir)),
    "the origin was fetched",
  );
  assert.equal(await readFile(join(b.dir, "notes.md"), "utf8"), "v2 from a\n");
  assert.equal(await readFile(join(b.dir, "todo.md"), "utf8"), "written on b meanwhile\n");
  assert.equal(await b.git("status", "--porcelain"), "", "B's edit was committed, not lost");
  assert.ok(offline.outcome === "offline");
  assert.deepEqual(
    offline.localCommit?.entries.map((entry) => entry.path),
    ["todo.md"],
    "the commit made before the remote failed is reported",
  );
  await assertNotMidMerge(b);

  // The remote comes back: the normal pull and push make everything converge.
  await rename(away, world.remote);
  const pull = await expectOutcome(b.ops, pullRequest("b"), "up-to-date");
  assert.ok(pull.kind === "pull" && pull.outcome === "up-to-date" && pull.needsPush);
  await expectOutcome(b.ops, { kind: "push" }, "pushed");
  await expectOutcome(a.ops, pullRequest("a"), "updated");
  assert.deepEqual(await treeOf(a), await treeOf(b));
  assert.equal(await headOf(a), await headOf(b));
  assert.equal((await world.git(world.remote, "rev-parse", "main")).trim(), await headOf(b));
});

test("with the remote reachable, the origin merge is reported and the remote still checked", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n" });
  const { clone: b, commands } = await recordingClone(world, "b");
  await commitAndPush(a, { "notes.md": "v2\n", "added.md": "new\n" });
  const pull = await expectOutcome(b.ops, pullFrom("b", `file://${a.dir}`), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.deepEqual(pull.origin, { url: `file://${a.dir}`, outcome: "merged" });
  assert.deepEqual([...pull.changedPaths].sort(), ["added.md", "notes.md"]);
  assert.equal(pull.needsPush, false);
  assert.equal(pull.head, await headOf(a));
  const originFetch = commands.findIndex((argv) => argv.includes(`file://${a.dir}`));
  const remoteFetch = commands.findIndex(
    (argv, i) => i > originFetch && argv[1] === "fetch" && argv.includes("origin"),
  );
  assert.ok(originFetch >= 0 && remoteFetch > originFetch, "origin first, then the remote");
  await assertNotMidMerge(b);
});

test("an unreachable origin is no error: the central remote brings the change", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes.md": "v2\n" });
  const pull = await expectOutcome(
    b.ops,
    pullFrom("b", join(world.dir, "no-such-machine")),
    "updated",
  );
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.equal(pull.origin?.outcome, "failed");
  assert.equal(await readFile(join(b.dir, "notes.md"), "utf8"), "v2\n");
});

test("a conflict between the origin and local work keeps both sides", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n" });
  const b = await world.clone("b");
  await commitAndPush(a, { "notes.md": "a's version\n" });
  await writeFile(join(b.dir, "notes.md"), "b's version\n");
  const pull = await expectOutcome(b.ops, pullFrom("b", a.dir), "updated");
  assert.ok(pull.kind === "pull" && pull.outcome === "updated");
  assert.equal(pull.origin?.outcome, "merged");
  assert.equal(pull.conflicts.length, 1);
  const copy = pull.conflicts[0]?.copyPath;
  assert.ok(copy);
  assert.equal(await readFile(join(b.dir, "notes.md"), "utf8"), "a's version\n");
  assert.equal(await readFile(join(b.dir, copy), "utf8"), "b's version\n");
  assert.equal(pull.needsPush, true);
  await assertNotMidMerge(b);
});

test("an origin whose announced head is already here is not fetched", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "notes.md": "v1\n" });
  const { clone: b, commands } = await recordingClone(world, "b");
  const pull = await expectOutcome(b.ops, pullFrom("b", a.dir, await headOf(a)), "up-to-date");
  assert.ok(pull.kind === "pull" && pull.outcome === "up-to-date");
  assert.equal(pull.origin?.outcome, "up-to-date");
  assert.ok(!commands.some((argv) => argv.includes(a.dir)));
});

for (const bad of [
  "--upload-pack=touch PWNED",
  "-oProxyCommand=touch PWNED",
  "ext::sh -c touch% PWNED",
  "ssh://-oProxyCommand=touch%20PWNED/notes",
]) {
  test(`a hostile pull URL ${JSON.stringify(bad)} is refused without running anything`, async (t) => {
    const world = await gitWorld(t);
    const a = await world.clone("a");
    await commitAndPush(a, { "notes.md": "v1\n" });
    const { clone: b, commands } = await recordingClone(world, "b");
    await commitAndPush(a, { "notes.md": "v2\n" });
    const marker = join(world.dir, "PWNED");
    const url = bad.replace("PWNED", marker);
    const pull = await expectOutcome(b.ops, pullFrom("b", url), "updated");
    assert.ok(pull.kind === "pull" && pull.outcome === "updated");
    assert.equal(pull.origin?.outcome, "rejected");
    assert.ok(!commands.some((argv) => argv.some((arg) => arg.includes(marker))));
    await assert.rejects(access(marker), "nothing ran");
    await assert.rejects(access(join(b.dir, "PWNED")), "nothing ran");
    assert.equal(
      await readFile(join(b.dir, "notes.md"), "utf8"),
      "v2\n",
      "the remote still pulled",
    );
  });
}
