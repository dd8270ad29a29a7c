import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import {
  SyncFixture,
  waitForContent,
  waitForRemote,
  writeFileIn,
} from "../../support/sync-fixture.js";

describe("large files (git, real binary)", () => {
  test("a file above largeFiles.maxSize is not committed silently: skipped with a warning naming it", async (t) => {
    const fixture = await SyncFixture.create(t, {
      defaults: { largeFiles: { maxSize: "10KB", action: "skip" } },
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    const [procA] = await fixture.startAll();

    await writeFileIn(a.path, "media/video.bin", randomBytes(20_000));
    await writeFileIn(a.path, "small.md", "small\n");
    await waitForContent(fixture, b, "small.md", "small\n");
    await procA!.waitForEvent(
      "a warning naming media/video.bin",
      (event) => event.type === "warning" && event.message.includes("video.bin"),
      { timeoutMs: 20_000 },
    );
    const history = await fixture.remoteHistoryPaths();
    assert.equal(history.has("media/video.bin"), false, "the large file was not committed");
  });

  test("with largeFiles.action commit, a large file is committed and still warned about", async (t) => {
    const fixture = await SyncFixture.create(t, {
      defaults: { largeFiles: { maxSize: "10KB", action: "commit" } },
    });
    const [a] = [fixture.copy(0), fixture.copy(1)];
    const [procA] = await fixture.startAll();

    await writeFileIn(a.path, "media/video.bin", randomBytes(20_000));
    await waitForRemote(fixture, "the large file on the remote", (tree) =>
      tree.has("media/video.bin"),
    );
    await procA!.waitForEvent(
      "a warning naming media/video.bin",
      (event) => event.type === "warning" && event.message.includes("video.bin"),
      { timeoutMs: 20_000 },
    );
  });
});
