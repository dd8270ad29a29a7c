import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startEmbeddedBroker } from "../../../src/channels/embedded-broker.js";
import type { ResolvedChannels, ResolvedConfig } from "../../../src/config/resolved-config.js";
import type { AutosyncEvent } from "../../../src/events/autosync-event.js";
import { startDaemon, type DaemonHandle } from "../../../src/runtime/daemon.js";
import { configForClone, makeGitClones } from "../../support/git-clones.js";
import { startProsody } from "../../support/prosody-server.js";
import { waitFor } from "../../support/wait-for.js";

// pullInterval 0: no fallback pull, so only an announcement can bring the change over.
const TIMERS = { commitDelay: "200ms", maxCommitDelay: "2s", pushDelay: "0s", pullInterval: "0" };

type ChannelSetup = (host: string) => Omit<ResolvedChannels, "peers">;

describe("two daemons sync through a channel alone", { timeout: 180_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  async function syncThrough(channel: string, setup: ChannelSetup) {
    const clones = await makeGitClones(2, `autosync-e2e-${channel}-`);
    cleanups.push(() => clones.cleanup());
    const daemons: { handle: DaemonHandle; events: AutosyncEvent[] }[] = [];
    for (const [index, host] of ["alpha", "beta"].entries()) {
      const config: ResolvedConfig = await configForClone(clones.dir, {
        host,
        clone: clones.clones[index]!,
        pidfile: join(clones.dir, `${host}.pid`),
        timers: TIMERS,
      });
      config.channels = { ...setup(host), peers: { pullFromOrigin: false } };
      const handle = await startDaemon(config);
      cleanups.push(() => handle.stop());
      const events = [...handle.bus.since(0)];
      handle.bus.subscribe((event) => events.push(event));
      daemons.push({ handle, events });
      await waitFor(`${host} connected over ${channel}`, () =>
        events.some(
          (e) => e.type === "channelStatus" && e.channel === channel && e.status === "connected",
        ),
      );
    }
    const [a, b] = daemons as [(typeof daemons)[0], (typeof daemons)[0]];
    const timings: number[] = [];
    for (let run = 0; run < 3; run++) {
      const content = `run ${run} via ${channel} ${Date.now()}\n`;
      const startedAt = performance.now();
      await writeFile(join(clones.clones[0]!, "note.md"), content);
      await waitFor(
        `the edit to reach B through ${channel}`,
        async () =>
          (await readFile(join(clones.clones[1]!, "note.md"), "utf8").catch(() => "")) === content,
        { timeoutMs: 30_000, intervalMs: 10 },
      );
      timings.push(Math.round(performance.now() - startedAt));
    }
    assert.ok(
      b.events.some(
        (e) => e.type === "announcementReceived" && e.channel === channel && e.fromHost === "alpha",
      ),
    );
    assert.ok(a.events.some((e) => e.type === "announcementSent" && e.channel === channel));
    assert.deepEqual(
      [...a.events, ...b.events].filter((e) => e.type === "error"),
      [],
    );
    return timings;
  }

  test("an edit in copy A reaches copy B through XMPP with interval pulls disabled", async (t) => {
    const prosody = await startProsody();
    cleanups.push(() => prosody.cleanup());
    await prosody.register("me", "pw");
    const timings = await syncThrough("xmpp", (host) => ({
      xmpp: {
        jid: `me@${prosody.domain}`,
        password: { value: "pw" },
        resource: `autosync-${host}`,
        service: prosody.service,
        alsoNotify: [],
        allowFrom: [],
      },
      secret: { value: "e2e" },
    }));
    t.diagnostic(`xmpp write-to-content ms (commitDelay 200ms): ${timings.join(", ")}`);
  });

  test("an edit in copy A reaches copy B through MQTT with interval pulls disabled", async (t) => {
    const broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
    cleanups.push(() => broker.close());
    const timings = await syncThrough("mqtt", () => ({
      mqtt: { url: broker.url, topicPrefix: "autosync" },
    }));
    t.diagnostic(`mqtt write-to-content ms (commitDelay 200ms): ${timings.join(", ")}`);
  });
});
