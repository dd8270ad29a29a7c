import assert from "node:assert/strict";
import { readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { startEmbeddedBroker } from "../../../src/channels/embedded-broker.js";
import {
  SyncFixture,
  gitBlobId,
  waitForAbsent,
  waitForContent,
  waitForConvergence,
  writeFileIn,
  type Dvcs,
} from "../../support/sync-fixture.js";
import { waitFor } from "../../support/wait-for.js";

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

    test(`${dvcs}: with pullFromOrigin, B fetches A's push from A's own working copy`, async (t) => {
      const fixture = await SyncFixture.create(t, {
        dvcs,
        seed: { "lan.md": "v1\n" },
        timers: { pullInterval: "0" },
      });
      // After the fixture, so the daemons are stopped before the broker goes.
      const broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
      t.after(() => broker.close());
      const [a, b] = [fixture.copy(0), fixture.copy(1)];
      const channels = { mqtt: { url: broker.url, topicPrefix: "origin" } };
      const configA = fixture.configFor(a);
      configA.repositories = [{ path: a.path, name: a.name, pullUrl: a.path }];
      await writeFile(a.configPath, stringify({ ...configA, channels }));
      const configB = {
        ...fixture.configFor(b),
        channels: { ...channels, peers: { pullFromOrigin: true } },
      };
      await writeFile(b.configPath, stringify(configB));
      const [, procB] = await fixture.startAll();

      await writeFile(join(a.path, "lan.md"), "v2 over the LAN\n");
      await waitFor(
        "A's edit to reach B",
        async () =>
          (await readFile(join(b.path, "lan.md"), "utf8").catch(() => "")) === "v2 over the LAN\n",
        { timeoutMs: 60_000 },
      );
      await waitFor("B to report the fetch from A", () =>
        procB!.events.some(
          (e) =>
            e.type === "info" &&
            e.message.includes(a.path) &&
            /fetched from the announcing machine first/.test(e.message),
        ),
      );
      const errors = fixture.processes.flatMap((p) => p.events.filter((e) => e.type === "error"));
      assert.deepEqual(errors, []);
      await waitForConvergence(fixture, [a, b], 60_000);
    });
  });
}
