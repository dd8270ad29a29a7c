import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ResolvedConfig } from "../../../src/config/resolved-config.js";
import { startEmbeddedBroker } from "../../../src/channels/embedded-broker.js";
import type { AutosyncEvent } from "../../../src/events/autosync-event.js";
import {
  AlreadyRunningError,
  INSTANCE_LOCK_FILE,
  startDaemon,
  type DaemonHandle,
} from "../../../src/runtime/daemon.js";
import { configForClone, makeGitClones, type GitClones } from "../../support/git-clones.js";
import { waitFor } from "../../support/wait-for.js";

const FAST = { commitDelay: "200ms", maxCommitDelay: "2s", pushDelay: "0s", pullInterval: "500ms" };

let clones: GitClones;
const running: DaemonHandle[] = [];
before(async () => {
  clones = await makeGitClones(2, "autosync-daemon-");
});
after(async () => {
  await Promise.all(running.map((handle) => handle.stop()));
  await clones?.cleanup();
});

async function config(index: number, host: string, pidfile = join(clones.dir, `${host}.pid`)) {
  return configForClone(clones.dir, {
    host,
    clone: clones.clones[index] as string,
    pidfile,
    timers: FAST,
  });
}

async function start(
  cfg: ResolvedConfig,
): Promise<{ handle: DaemonHandle; events: AutosyncEvent[] }> {
  const handle = await startDaemon(cfg);
  running.push(handle);
  const events: AutosyncEvent[] = [...handle.bus.since(0)];
  handle.bus.subscribe((event) => events.push(event));
  return { handle, events };
}

describe("daemon", () => {
  test("an edit in copy A arrives in copy B through two in-process daemons", async () => {
    const configA = await config(0, "alpha");
    const configB = await config(1, "beta");
    const a = await start(configA);
    const b = await start(configB);

    assert.equal(
      (await readFile(configA.pidfile, "utf8")).trim(),
      String(process.pid),
      "pidfile written at start",
    );
    const lockA = join(clones.clones[0] as string, ".git", INSTANCE_LOCK_FILE);
    assert.equal(JSON.parse(await readFile(lockA, "utf8")).instanceId, a.handle.instanceId);

    const content = `edited on alpha ${Date.now()}\n`;
    await writeFile(join(clones.clones[0] as string, "shared note.md"), content);
    await waitFor(
      "the edit to arrive in B",
      async () =>
        (await readFile(join(clones.clones[1] as string, "shared note.md"), "utf8").catch(
          () => "",
        )) === content,
      { timeoutMs: 30_000 },
    );
    // The file lands before the pull operation returns; its events follow.
    await waitFor("A's push event", () => a.events.some((event) => event.type === "pushed"));
    await waitFor("B's pull event", () => b.events.some((event) => event.type === "pulled"));
    assert.equal(a.handle.snapshots()[0]?.repo, "notes");
    assert.deepEqual(
      [...a.events, ...b.events].filter((event) => event.type === "error"),
      [],
    );

    // The same repository again is refused while the first daemon serves it.
    await assert.rejects(
      startDaemon(await config(0, "alpha-again", join(clones.dir, "other.pid"))),
      (error: unknown) =>
        error instanceof AlreadyRunningError &&
        /already serves/.test(error.message) &&
        error.message.includes(clones.clones[0] as string),
    );
    assert.ok(existsSync(lockA), "the refused start left the first daemon's lock alone");
    assert.ok(!existsSync(join(clones.dir, "other.pid")), "the refused start wrote no pidfile");

    await Promise.all([a.handle.stop(), b.handle.stop()]);
    await a.handle.stopped;
    assert.ok(!existsSync(configA.pidfile), "pidfile removed on clean stop");
    assert.ok(!existsSync(configB.pidfile));
    assert.ok(!existsSync(lockA), "instance lock released on clean stop");
  });

  test("a stale pidfile and instance lock (dead pid) are replaced", async () => {
    const cfg = await config(1, "beta", join(clones.dir, "stale.pid"));
    // pid 2^22+1 is above Linux's pid_max default range: certainly not running.
    const deadPid = 4_194_305;
    await writeFile(cfg.pidfile, `${deadPid}\n`);
    const lock = join(clones.clones[1] as string, ".git", INSTANCE_LOCK_FILE);
    await writeFile(
      lock,
      JSON.stringify({ pid: deadPid, instanceId: "old", host: "beta", startedAt: "" }),
    );
    const { handle } = await start(cfg);
    assert.equal((await readFile(cfg.pidfile, "utf8")).trim(), String(process.pid));
    assert.equal(JSON.parse(await readFile(lock, "utf8")).instanceId, handle.instanceId);
    await handle.stop();
    assert.ok(!existsSync(cfg.pidfile));
  });

  test("with the interval pull off, an MQTT announcement makes the other daemon pull at once", async (t) => {
    const broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
    t.after(() => broker.close());
    const withChannel = (index: number, host: string) =>
      configForClone(clones.dir, {
        host,
        clone: clones.clones[index] as string,
        pidfile: join(clones.dir, `${host}-mqtt.pid`),
        timers: { ...FAST, pullInterval: "0s" },
        top: { channels: { mqtt: { url: broker.url } } },
      });
    const a = await start(await withChannel(0, "alpha"));
    const b = await start(await withChannel(1, "beta"));
    await waitFor("both connected to the broker", () =>
      [a, b].every((side) =>
        side.events.some(
          (event) =>
            event.type === "channelStatus" &&
            event.channel === "mqtt" &&
            event.status === "connected",
        ),
      ),
    );
    const content = `announced ${Date.now()}\n`;
    await writeFile(join(clones.clones[0] as string, "announced.md"), content);
    await waitFor(
      "the announced edit to arrive in B",
      async () =>
        (await readFile(join(clones.clones[1] as string, "announced.md"), "utf8").catch(
          () => "",
        )) === content,
      { timeoutMs: 30_000 },
    );
    const received = await waitFor("B's announcementReceived", () =>
      b.events.find((event) => event.type === "announcementReceived"),
    );
    assert.equal(received.type === "announcementReceived" && received.fromHost, "alpha");
    assert.ok(
      !a.events.some((event) => event.type === "announcementReceived"),
      "A ignores its own announcement",
    );
    await Promise.all([a.handle.stop(), b.handle.stop()]);
  });

  test("a request for an unknown repository says which ones exist", async () => {
    const { handle } = await start(await config(1, "beta", join(clones.dir, "request.pid")));
    assert.throws(
      () => handle.request("nope", { type: "syncRequested" }),
      /no repository named 'nope'.*notes/,
    );
    handle.request(undefined, { type: "syncRequested" });
    handle.request("notes", { type: "pauseRequested" });
    await waitFor("the pause", () => handle.snapshots()[0]?.state === "paused");
    await handle.stop();
  });
});
