import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FakeClock } from "../../../src/runtime/clock.js";
import {
  NEW_DIRECTORY_MAX_WAIT_MS,
  NEW_DIRECTORY_SETTLE_MS,
  trackNewDirectories,
} from "../../../src/runtime/watcher/new-directories.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { waitFor } from "../../support/wait-for.js";

/** Real folders on disk, a fake clock for the settle timer. */
async function tracker(t: { after(fn: () => Promise<void>): void }) {
  const { dir, cleanup } = await makeTempDir("autosync-newdirs-");
  t.after(cleanup);
  const clock = new FakeClock();
  const looks: string[][] = [];
  let unwatched = 0;
  const tracked = trackNewDirectories({
    root: dir,
    clock,
    isSkipped: (relPath) => relPath === ".git" || /(^|\/)ignored/.test(relPath),
    lookAgain: (paths) => looks.push(paths.map((path) => path.slice(dir.length + 1))),
    unwatched: async () => {
      unwatched += 1;
    },
  });
  t.after(async () => tracked.close());
  /** Reports `rel` as created and lets its lstat finish. */
  const created = async (rel: string) => {
    tracked.created(join(dir, rel));
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  return { dir, clock, looks, created, unwatchedCount: () => unwatched };
}

describe("new folders are looked at again once they settle", () => {
  test("a new folder whose subfolders were all reported is looked at again, nothing set up anew", async (t) => {
    const { dir, clock, looks, created, unwatchedCount } = await tracker(t);
    await mkdir(join(dir, "a", "b"), { recursive: true });
    await created("a");
    await created("a/b");
    clock.advance(NEW_DIRECTORY_SETTLE_MS - 1);
    assert.deepEqual(looks, []);
    clock.advance(1);
    await waitFor("the look", () => looks.length === 1);
    assert.deepEqual(looks, [["a", "a/b"]]);
    assert.equal(unwatchedCount(), 0);
  });

  test("a subfolder never reported means the watches are set up again, then the look", async (t) => {
    const { dir, clock, looks, created, unwatchedCount } = await tracker(t);
    await mkdir(join(dir, "moved", "src", "deep"), { recursive: true });
    await mkdir(join(dir, "moved", "ignored-cache"), { recursive: true });
    await created("moved");
    clock.advance(NEW_DIRECTORY_SETTLE_MS);
    await waitFor("the look", () => looks.length === 1);
    assert.equal(unwatchedCount(), 1);
    assert.deepEqual(looks, [["moved"]]);
  });

  test("skipped folders and files never count as unreported", async (t) => {
    const { dir, clock, looks, created, unwatchedCount } = await tracker(t);
    await mkdir(join(dir, "p", "ignored-build"), { recursive: true });
    await writeFile(join(dir, "p", "file.txt"), "x");
    await created("p");
    clock.advance(NEW_DIRECTORY_SETTLE_MS);
    await waitFor("the look", () => looks.length === 1);
    assert.equal(unwatchedCount(), 0);
  });

  test("a file's create is no folder: nothing happens", async (t) => {
    const { dir, clock, looks, created } = await tracker(t);
    await writeFile(join(dir, "note.md"), "x");
    await created("note.md");
    clock.advance(10 * NEW_DIRECTORY_SETTLE_MS);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(looks, []);
  });

  test("folders that keep appearing are still looked at every 2 s", async (t) => {
    const { dir, clock, looks, created } = await tracker(t);
    for (let i = 0; i < 30; i++) {
      await mkdir(join(dir, `d${i}`));
      await created(`d${i}`);
      clock.advance(NEW_DIRECTORY_SETTLE_MS - 50); // never quiet long enough to settle
      if (looks.length > 0) break;
    }
    await waitFor("a look despite the stream", () => looks.length >= 1);
    assert.ok(
      (looks[0]?.length ?? 0) <=
        Math.ceil(NEW_DIRECTORY_MAX_WAIT_MS / (NEW_DIRECTORY_SETTLE_MS - 50)) + 1,
      `the first look came within the maximum wait: ${looks[0]?.length} folders`,
    );
  });
});
