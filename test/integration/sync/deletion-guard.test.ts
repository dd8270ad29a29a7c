import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import {
  SyncFixture,
  pathExists,
  treeDigest,
  waitForRemote,
  writeFileIn,
  type AutosyncProcess,
} from "../../support/sync-fixture.js";

const tracked = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`data/f-${i}.txt`, `file ${i}\n`]));

/**
 * Lets time pass the honest way: an edit in B makes the full round trip to the remote. A bug
 * that commits or pulls "soon" has had its chance by then (every timer is shorter).
 */
async function roundTripThroughB(fixture: SyncFixture, name: string): Promise<void> {
  await writeFileIn(fixture.copy(1).path, name, `${name}\n`);
  await waitForRemote(fixture, `${name} from B on the remote`, (tree) => tree.has(name), 30_000);
}

function errorEvents(proc: AutosyncProcess) {
  return proc.eventsOf("error").filter((event) => !event.repo || event.repo === proc.copy.name);
}

const execFileAsync = promisify(execFile);

describe("guards against mass deletion (git, real binary)", () => {
  test("deleting 150 of 200 tracked files pauses the repository with an error naming `autosync resume --allow-deletions`, and the remote keeps all 200", async (t) => {
    const fixture = await SyncFixture.create(t, { seed: tracked(200) });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    const [procA] = await fixture.startAll();
    await procA!.waitStartupSync();
    const before = await fixture.remoteHead();

    // One `rm` process: the deletions are one burst even when the test's own event loop is
    // starved by a loaded CI box. A CI rehearsal once saw "149 of 200": one deletion had been
    // committed on its own, as a 300 ms gap inside 150 awaited unlinks would allow.
    await execFileAsync("rm", [
      "--",
      ...Array.from({ length: 150 }, (_, i) => join(a.path, `data/f-${i}.txt`)),
    ]);
    const error = await procA!.waitForEvent(
      "an error event naming `autosync resume --allow-deletions`",
      (event) =>
        event.type === "error" &&
        /autosync resume --allow-deletions/.test(`${event.message} ${event.hint ?? ""}`),
      { timeoutMs: 30_000 },
    );
    const text = `${"message" in error ? error.message : ""} ${"hint" in error ? (error.hint ?? "") : ""}`;
    // What was seen: the guard may look while the deletions are still going on (≥ 100 of 201).
    const seen = /(\d+) of 201\b/.exec(text);
    assert.ok(
      seen && Number(seen[1]) >= 100 && Number(seen[1]) <= 150,
      `the error says how many of the 201 tracked files would go: ${text}`,
    );
    await procA!.waitForEvent(
      "the repository to be paused",
      (event) => event.type === "stateChanged" && event.to === "paused",
      { timeoutMs: 10_000 },
    );

    await roundTripThroughB(fixture, "from-b-1.md");
    await roundTripThroughB(fixture, "from-b-2.md");
    const remote = await fixture.remoteTree();
    const data = [...remote.keys()].filter((path) => path.startsWith("data/"));
    assert.equal(data.length, 200, "the remote still has all 200 files");
    const log = await fixture.run("git", [
      "--git-dir",
      fixture.remote,
      "log",
      "--format=%H",
      "--diff-filter=D",
      `${before}..main`,
    ]);
    assert.equal(log, "", "no commit on the remote deletes anything");
    assert.equal(
      [...(await treeDigest(b.path)).keys()].filter((p) => p.startsWith("data/")).length,
      200,
    );
    assert.equal(
      await pathExists(join(a.path, "from-b-1.md")),
      false,
      "nothing is pulled into the paused copy",
    );
    assert.equal(errorEvents(procA!).length >= 1, true);
  });

  test("removing the whole watch root commits nothing and copy B keeps its files", async (t) => {
    const fixture = await SyncFixture.create(t, { seed: tracked(20) });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    const [procA] = await fixture.startAll();
    await procA!.waitStartupSync();
    const before = await fixture.remoteHead();

    // An unmounted drive or a mistaken `rm -rf`: the root is gone, .git and all.
    await rm(a.path, { recursive: true, force: true });
    await procA!.waitForEvent(
      "an error event about the missing root",
      (event) => event.type === "error",
      {
        timeoutMs: 30_000,
      },
    );
    await roundTripThroughB(fixture, "from-b-1.md");
    await roundTripThroughB(fixture, "from-b-2.md");
    const log = await fixture.run("git", [
      "--git-dir",
      fixture.remote,
      "log",
      "--format=%H %s",
      `${before}..main`,
    ]);
    assert.equal(
      log.trim().split("\n").length,
      2,
      `only B's two commits reached the remote:\n${log}`,
    );
    const remote = await fixture.remoteTree();
    assert.equal([...remote.keys()].filter((path) => path.startsWith("data/")).length, 20);
    assert.equal(
      [...(await treeDigest(b.path)).keys()].filter((p) => p.startsWith("data/")).length,
      20,
    );
    assert.equal(
      await pathExists(a.path),
      false,
      "autosync did not recreate or repopulate the root",
    );
  });

  test("removing the root's .git commits nothing and copy B keeps its files", async (t) => {
    const fixture = await SyncFixture.create(t, { seed: tracked(20) });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    const [procA] = await fixture.startAll();
    await procA!.waitStartupSync();
    const before = await fixture.remoteHead();

    await rm(join(a.path, ".git"), { recursive: true, force: true });
    await writeFileIn(a.path, "after-git-removed.md", "edit after the marker vanished\n");
    await procA!.waitForEvent(
      "an error event about the missing .git",
      (event) => event.type === "error",
      {
        timeoutMs: 30_000,
      },
    );
    await roundTripThroughB(fixture, "from-b-1.md");
    await roundTripThroughB(fixture, "from-b-2.md");
    const log = await fixture.run("git", [
      "--git-dir",
      fixture.remote,
      "log",
      "--format=%H %s",
      `${before}..main`,
    ]);
    assert.equal(
      log.trim().split("\n").length,
      2,
      `only B's two commits reached the remote:\n${log}`,
    );
    assert.equal(
      [...(await treeDigest(b.path)).keys()].filter((p) => p.startsWith("data/")).length,
      20,
    );
    assert.equal(
      await pathExists(join(a.path, ".git")),
      false,
      "no new repository was initialised",
    );
    assert.equal(
      (await treeDigest(a.path)).size,
      22,
      "A's files are untouched (README, 20, the edit)",
    );
  });

  test("a root that becomes empty (every tracked file gone, .git kept) commits nothing, even below minFiles", async (t) => {
    // 20 files are fewer than deletionGuard.minFiles (100), but an emptied root is the
    // unmounted-drive signature the issue names on its own.
    const fixture = await SyncFixture.create(t, { seed: tracked(20) });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    const [procA] = await fixture.startAll();
    await procA!.waitStartupSync();
    const before = await fixture.remoteHead();

    await rm(join(a.path, "data"), { recursive: true, force: true });
    await rm(join(a.path, "README.md"));
    await procA!.waitForEvent(
      "an error event about the emptied root",
      (event) => event.type === "error",
      {
        timeoutMs: 30_000,
      },
    );
    await roundTripThroughB(fixture, "from-b-1.md");
    await roundTripThroughB(fixture, "from-b-2.md");
    const log = await fixture.run("git", [
      "--git-dir",
      fixture.remote,
      "log",
      "--format=%H",
      "--diff-filter=D",
      `${before}..main`,
    ]);
    assert.equal(log, "", "no commit on the remote deletes anything");
    assert.equal(
      [...(await treeDigest(b.path)).keys()].filter((p) => p.startsWith("data/")).length,
      20,
    );
  });
});
