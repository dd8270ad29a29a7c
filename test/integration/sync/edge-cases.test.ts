import assert from "node:assert/strict";
import { chmod, mkdir, rename, rm, stat, symlink, readlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  SyncFixture,
  diffDigests,
  remoteDigest,
  waitForContent,
  waitForConvergence,
  waitForRemote,
  writeBurst,
  writeFileIn,
} from "../../support/sync-fixture.js";
import { waitFor } from "../../support/wait-for.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("edge cases a real user hits (git, real binary)", () => {
  test("local edits made in B while B pulls a burst from A are not lost", async (t) => {
    const fixture = await SyncFixture.create(t);
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();

    const burst = writeBurst(a.path, 800);
    // The user keeps typing in B (plain overwrites every 40 ms, ~3 s) while B's pulls land.
    let last = "";
    for (let i = 0; i < 75; i++) {
      last = `draft version ${i}\n`;
      await writeFile(join(b.path, "typing.md"), last);
      await sleep(40);
    }
    const paths = await burst;
    await waitForContent(fixture, a, "typing.md", last, 60_000);
    await waitForRemote(
      fixture,
      "the burst on the remote",
      (tree) => paths.every((p) => tree.has(p)),
      60_000,
    );
    const tree = await waitForConvergence(fixture, [a, b], 60_000);
    assert.equal(tree.size, paths.length + 2, "README, typing.md and the burst");
    assert.equal(
      diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["copies", "remote"]),
      "",
    );
  });

  test("making a script executable (chmod +x) propagates the mode", async (t) => {
    const fixture = await SyncFixture.create(t, {
      seed: { "bin/deploy.sh": "#!/bin/sh\necho hi\n" },
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();

    await chmod(join(a.path, "bin/deploy.sh"), 0o755);
    await waitForRemote(
      fixture,
      "bin/deploy.sh with mode 100755 on the remote",
      (tree) => tree.get("bin/deploy.sh")?.mode === "100755",
      30_000,
    );
    await waitFor(
      "bin/deploy.sh executable in B",
      async () => ((await stat(join(b.path, "bin/deploy.sh"))).mode & 0o111) !== 0,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  });

  test("a symlink propagates as a symlink with its target", async (t) => {
    const fixture = await SyncFixture.create(t, { seed: { "docs/real.md": "real\n" } });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();

    await symlink("docs/real.md", join(a.path, "shortcut.md"));
    await waitFor(
      "the symlink in B",
      async () => (await readlink(join(b.path, "shortcut.md")).catch(() => "")) === "docs/real.md",
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const tree = await fixture.remoteTree();
    assert.equal(tree.get("shortcut.md")?.mode, "120000");
  });

  test("a file replaced by a directory of the same name propagates", async (t) => {
    const fixture = await SyncFixture.create(t, { seed: { journal: "one flat file\n" } });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();

    await rm(join(a.path, "journal"));
    await mkdir(join(a.path, "journal"));
    await writeFile(join(a.path, "journal/2026-11-25.md"), "now a folder\n");
    await waitForContent(fixture, b, "journal/2026-11-25.md", "now a folder\n");
    const tree = await waitForConvergence(fixture, [a, b]);
    assert.deepEqual([...tree.keys()].sort(), ["README.md", "journal/2026-11-25.md"]);
  });

  test("a folder tree moved into A from outside arrives in B, and so does a later edit deep inside", async (t) => {
    const fixture = await SyncFixture.create(t);
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();
    const outside = join(fixture.dir, "downloads");
    await mkdir(join(outside, "project", "src", "deep"), { recursive: true });
    await writeFile(join(outside, "project", "src", "deep", "old.txt"), "old\n");
    await writeFile(join(outside, "project", "README"), "readme\n");
    await rename(join(outside, "project"), join(a.path, "project"));
    await waitForContent(fixture, b, "project/src/deep/old.txt", "old\n");
    await waitForContent(fixture, b, "project/README", "readme\n");
    // The nested folders came in without events of their own; they must be watched now.
    await writeFile(join(a.path, "project", "src", "deep", "old.txt"), "edited later\n");
    await writeFile(join(a.path, "project", "src", "deep", "new.txt"), "new\n");
    await waitForContent(fixture, b, "project/src/deep/old.txt", "edited later\n");
    await waitForContent(fixture, b, "project/src/deep/new.txt", "new\n");
  });

  test("a watch root whose path has spaces and unicode syncs", async (t) => {
    const fixture = await SyncFixture.create(t, {
      copyDirName: (index, host) => `My Notes ü ${index} (${host})`,
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();
    await writeFileIn(a.path, "hello.md", "from a root with spaces\n");
    await waitForContent(fixture, b, "hello.md", "from a root with spaces\n");
  });
});
