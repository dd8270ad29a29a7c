import assert from "node:assert/strict";
import { rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  SyncFixture,
  gitBlobId,
  waitForAbsent,
  waitForContent,
  waitForConvergence,
  writeFileIn,
  type Dvcs,
} from "../../support/sync-fixture.js";

const CONFLICT_COPY = / \(conflict beta \d{4}-\d{2}-\d{2} \d{6}( [^()/]+)?\)\.md$/;

for (const dvcs of ["hg", "bzr"] as Dvcs[]) {
  describe(`${dvcs} through its recipe (real binary, real ${dvcs === "hg" ? "hg" : "brz"})`, () => {
    test(`${dvcs}: an edit, a delete and a rename propagate from A to B`, async (t) => {
      const fixture = await SyncFixture.create(t, {
        dvcs,
        seed: { "gone.txt": "delete me\n", "old name.txt": "moving\n" },
      });
      const [a, b] = [fixture.copy(0), fixture.copy(1)];
      await fixture.startAll();

      await writeFileIn(a.path, "notes/new file.md", `hello from ${dvcs}\n`);
      await writeFileIn(a.path, "README.md", "# synced\nedited\n");
      await unlink(join(a.path, "gone.txt"));
      await rename(join(a.path, "old name.txt"), join(a.path, "new name.txt"));

      await waitForContent(fixture, b, "notes/new file.md", `hello from ${dvcs}\n`, 60_000);
      await waitForContent(fixture, b, "README.md", "# synced\nedited\n", 60_000);
      await waitForContent(fixture, b, "new name.txt", "moving\n", 60_000);
      await waitForAbsent(fixture, b, "gone.txt", 60_000);
      await waitForAbsent(fixture, b, "old name.txt", 60_000);
      const tree = await waitForConvergence(fixture, fixture.copies, 60_000);
      assert.equal(tree.size, 3, `README, the new file and the renamed one: ${[...tree.keys()]}`);
      assert.equal(await fixture.remoteConflictMarkers(), "");
    });

    test(`${dvcs}: edits of one file on both sides keep both contents and converge`, async (t) => {
      const fixture = await SyncFixture.create(t, { dvcs, seed: { "todo.md": "base\n" } });
      const [a, b] = [fixture.copy(0), fixture.copy(1)];
      const procA = await fixture.start(a);

      // B is down while both edit; at its start it commits its edit, pulls and meets A's.
      await writeFile(join(b.path, "todo.md"), "beta's version\n");
      const since = procA.events.length;
      await writeFile(join(a.path, "todo.md"), "alpha's version\n");
      await procA.waitForEvent("A to push its edit", (event) => event.type === "pushed", {
        since,
        timeoutMs: 60_000,
      });
      await fixture.start(b);

      const tree = await waitForConvergence(fixture, [a, b], 90_000);
      const copies = [...tree.keys()].filter(
        (path) => /^todo/.test(path) && CONFLICT_COPY.test(path),
      );
      assert.equal(copies.length, 1, `one conflict copy named for beta: ${[...tree.keys()]}`);
      assert.equal(tree.get("todo.md"), gitBlobId(Buffer.from("alpha's version\n")));
      assert.equal(tree.get(copies[0]!), gitBlobId(Buffer.from("beta's version\n")));
      const stray = [...tree.keys()].filter(
        (path) => /\.(orig|rej|BASE|OTHER|THIS)$/.test(path) || path.includes(".~"),
      );
      assert.deepEqual(stray, [], "no merge leftovers in the trees");
      assert.equal(await fixture.remoteConflictMarkers(), "", "no conflict markers in the remote");
    });
  });
}
