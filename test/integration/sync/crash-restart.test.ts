import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import {
  SyncFixture,
  type AutosyncProcess,
  pathExists,
  waitForContent,
  waitForConvergence,
  waitForRemote,
  writeBurst,
  writeFileIn,
} from "../../support/sync-fixture.js";
import { waitFor } from "../../support/wait-for.js";
import { reapOnExit } from "../../support/exit-reaper.js";

function everything(proc: AutosyncProcess): string {
  const messages = proc.events
    .filter((event) => event.type === "error" || event.type === "warning" || event.type === "info")
    .map((event) => `${event.message} ${"hint" in event ? (event.hint ?? "") : ""}`);
  return `${proc.stderr}\n${proc.strayLines.join("\n")}\n${messages.join("\n")}`;
}

describe("crash, restart and single instance (git, real binary)", () => {
  test("kill -9 during a 500-file burst, then a restart: nothing is lost and no stale lock blocks it", async (t) => {
    const fixture = await SyncFixture.create(t);
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    const [procA] = await fixture.startAll();

    const since = procA!.events.length;
    const first = await writeBurst(a.path, 250, "burst-1");
    // Kill it the moment it starts working on the burst: mid-status or mid-commit.
    await procA!.waitForEvent(
      "A to start an operation on the burst",
      (event) =>
        event.type === "operationStarted" &&
        (event.operation === "commit" || event.operation === "status"),
      { since, timeoutMs: 30_000 },
    );
    await procA!.kill9();
    const second = await writeBurst(a.path, 250, "burst-2");
    // What a git killed inside `git add`/`git commit` leaves behind, whether or not it got there.
    const lock = join(a.path, ".git", "index.lock");
    if (!(await pathExists(lock))) await writeFile(lock, "");

    const restarted = await fixture.start(a);
    const all = [...first, ...second];
    await waitForRemote(
      fixture,
      "all 500 files on the remote after the restart",
      (tree) => all.every((path) => tree.has(path)),
      60_000,
    );
    assert.ok(!(await pathExists(lock)), "the stale index.lock was removed");
    const tree = await waitForConvergence(fixture, [a, b], 60_000);
    for (const path of all) assert.equal(tree.has(path), true, `${path} in both copies`);
    await waitFor(
      "A's working copy to be clean",
      async () => (await fixture.run("git", ["status", "--porcelain"], a.path)) === "",
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    assert.ok(restarted.running, "the restarted instance keeps running");
  });

  test("a second instance with the same config is refused with exit code 3 and a clear message", async (t) => {
    const fixture = await SyncFixture.create(t, { copies: 1 });
    const a = fixture.copy(0);
    const first = await fixture.start(a);
    assert.equal(
      (await readFile(a.pidfile, "utf8")).trim(),
      String(first.pid),
      "pidfile holds the pid",
    );

    const second = await fixture.start(a, { waitReady: false });
    const code = await second.waitExit(20_000);
    assert.equal(code, 3, `exit code 3 (already running); ${second.describe()}`);
    const text = everything(second);
    assert.match(text, /already/i, `the message says it is already running: ${text}`);
    assert.ok(
      text.includes(String(first.pid)) || text.includes(a.path) || text.includes(a.pidfile),
      `the message names the running pid, the repository or the pidfile: ${text}`,
    );
    assert.doesNotMatch(text, /\n\s+at .*\(.*:\d+:\d+\)/, "no stack trace");
    assert.ok(first.running, "the first instance keeps running");
    assert.equal(
      (await readFile(a.pidfile, "utf8")).trim(),
      String(first.pid),
      "pidfile untouched",
    );
  });

  test("a second instance on the same repository through another config and pidfile is refused with exit code 3", async (t) => {
    const fixture = await SyncFixture.create(t, { copies: 1 });
    const a = fixture.copy(0);
    const first = await fixture.start(a);
    const other = join(fixture.dir, "other.config.yaml");
    const config = fixture.configFor(a);
    config.pidfile = join(fixture.dir, "other.pid");
    config.controlSocket = join(fixture.dir, "other.sock");
    await writeFile(other, stringify(config));

    const second = await fixture.start(a, { configPath: other, waitReady: false });
    const code = await second.waitExit(20_000);
    assert.equal(code, 3, `exit code 3 (already running); ${second.describe()}`);
    assert.match(everything(second), /already/i);
    assert.ok(first.running, "the first instance keeps running");
  });

  test("the pidfile is written while running and removed on SIGTERM, which exits cleanly", async (t) => {
    const fixture = await SyncFixture.create(t, { copies: 1 });
    const a = fixture.copy(0);
    const proc = await fixture.start(a);
    assert.equal((await readFile(a.pidfile, "utf8")).trim(), String(proc.pid));
    const code = await proc.stop();
    assert.ok(code === 0 || code === 130, `SIGTERM ends with 0 or the documented 130, got ${code}`);
    assert.equal(await pathExists(a.pidfile), false, "pidfile removed on clean exit");
  });

  test("SIGTERM during a commit finishes that commit, stops, and leaves no lock or half-done repository", async (t) => {
    const fixture = await SyncFixture.create(t, { copies: 1 });
    const a = fixture.copy(0);
    const proc = await fixture.start(a);
    const since = proc.events.length;
    const paths = await writeBurst(a.path, 500, "burst");
    const started = await proc.waitForEvent(
      "a commit to start",
      (event) => event.type === "operationStarted" && event.operation === "commit",
      { since, timeoutMs: 30_000 },
    );
    const code = await proc.stop(30_000);
    assert.ok(code === 0 || code === 130, `exit 0 or 130 after SIGTERM, got ${code}`);
    const after = proc.events.slice(proc.events.indexOf(started));
    assert.ok(
      after.some((event) => event.type === "operationFinished" && event.operation === "commit"),
      `the commit in flight finished before the exit: ${after.map((e) => e.type).join(", ")}`,
    );
    assert.equal(await pathExists(join(a.path, ".git", "index.lock")), false, "no index.lock left");
    // Every untracked file by name: plain --porcelain names a wholly untracked folder only.
    const status = await fixture.run(
      "git",
      ["status", "--porcelain", "--untracked-files=all"],
      a.path,
    );
    const committed = await fixture.run("git", ["ls-files"], a.path);
    for (const path of paths) {
      assert.ok(
        committed.includes(path) || status.includes(path),
        `${path} is either committed or still a local change`,
      );
    }
  });

  test("a lock held by a live process is left alone; once that process is gone the stale lock is cleared and the change synced", async (t) => {
    const fixture = await SyncFixture.create(t);
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    const [procA] = await fixture.startAll();

    // A live process holds .git/index.lock open, as git does while it writes the index.
    const lock = join(a.path, ".git", "index.lock");
    const holder = spawn(
      process.execPath,
      ["-e", "require('fs').openSync(process.argv[1], 'w'); setInterval(() => {}, 1000)", lock],
      { stdio: "ignore" },
    );
    reapOnExit(holder, { group: false });
    t.after(() => {
      holder.kill("SIGKILL");
    });
    await waitFor("the holder to create the lock", () => pathExists(lock));

    const since = procA!.events.length;
    await writeFileIn(a.path, "while-locked.md", "waited for the lock\n");
    await procA!.waitForEvent(
      "A to try to commit (and fail or wait) while the lock is held",
      (event) =>
        (event.type === "operationFinished" && event.operation === "commit") ||
        event.type === "error" ||
        event.type === "warning",
      { since, timeoutMs: 30_000 },
    );
    assert.equal(await pathExists(lock), true, "a lock held by a live process is not removed");

    // A's group is stopped while the holder dies, so the check below sees the lock as the
    // holder left it rather than racing A's retry, which may clear it at once.
    process.kill(-procA!.pid, "SIGSTOP");
    try {
      holder.kill("SIGKILL");
      await new Promise((resolve) => holder.once("exit", resolve));
      assert.equal(await pathExists(lock), true, "the lock is now stale");
    } finally {
      process.kill(-procA!.pid, "SIGCONT");
    }
    await waitForContent(fixture, b, "while-locked.md", "waited for the lock\n", 45_000);
    assert.equal(await pathExists(lock), false, "the stale lock was removed");
  });
});
