import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AlreadyRunningError, acquireInstanceLock } from "../../../src/runtime/instance-lock.js";
import { writePidfile } from "../../../src/runtime/pidfile.js";
import { makeTempDir } from "../../support/temp-dir.js";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function tempDir(): Promise<string> {
  const { dir, cleanup } = await makeTempDir("autosync-lock-");
  cleanups.push(cleanup);
  return dir;
}

const info = (instanceId: string, pid = process.pid) => ({
  pid,
  instanceId,
  host: "alpha",
  startedAt: "2026-11-25T13:45:01Z",
});

describe("instance lock", () => {
  test("a second holder is refused while the first holds it, and may take it after release", async () => {
    const dir = await tempDir();
    const file = join(dir, "autosync-instance.json");
    const first = await acquireInstanceLock(file, info("one"), dir);
    await assert.rejects(
      acquireInstanceLock(file, info("two"), dir),
      (error: unknown) =>
        error instanceof AlreadyRunningError &&
        error.message.includes(`pid ${process.pid}`) &&
        error.hint.includes(file),
    );
    await first.release();
    assert.equal(existsSync(file), false);
    const second = await acquireInstanceLock(file, info("two"), dir);
    assert.equal(JSON.parse(await readFile(file, "utf8")).instanceId, "two");
    await second.release();
  });

  test("a lock naming our own pid that no daemon here holds is stale (a restarted container's pid 1)", async () => {
    const dir = await tempDir();
    const file = join(dir, "autosync-instance.json");
    await writeFile(file, JSON.stringify(info("from-before-the-crash")));
    const lock = await acquireInstanceLock(file, info("now"), dir);
    assert.equal(JSON.parse(await readFile(file, "utf8")).instanceId, "now");
    await lock.release();
  });

  test("an unreadable (half-written) lock is replaced, and no temp file is left behind", async () => {
    const dir = await tempDir();
    const file = join(dir, "autosync-instance.json");
    await writeFile(file, "{");
    const lock = await acquireInstanceLock(file, info("now"), dir);
    await lock.release();
    assert.deepEqual(await readdir(dir), []);
  });
});

describe("pidfile", () => {
  test("written with the pid and a newline, refused while held here, removed only by its writer", async () => {
    const dir = await tempDir();
    const path = join(dir, "run", "autosync.pid");
    const pidfile = await writePidfile(path);
    assert.equal(await readFile(path, "utf8"), `${process.pid}\n`);
    await assert.rejects(writePidfile(path), AlreadyRunningError);
    await pidfile.remove();
    assert.equal(existsSync(path), false);
  });

  test("a pidfile of a live foreign process is refused; of a dead one, replaced", async () => {
    const dir = await tempDir();
    const path = join(dir, "autosync.pid");
    // pid 1 always exists (init); it is not us.
    await writeFile(path, "1\n");
    await assert.rejects(writePidfile(path), /pid 1/);
    await writeFile(path, "4194305\n");
    const pidfile = await writePidfile(path);
    assert.equal(await readFile(path, "utf8"), `${process.pid}\n`);
    await pidfile.remove();
  });
});
