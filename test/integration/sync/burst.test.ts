import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  SyncFixture,
  diffDigests,
  remoteDigest,
  treeDigest,
  waitForConvergence,
  waitForRemote,
  writeBurst,
} from "../../support/sync-fixture.js";

describe("bursts (git, real binary)", () => {
  test("a 2,000-file burst makes at most 3 commits and every file arrives in copy B intact", async (t) => {
    // maxCommitDelay well above the time a loaded 2-core machine needs to write the burst
    // (seen: > 6 s at load 20); with 3 s the maximum wait rightly splits the burst.
    const fixture = await SyncFixture.create(t, {
      timers: { commitDelay: "1s", maxCommitDelay: "20s" },
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();
    const before = await fixture.remoteCommitCount();

    const writing = performance.now();
    const paths = await writeBurst(a.path, 2000);
    const writeMs = Math.round(performance.now() - writing);
    const tree = await waitForRemote(
      fixture,
      "all 2,000 files on the remote",
      (remote) => paths.every((path) => remote.has(path)),
      60_000,
    );
    const commits = (await fixture.remoteCommitCount()) - before;
    const log = await fixture.run("git", [
      "--git-dir",
      fixture.remote,
      "log",
      "--format=%h %p %s",
      "--shortstat",
      "main",
    ]);
    const committed = fixture.processes.map((proc) =>
      proc.eventsOf("committed").map((event) => `${proc.copy.host}: ${event.files} files`),
    );
    assert.ok(
      commits >= 1 && commits <= 3,
      `the burst (written in ${writeMs} ms) made ${commits} commits (at most 3); committed events: ${committed.flat().join(", ")}\n${log}`,
    );

    const local = await treeDigest(a.path);
    assert.equal(diffDigests(local, remoteDigest(tree), ["A", "remote"]), "");
    const converged = await waitForConvergence(fixture, [a, b], 60_000);
    assert.equal(converged.size, paths.length + 1, "README.md and the 2,000 files, nothing else");
    const files = fixture.processes[0]!.eventsOf("committed").reduce((n, e) => n + e.files, 0);
    assert.equal(files, 2000, "A's committed events account for exactly the 2,000 files");
    const byB = fixture.processes[1]!.eventsOf("committed");
    assert.deepEqual(byB, [], "the 2,000 files B pulled are never committed again by B");
  });
});
