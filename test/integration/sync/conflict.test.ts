import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  SyncFixture,
  diffDigests,
  gitBlobId,
  remoteDigest,
  waitForContent,
  waitForConvergence,
  type AutosyncProcess,
  type WorkingCopy,
} from "../../support/sync-fixture.js";
import { waitFor } from "../../support/wait-for.js";

/**
 * `name (conflict <host> <YYYY-MM-DD HHMMSS>[ <tag>]).ext` beside `path`, for any of `hosts`.
 * The optional tag (a short content hash) keeps two machines that share a host name from ever
 * producing one name for different contents.
 */
function conflictCopyPattern(path: string, hosts: string[]): RegExp {
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash + 1);
  const file = path.slice(slash + 1);
  const dot = file.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [file.slice(0, dot), file.slice(dot)] : [file, ""];
  const quote = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `^${quote(dir)}${quote(stem)} \\(conflict (${hosts.map(quote).join("|")}) ` +
      `\\d{4}-\\d{2}-\\d{2} \\d{6}( [^()/]+)?\\)${quote(ext)}$`,
  );
}

function conflictCopies(tree: Map<string, string>, path: string, hosts: string[]) {
  const pattern = conflictCopyPattern(path, hosts);
  return [...tree.keys()].filter((candidate) => pattern.test(candidate));
}

async function assertNoMarkers(fixture: SyncFixture): Promise<void> {
  assert.equal(
    await fixture.remoteConflictMarkers(),
    "",
    "conflict markers in the remote's history",
  );
}

async function assertCleanWorkingCopy(fixture: SyncFixture, copy: WorkingCopy): Promise<void> {
  const git = join(copy.path, ".git");
  for (const leftover of ["MERGE_HEAD", "rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD"]) {
    assert.equal(
      await readFile(join(git, leftover)).then(
        () => true,
        (error: NodeJS.ErrnoException) => error.code === "EISDIR",
      ),
      false,
      `${copy.host} is left mid-merge (${leftover})`,
    );
  }
  const unmerged = await fixture.run("git", ["ls-files", "--unmerged"], copy.path);
  assert.equal(unmerged, "", `${copy.host} has unmerged entries`);
}

function conflictEvents(processes: AutosyncProcess[]) {
  return processes.flatMap((proc) => proc.eventsOf("conflict"));
}

