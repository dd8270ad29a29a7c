import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { EDITOR_SAVES } from "../../support/editor-saves.js";
import { makeTempDir } from "../../support/temp-dir.js";
import {
  SyncFixture,
  diffDigests,
  remoteDigest,
  treeDigest,
  writeFileIn,
  type Dvcs,
} from "../../support/sync-fixture.js";

// The rig itself, without autosync: if these fail, the sync tests' failures mean nothing.
describe("the sync test rig", () => {
  for (const dvcs of ["git", "hg", "bzr"] as Dvcs[]) {
    test(`${dvcs}: the fixture makes a remote and two identical clones with the seed commit`, async (t) => {
      const fixture = await SyncFixture.create(t, { dvcs, seed: { "a dir/file one.txt": "1\n" } });
      assert.equal(fixture.copies.length, 2);
      const [a, b] = [
        await treeDigest(fixture.copy(0).path),
        await treeDigest(fixture.copy(1).path),
      ];
      assert.equal(diffDigests(a, b), "");
      assert.deepEqual([...a.keys()].sort(), ["README.md", "a dir/file one.txt"]);
      const config = await readFile(fixture.copy(0).configPath, "utf8");
      assert.match(config, new RegExp(`recipe: ${dvcs}`));
      assert.match(config, /host: alpha/);
      if (dvcs === "git") {
        assert.equal(diffDigests(a, remoteDigest(await fixture.remoteTree())), "");
        assert.equal(await fixture.remoteCommitCount(), 1);
        const author = await fixture.run(
          "git",
          ["log", "-1", "--format=%ae"],
          fixture.copy(0).path,
        );
        assert.equal(author.trim(), "autosync-test@example.invalid", "identity comes from the rig");
      }
      assert.equal(await fixture.remoteConflictMarkers(), "");
    });
  }

  test("remote history lists every path, including odd names", async (t) => {
    const fixture = await SyncFixture.create(t, { copies: 1 });
    const a = fixture.copy(0);
    await writeFileIn(a.path, "new\nline.txt", "x\n");
    await writeFileIn(a.path, "conflicted.txt", "<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> other\n");
    await fixture.run("git", ["add", "-A"], a.path);
    await fixture.run("git", ["commit", "-q", "-m", "odd"], a.path);
    await fixture.run("git", ["push", "-q", "origin", "HEAD:main"], a.path);
    const history = await fixture.remoteHistoryPaths();
    assert.ok(history.has("new\nline.txt"), [...history].join("|"));
    assert.ok(history.has("README.md"));
    assert.notEqual(await fixture.remoteConflictMarkers(), "", "the marker check finds markers");
  });

  for (const [editor, save] of Object.entries(EDITOR_SAVES)) {
    test(`the ${editor} simulation leaves the final content and only lasting files`, async (t) => {
      const { dir, cleanup } = await makeTempDir();
      t.after(cleanup);
      await writeFileIn(dir, "d/f.md", "old\n");
      const temporaries = await save(dir, "d/f.md", "new\n", { editingMs: 20, afterSaveMs: 5 });
      assert.ok(temporaries.length > 0);
      assert.equal(await readFile(join(dir, "d/f.md"), "utf8"), "new\n");
      const left = (await readdir(join(dir, "d"))).sort();
      const expected = editor === "emacs" ? ["f.md", "f.md~"] : ["f.md"];
      assert.deepEqual(left, expected);
    });
  }
});
