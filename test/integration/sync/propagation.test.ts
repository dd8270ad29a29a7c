import assert from "node:assert/strict";
import { mkdir, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import {
  SyncFixture,
  diffDigests,
  remoteDigest,
  treeDigest,
  waitForAbsent,
  waitForContent,
  waitForConvergence,
  waitForRemote,
  writeFileIn,
} from "../../support/sync-fixture.js";

const fiftyFiles = Object.fromEntries(
  Array.from({ length: 50 }, (_, i) => [`projects/alpha/file-${i}.txt`, `alpha ${i}\n`]),
);

describe("propagation between two machines (git, real binary)", () => {
  test("one edit in copy A reaches the remote and copy B", async (t) => {
    const fixture = await SyncFixture.create(t);
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();

    await writeFileIn(a.path, "notes/today.md", "first thought\n");
    await waitForContent(fixture, b, "notes/today.md", "first thought\n");
    assert.equal(await fixture.remoteFile("notes/today.md"), "first thought\n");

    await writeFileIn(a.path, "README.md", "# synced\nedited in A\n");
    await waitForContent(fixture, b, "README.md", "# synced\nedited in A\n");
    const tree = await waitForConvergence(fixture);
    assert.equal(diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["A", "remote"]), "");

    const pulledInB = fixture.processes[1]!.eventsOf("committed");
    assert.deepEqual(pulledInB, [], "what a pull wrote into B is never committed again by B");
    const committed = fixture.processes[0]!.eventsOf("committed");
    assert.ok(committed.length >= 1, "A reports a committed event");
    assert.ok(
      committed.some((event) => event.message.includes(a.host)),
      `a commit message names the host ${a.host}: ${JSON.stringify(committed.map((e) => e.message))}`,
    );
    assert.ok(
      committed.some(
        (event) => /added/.test(event.message) && event.message.includes("notes/today.md"),
      ),
      `a commit message lists the path with its action: ${JSON.stringify(committed.map((e) => e.message))}`,
    );
  });

  test("a deletion in copy A removes the file from the remote and copy B", async (t) => {
    const fixture = await SyncFixture.create(t, { seed: { "old/obsolete.txt": "bye\n" } });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();

    await unlink(join(a.path, "old/obsolete.txt"));
    await waitForAbsent(fixture, b, "old/obsolete.txt");
    await waitForRemote(
      fixture,
      "the remote to lose the file",
      (tree) => !tree.has("old/obsolete.txt"),
    );
    assert.equal(await fixture.remoteFile("README.md"), "# synced\n", "nothing else was deleted");
  });

  test("renaming a directory of 51 files moves all of them on the remote and in copy B, and edits deep inside it keep syncing", async (t) => {
    const fixture = await SyncFixture.create(t, {
      seed: { ...fiftyFiles, "projects/alpha/notes/deep/n.txt": "deep\n" },
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();

    await rename(join(a.path, "projects/alpha"), join(a.path, "projects/omega"));
    await waitForRemote(
      fixture,
      "the remote to hold projects/omega/* and no projects/alpha/*",
      (tree) =>
        [...tree.keys()].filter((path) => path.startsWith("projects/omega/")).length === 51 &&
        ![...tree.keys()].some((path) => path.startsWith("projects/alpha/")),
    );
    await waitForAbsent(fixture, b, "projects/alpha");
    await waitForContent(fixture, b, "projects/omega/file-49.txt", "alpha 49\n");
    // Edits in the renamed folder keep syncing (the old native watcher went blind there).
    await writeFileIn(a.path, "projects/omega/notes/deep/n.txt", "edited after the rename\n");
    await writeFileIn(a.path, "projects/omega/notes/deep/added later.txt", "new\n");
    await waitForContent(
      fixture,
      b,
      "projects/omega/notes/deep/n.txt",
      "edited after the rename\n",
    );
    await waitForContent(fixture, b, "projects/omega/notes/deep/added later.txt", "new\n");
    const tree = await waitForConvergence(fixture);
    assert.equal(diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["A", "remote"]), "");
  });

  test("a file moved between directories arrives at its new place and leaves the old one", async (t) => {
    const fixture = await SyncFixture.create(t, { seed: { "inbox/letter.txt": "dear B\n" } });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();

    await mkdir(join(a.path, "archive/2026"), { recursive: true });
    await rename(join(a.path, "inbox/letter.txt"), join(a.path, "archive/2026/letter.txt"));
    await waitForContent(fixture, b, "archive/2026/letter.txt", "dear B\n");
    await waitForAbsent(fixture, b, "inbox/letter.txt");
    const tree = await waitForConvergence(fixture);
    assert.equal(diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["A", "remote"]), "");
  });

  test("file names with spaces, newlines, quotes, leading dashes, glob and pathspec characters and unicode propagate", async (t) => {
    // Tracked names a pathspec glob or magic would also match: they must survive.
    const fixture = await SyncFixture.create(t, {
      seed: { "my-stars.txt": "keep\n", "b.txt": "keep\n", "colon.txt": "keep\n" },
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();

    const names = [
      "with space.txt",
      "new\nline.txt",
      `quote"double'single.txt`,
      "-rf",
      "--help.md",
      "-dash dir/-n",
      "ünïcödé 日本語.txt",
      "emoji 🎉.md",
      "*star?.txt",
      "[brackets].txt",
      ":colon.txt",
      "back\\slash.txt",
      "tab\there.txt",
      "$HOME `id` $(id).txt",
    ];
    for (const [i, name] of names.entries()) await writeFileIn(a.path, name, `content ${i}\n`);

    await waitForRemote(
      fixture,
      "every odd name on the remote",
      (tree) => names.every((name) => tree.has(name)),
      40_000,
    );
    for (const [i, name] of names.entries()) {
      await waitForContent(fixture, b, name, `content ${i}\n`);
      assert.equal(await fixture.remoteFile(name), `content ${i}\n`, `remote content of ${name}`);
    }
    const tree = await waitForConvergence(fixture);
    assert.equal(diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["A", "remote"]), "");
    assert.ok(!tree.has("id"), "no command ran from a file name");

    // Deleting them must be as safe as adding them: a glob name must not take others with it.
    await unlink(join(a.path, "*star?.txt"));
    await unlink(join(a.path, "-rf"));
    await waitForAbsent(fixture, b, "*star?.txt");
    await waitForAbsent(fixture, b, "-rf");
    const after = await waitForConvergence(fixture);
    assert.equal(after.size, tree.size - 2, "exactly the two deleted names are gone");
    for (const kept of ["my-stars.txt", "b.txt", "colon.txt"]) {
      assert.equal(after.get(kept), tree.get(kept), `${kept} survived`);
    }
    assert.equal(diffDigests(after, await treeDigest(a.path), ["converged", "A"]), "");
  });

  test("interval pulls never stop: 25 edits in a row, each arrives in copy B", async (t) => {
    // Short timers make hours of unattended interval pulls happen in seconds.
    const fixture = await SyncFixture.create(t, {
      timers: {
        commitDelay: "100ms",
        maxCommitDelay: "2s",
        pushDelay: "0ms",
        pullInterval: "200ms",
      },
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();
    for (let i = 0; i < 25; i++) {
      await writeFileIn(a.path, `series/${i}.md`, `edit ${i}\n`);
      await waitForContent(fixture, b, `series/${i}.md`, `edit ${i}\n`, 15_000);
    }
  });

  test("without a host key, AUTOSYNC_HOST names the machine in commit messages", async (t) => {
    const fixture = await SyncFixture.create(t);
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    const config = fixture.configFor(a);
    delete config.host;
    await writeFile(a.configPath, stringify(config));
    const procA = await fixture.start(a, { env: { AUTOSYNC_HOST: "from-env-host" } });
    await fixture.start(b);

    await writeFileIn(a.path, "hello.md", "hi\n");
    await waitForContent(fixture, b, "hello.md", "hi\n");
    const messages = procA.eventsOf("committed").map((event) => event.message);
    assert.ok(
      messages.some((message) => message.includes("from-env-host")),
      `a commit message names AUTOSYNC_HOST: ${JSON.stringify(messages)}`,
    );
  });
});