describe("conflicts keep both sides (git, real binary)", () => {
  test("simultaneous edits of one file on both sides keep both contents and converge", async (t) => {
    const fixture = await SyncFixture.create(t, { seed: { "shared/todo.md": "base\n" } });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    const processes = await fixture.startAll();

    const contents: Record<string, string> = {
      [a.host]: "edited on alpha\n",
      [b.host]: "edited on beta\n",
    };
    await Promise.all([
      writeFile(join(a.path, "shared/todo.md"), contents[a.host]!),
      writeFile(join(b.path, "shared/todo.md"), contents[b.host]!),
    ]);

    let tree = await waitForConvergence(fixture, [a, b], 60_000);
    // Converged trees may still lack the copy if the loser has not pushed; wait for both sides.
    const deadline = Date.now() + 30_000;
    while (conflictCopies(tree, "shared/todo.md", [a.host, b.host]).length === 0) {
      assert.ok(Date.now() < deadline, `no conflict copy appeared; tree: ${[...tree.keys()]}`);
      tree = await waitForConvergence(fixture, [a, b], 30_000);
    }
    const copies = conflictCopies(tree, "shared/todo.md", [a.host, b.host]);
    assert.equal(copies.length, 1, `exactly one conflict copy: ${copies}`);
    const copyPath = copies[0]!;
    const loser = conflictCopyPattern("shared/todo.md", [a.host, b.host]).exec(copyPath)![1]!;
    const winner = loser === a.host ? b.host : a.host;
    assert.equal(
      tree.get(copyPath),
      gitBlobId(Buffer.from(contents[loser]!)),
      "copy holds the local side",
    );
    assert.equal(
      tree.get("shared/todo.md"),
      gitBlobId(Buffer.from(contents[winner]!)),
      "path holds the remote side",
    );

    assert.equal(
      diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["copies", "remote"]),
      "",
    );
    await assertNoMarkers(fixture);
    await assertCleanWorkingCopy(fixture, a);
    await assertCleanWorkingCopy(fixture, b);
    const events = conflictEvents(processes);
    assert.ok(
      events.some((event) =>
        event.conflicts.some((c) => c.path === "shared/todo.md" && c.copyPath === copyPath),
      ),
      `a conflict event names the path and the copy: ${JSON.stringify(events)}`,
    );
  });

  test("edits made while a machine was down conflict at its restart; text and binary files keep both sides", async (t) => {
    const png = randomBytes(2048);
    const fixture = await SyncFixture.create(t, {
      seed: { "diary.txt": "base\n", "img/photo.png": png },
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.start(a);

    // B is off (laptop lid closed) while both sides edit the same files.
    const pngA = randomBytes(2048);
    const pngB = randomBytes(2048);
    await writeFile(join(b.path, "diary.txt"), "written on beta while offline\n");
    await writeFile(join(b.path, "img/photo.png"), pngB);
    await writeFile(join(a.path, "diary.txt"), "written on alpha\n");
    await writeFile(join(a.path, "img/photo.png"), pngA);
    await waitForContent(fixture, a, "diary.txt", "written on alpha\n");
    const remoteHas = async () =>
      (await fixture.remoteTree()).get("img/photo.png")?.id === gitBlobId(pngA) &&
      (await fixture.remoteFile("diary.txt")) === "written on alpha\n";
    await waitFor("alpha's edits on the remote", remoteHas, { timeoutMs: 30_000, intervalMs: 150 });

    const procB = await fixture.start(b);
    await procB.waitForEvent("a conflict event from beta", (event) => event.type === "conflict", {
      timeoutMs: 40_000,
    });
    const tree = await waitForConvergence(fixture, [a, b], 60_000);
    const diaryCopies = conflictCopies(tree, "diary.txt", [b.host]);
    const photoCopies = conflictCopies(tree, "img/photo.png", [b.host]);
    assert.equal(diaryCopies.length, 1, `one diary copy named for beta: ${[...tree.keys()]}`);
    assert.equal(photoCopies.length, 1, `one photo copy named for beta: ${[...tree.keys()]}`);
    assert.equal(tree.get("diary.txt"), gitBlobId(Buffer.from("written on alpha\n")));
    assert.equal(
      tree.get(diaryCopies[0]!),
      gitBlobId(Buffer.from("written on beta while offline\n")),
    );
    assert.equal(tree.get("img/photo.png"), gitBlobId(pngA));
    assert.equal(tree.get(photoCopies[0]!), gitBlobId(pngB));
    assert.equal(
      diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["copies", "remote"]),
      "",
    );
    await assertNoMarkers(fixture);
    await assertCleanWorkingCopy(fixture, b);
  });

  test("delete versus modify keeps the modified file on every machine", async (t) => {
    const fixture = await SyncFixture.create(t, {
      seed: { "kept-by-alpha.txt": "base\n", "kept-by-beta.txt": "base\n" },
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.start(a);
    // While B is down: A modifies one file that B deletes, and deletes one that B modifies.
    await unlink(join(b.path, "kept-by-alpha.txt"));
    await writeFile(join(b.path, "kept-by-beta.txt"), "modified on beta\n");
    await writeFile(join(a.path, "kept-by-alpha.txt"), "modified on alpha\n");
    await unlink(join(a.path, "kept-by-beta.txt"));
    await waitFor(
      "alpha's modify and delete on the remote",
      async () => {
        const tree = await fixture.remoteTree();
        return (
          tree.has("kept-by-alpha.txt") &&
          !tree.has("kept-by-beta.txt") &&
          (await fixture.remoteFile("kept-by-alpha.txt")) === "modified on alpha\n"
        );
      },
      { timeoutMs: 30_000, intervalMs: 150 },
    );

    await fixture.start(b);
    const tree = await waitForConvergence(fixture, [a, b], 60_000);
    const hasContent = (content: string) =>
      [...tree.values()].includes(gitBlobId(Buffer.from(content)));
    assert.ok(
      hasContent("modified on alpha\n"),
      `alpha's modification survives: ${[...tree.keys()]}`,
    );
    assert.ok(
      hasContent("modified on beta\n"),
      `beta's modification survives: ${[...tree.keys()]}`,
    );
    assert.equal(
      diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["copies", "remote"]),
      "",
    );
    await assertNoMarkers(fixture);
    await assertCleanWorkingCopy(fixture, b);
  });

  test("three machines creating the same new file at the same moment converge with all three contents", async (t) => {
    const fixture = await SyncFixture.create(t, { copies: 3 });
    const copies = fixture.copies;
    await fixture.startAll();

    await Promise.all(
      copies.map((copy) => writeFile(join(copy.path, "meeting.md"), `notes from ${copy.host}\n`)),
    );
    const hosts = copies.map((copy) => copy.host);
    let tree = new Map<string, string>();
    await waitFor(
      "three identical trees holding all three versions of meeting.md",
      async () => {
        tree = await waitForConvergence(fixture, copies, 60_000);
        const ids = new Set(tree.values());
        return copies.every((copy) => ids.has(gitBlobId(Buffer.from(`notes from ${copy.host}\n`))));
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    assert.ok(tree.has("meeting.md"));
    const copiesOfIt = conflictCopies(tree, "meeting.md", hosts);
    assert.equal(copiesOfIt.length, 2, `two conflict copies: ${[...tree.keys()]}`);
    const nested = [...tree.keys()].filter((path) => /\(conflict .*\(conflict /.test(path));
    assert.deepEqual(nested, [], "a conflict copy is never conflicted again");
    assert.equal(tree.size, 4, `README, meeting.md and two copies only: ${[...tree.keys()]}`);
    assert.equal(
      diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["copies", "remote"]),
      "",
    );
    await assertNoMarkers(fixture);
  });

  test("three machines sharing one host name never give two different contents the same conflict-copy name", async (t) => {
    // Cloned VMs and containers often share a host name: every version must still survive.
    const fixture = await SyncFixture.create(t, { copies: 3, hosts: ["twin", "twin", "twin"] });
    const copies = fixture.copies;
    await fixture.startAll();

    await Promise.all(
      copies.map((copy) => writeFile(join(copy.path, "plan.md"), `plan from copy ${copy.index}\n`)),
    );
    let tree = new Map<string, string>();
    await waitFor(
      "three identical trees holding all three versions of plan.md",
      async () => {
        tree = await waitForConvergence(fixture, copies, 60_000);
        const ids = new Set(tree.values());
        return copies.every((copy) =>
          ids.has(gitBlobId(Buffer.from(`plan from copy ${copy.index}\n`))),
        );
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    assert.equal(conflictCopies(tree, "plan.md", ["twin"]).length, 2, `${[...tree.keys()]}`);
    assert.equal(
      diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["copies", "remote"]),
      "",
    );
    await assertNoMarkers(fixture);
  });
});
