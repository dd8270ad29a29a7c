import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { startEmbeddedBroker } from "../../../src/channels/embedded-broker.js";
import { startProsody } from "../../support/prosody-server.js";
import { freePort } from "../../support/free-port.js";
import { waitFor } from "../../support/wait-for.js";
import { startAnnouncer } from "../../support/announcer-harness.js";

describe("the hub over XMPP and MQTT at once", { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  test("one push carried by both channels triggers one pull; each push of a storm is handed on once", async () => {
    const prosody = await startProsody();
    cleanups.push(() => prosody.cleanup());
    await prosody.register("alice", "pw");
    const broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
    cleanups.push(() => broker.close());
    const channels = (resource: string) => ({
      xmpp: {
        jid: `alice@${prosody.domain}`,
        password: { value: "pw" },
        resource,
        service: prosody.service,
        alsoNotify: [],
        allowFrom: [],
      },
      mqtt: { url: broker.url, topicPrefix: "autosync" },
      secret: { value: "shared-secret" },
    });
    const repositories = ["warmup", "repo-1", "repo-2"];
    const a = startAnnouncer(channels("a"), { instanceId: "a", repositories });
    const b = startAnnouncer(channels("b"), { instanceId: "b", repositories });
    for (const m of [a, b]) cleanups.push(() => m.announcer.stop());
    await Promise.all([a.announcer.start(), b.announcer.start()]);
    for (const m of [a, b]) {
      for (const channel of ["xmpp", "mqtt"]) {
        await waitFor(`${channel} connected`, () => m.statusOf(channel)?.status === "connected");
      }
    }
    // Each probe has its own head, so dedupe does not hide whether XMPP has seen a's sibling.
    let probe = 0;
    await waitFor("b hears a over xmpp", async () => {
      a.announcer.announce({ repositoryId: "warmup", head: `p${probe++}` });
      await new Promise((resolve) => setTimeout(resolve, 100));
      return b.events.some((e) => e.type === "announcementReceived" && e.channel === "xmpp");
    });
    a.announcer.announce({ repositoryId: "repo-1", head: "h1" });
    await waitFor("b hears h1", () => b.received.some((r) => r.head === "h1"));
    await waitFor("both channels delivered h1 to a's hub", () =>
      ["xmpp", "mqtt"].every((channel) =>
        a.events.some(
          (e) => e.type === "announcementSent" && e.channel === channel && e.head === "h1",
        ),
      ),
    );
    // A later push over both channels arriving shows the second copy of h1 was processed too.
    a.announcer.announce({ repositoryId: "repo-2", head: "marker" });
    await waitFor("marker", () => b.received.some((r) => r.head === "marker"));
    assert.equal(b.received.filter((r) => r.head === "h1").length, 1);
    assert.equal(
      b.events.filter((e) => e.type === "announcementReceived" && e.head === "h1").length,
      1,
    );

    const before = b.received.length;
    for (let i = 0; i < 10; i++) a.announcer.announce({ repositoryId: "repo-1", head: `s${i}` });
    await waitFor("the storm's newest head arrives", () => b.received.some((r) => r.head === "s9"));
    await waitFor("the storm's newest head arrives", () => b.received.some((r) => r.head === "s9"));
    // Both channels carried the storm: the marker shows the second copies were processed.
    a.announcer.announce({ repositoryId: "repo-2", head: "marker-2" });
    await waitFor("marker-2", () => b.received.some((r) => r.head === "marker-2"));
    const storm = b.received
      .slice(before)
      .map((r) => r.head)
      .filter((head) => head !== "marker-2");
    // The sender keeps only the newest head per repository while a send is under way, the
    // receiver drops what the other channel brought already, and the engine folds the rest.
    assert.ok(
      storm.every((head) => head === "s0" || head === "s9"),
      `sent as the first and the newest: ${storm.join(",")}`,
    );
    assert.equal(new Set(storm).size, storm.length, `each head once: ${storm.join(",")}`);
  });

  test("a closed MQTT port is reported as a TCP failure", async () => {
    const port = await freePort();
    const m = startAnnouncer(
      { mqtt: { url: `mqtt://127.0.0.1:${port}`, topicPrefix: "autosync" } },
      { instanceId: "closed" },
    );
    cleanups.push(() => m.announcer.stop());
    await m.announcer.start();
    const status = await waitFor("reconnecting", () => {
      const s = m.failureOf("mqtt");
      return s?.status === "reconnecting" ? s : undefined;
    });
    assert.match(status.detail ?? "", /cannot open a TCP connection to the MQTT broker/);
  });

  test("an MQTT server that accepts TCP but never answers is reported as a timeout", async () => {
    const accepted: Socket[] = [];
    const silent = createServer((socket) => accepted.push(socket.resume()));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as AddressInfo;
    const m = startAnnouncer(
      { mqtt: { url: `mqtt://127.0.0.1:${port}`, topicPrefix: "autosync" } },
      { instanceId: "silent" },
    );
    cleanups.push(() => m.announcer.stop());
    await m.announcer.start();
    const status = await waitFor("reconnecting", () => {
      const s = m.failureOf("mqtt");
      return s?.status === "reconnecting" ? s : undefined;
    });
    assert.match(status.detail ?? "", /did not answer within 5000 ms/);
    await waitFor("the client closed its socket", () => accepted.every((socket) => socket.closed));
  });
});
