import assert from "node:assert/strict";
import { rename } from "node:fs/promises";
import { describe, test } from "node:test";
import {
  SyncFixture,
  diffDigests,
  remoteDigest,
  waitForContent,
  waitForConvergence,
  waitForRemote,
  writeFileIn,
} from "../../support/sync-fixture.js";

describe("offline remote (git, real binary)", () => {
  test("edits made while the remote is unreachable are committed locally and reach the remote and copy B once it is back", async (t) => {
    const fixture = await SyncFixture.create(t);
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    const [procA] = await fixture.startAll();

    // The server goes away (unmounted share, host down): the URL now points at nothing.
    const away = `${fixture.remote}.away`;
    await rename(fixture.remote, away);
    const since = procA!.events.length;
    await writeFileIn(a.path, "written-offline-1.md", "one\n");
    await procA!.waitForEvent(
      "A to go offline",
      (event) =>
        event.type === "offline" || (event.type === "stateChanged" && event.to === "offline"),
      { since, timeoutMs: 30_000 },
    );
    await procA!.waitForEvent(
      "A to commit the first offline edit locally",
      (event) => event.type === "committed",
      { since, timeoutMs: 30_000 },
    );
    const second = procA!.events.length;
    await writeFileIn(a.path, "written-offline-2.md", "two\n");
    await writeFileIn(a.path, "README.md", "# synced\nchanged offline\n");
    await procA!.waitForEvent(
      "A to keep committing while offline",
      (event) => event.type === "committed",
      { since: second, timeoutMs: 30_000 },
    );
    const localLog = await fixture.run("git", ["log", "--format=%s", "--name-only"], a.path);
    assert.match(
      localLog,
      /written-offline-2\.md/,
      "the second offline edit is in A's local history",
    );

    await rename(away, fixture.remote);
    await waitForRemote(
      fixture,
      "the offline edits on the remote",
      (tree) => tree.has("written-offline-1.md") && tree.has("written-offline-2.md"),
      60_000,
    );
    await waitForContent(fixture, b, "written-offline-2.md", "two\n");
    await waitForContent(fixture, b, "README.md", "# synced\nchanged offline\n");
    const tree = await waitForConvergence(fixture);
    assert.equal(
      diffDigests(tree, remoteDigest(await fixture.remoteTree()), ["copies", "remote"]),
      "",
    );
    await procA!.waitForEvent(
      "A to report being online again",
      (event) =>
        event.type === "online" || (event.type === "stateChanged" && event.from === "offline"),
      { since, timeoutMs: 10_000 },
    );
  });
});
