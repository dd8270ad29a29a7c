import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../../src/channels/embedded-broker.js";
import type { ResolvedConfig } from "../../../src/config/resolved-config.js";
import type { AutosyncEvent } from "../../../src/events/autosync-event.js";
import { startDaemon, type DaemonHandle } from "../../../src/runtime/daemon.js";
import { configForClone, makeGitClones } from "../../support/git-clones.js";
import { waitFor } from "../../support/wait-for.js";

// pullInterval 0: no fallback pull, so only the channel (or its return) can bring a change.
const TIMERS = { commitDelay: "200ms", maxCommitDelay: "2s", pushDelay: "0s", pullInterval: "0" };

describe("pulls driven by the channel", { timeout: 180_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  async function daemonFor(
    dir: string,
    host: string,
    clone: string,
    broker: EmbeddedBroker,
    adjust: (config: ResolvedConfig) => void = () => {},
  ) {
    const config = await configForClone(dir, {
      host,
      clone,
      pidfile: join(dir, `${host}.pid`),
      timers: TIMERS,
    });
    config.channels = {
      mqtt: { url: broker.url, topicPrefix: "autosync" },
      peers: { pullFromOrigin: false },
    };
    adjust(config);
    const handle: DaemonHandle = await startDaemon(config);
    cleanups.push(() => handle.stop());
    const events: AutosyncEvent[] = [...handle.bus.since(0)];
    handle.bus.subscribe((event) => events.push(event));
    await waitFor(`${host} connected over mqtt`, () =>
      events.some((e) => e.type === "channelStatus" && e.status === "connected"),
    );
    return { handle, events };
  }

  test("a push made while the broker was away is pulled when the channel comes back", async () => {
    const clones = await makeGitClones(2, "autosync-reconnect-");
    cleanups.push(() => clones.cleanup());
    let broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
    const port = broker.port;
    cleanups.push(() => broker.close());
    const [other, mine] = clones.clones as [string, string];
    const b = await daemonFor(clones.dir, "beta", mine, broker);
    await waitFor("beta idle after its startup pull", () =>
      b.handle.snapshots().every((snapshot) => snapshot.state === "idle"),
    );

    await broker.close();
    await waitFor("beta noticing the broker is gone", () =>
      b.events.some((e) => e.type === "channelStatus" && e.status === "reconnecting"),
    );
    // Another machine pushes now; its announcement could never reach beta.
    await writeFile(join(other, "missed.md"), "pushed during the outage\n");
    await clones.git(other, "add", "missed.md");
    await clones.git(other, "commit", "-q", "-m", "while beta was away");
    await clones.git(other, "push", "-q", "origin", "main");
    const pullsBefore = b.events.filter(
      (e) => e.type === "operationStarted" && e.operation === "pull",
    ).length;

    broker = await startEmbeddedBroker({ host: "127.0.0.1", port });
    await waitFor(
      "the missed push to reach beta after the channel returned",
      async () =>
        (await readFile(join(mine, "missed.md"), "utf8").catch(() => "")) ===
        "pushed during the outage\n",
      { timeoutMs: 60_000 },
    );
    const pulls = b.events.filter((e) => e.type === "operationStarted" && e.operation === "pull");
    assert.ok(pulls.length > pullsBefore);
    assert.ok(
      !b.events.some((e) => e.type === "announcementReceived"),
      "no announcement carried it: the reconnect did",
    );
  });

  test("with pullFromOrigin, B fetches the change from A's own working copy", async () => {
    const clones = await makeGitClones(2, "autosync-origin-");
    cleanups.push(() => clones.cleanup());
    const broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
    cleanups.push(() => broker.close());
    const [aPath, bPath] = clones.clones as [string, string];
    const a = await daemonFor(clones.dir, "alpha", aPath, broker, (config) => {
      config.repositories[0]!.pullUrl = aPath;
    });
    const b = await daemonFor(clones.dir, "beta", bPath, broker, (config) => {
      config.channels.peers.pullFromOrigin = true;
    });
    await writeFile(join(aPath, "lan.md"), "over the LAN\n");
    await waitFor(
      "A's edit to reach B",
      async () =>
        (await readFile(join(bPath, "lan.md"), "utf8").catch(() => "")) === "over the LAN\n",
      { timeoutMs: 30_000 },
    );
    await waitFor("B to report where it fetched from", () =>
      b.events.some(
        (e) =>
          e.type === "info" && e.message.includes(aPath) && /announcing machine/.test(e.message),
      ),
    );
    assert.deepEqual(
      [...a.events, ...b.events].filter((e) => e.type === "error"),
      [],
    );
  });

  test("without pullFromOrigin the announced pull URL is not used", async () => {
    const clones = await makeGitClones(2, "autosync-noorigin-");
    cleanups.push(() => clones.cleanup());
    const broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
    cleanups.push(() => broker.close());
    const [aPath, bPath] = clones.clones as [string, string];
    await daemonFor(clones.dir, "alpha", aPath, broker, (config) => {
      config.repositories[0]!.pullUrl = aPath;
    });
    const b = await daemonFor(clones.dir, "beta", bPath, broker);
    await writeFile(join(aPath, "central.md"), "through the remote\n");
    await waitFor(
      "A's edit to reach B",
      async () =>
        (await readFile(join(bPath, "central.md"), "utf8").catch(() => "")) ===
        "through the remote\n",
      { timeoutMs: 30_000 },
    );
    assert.ok(!b.events.some((e) => e.type === "info" && /announcing machine/.test(e.message)));
  });
});
