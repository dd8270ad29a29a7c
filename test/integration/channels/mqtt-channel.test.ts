import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../../src/channels/embedded-broker.js";
import { startMosquitto } from "../../support/mosquitto-server.js";
import { waitFor } from "../../support/wait-for.js";
import { median, startAnnouncer, warnings } from "../../support/announcer-harness.js";

interface TestBroker {
  url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

async function embedded(): Promise<TestBroker> {
  let broker: EmbeddedBroker | undefined = await startEmbeddedBroker({
    host: "127.0.0.1",
    port: 0,
  });
  const port = broker.port;
  return {
    url: broker.url,
    async stop() {
      await broker?.close();
      broker = undefined;
    },
    async restart() {
      broker = await startEmbeddedBroker({ host: "127.0.0.1", port });
    },
    async cleanup() {
      await broker?.close();
      broker = undefined;
    },
  };
}

const brokers: [string, () => Promise<TestBroker>][] = [
  ["the embedded aedes broker", embedded],
  ["a real mosquitto", () => startMosquitto()],
];

for (const [brokerName, startBroker] of brokers) {
  describe(`MQTT channel against ${brokerName}`, { timeout: 120_000 }, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    });

    async function broker(): Promise<TestBroker> {
      const started = await startBroker();
      cleanups.push(() => started.cleanup());
      return started;
    }

    function machine(
      url: string,
      instanceId: string,
      options: Omit<Parameters<typeof startAnnouncer>[1], "instanceId"> = {},
      extra: { username?: string; password?: string } = {},
    ) {
      const started = startAnnouncer(
        {
          mqtt: {
            url,
            topicPrefix: "autosync",
            ...(extra.username !== undefined && { username: extra.username }),
            ...(extra.password !== undefined && { password: { value: extra.password } }),
          },
        },
        { instanceId, ...options },
      );
      cleanups.push(() => started.announcer.stop());
      return started;
    }

    async function rawSubscriber(url: string, topic: string) {
      const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
      cleanups.push(() => client.endAsync(true));
      const messages: string[] = [];
      client.on("message", (_topic, payload) => messages.push(payload.toString()));
      await client.subscribeAsync(topic, { qos: 1 });
      return { client, messages };
    }

    test("an announcement reaches subscribers of its repository topic only, and not its sender", async () => {
      const server = await broker();
      const a = machine(server.url, "a", { repositories: ["repo-1", "repo-2"] });
      const b = machine(server.url, "b", { repositories: ["repo-1"] });
      const c = machine(server.url, "c", { repositories: ["repo-2"] });
      const onRepo1 = await rawSubscriber(server.url, "autosync/repo-1");
      const onRepo2 = await rawSubscriber(server.url, "autosync/repo-2");
      await Promise.all([a, b, c].map((m) => m.announcer.start()));
      for (const m of [a, b, c]) {
        await waitFor("connected", () => m.statusOf("mqtt")?.status === "connected");
      }
      a.announcer.announce({ repositoryId: "repo-1", head: "h1" });
      await waitFor("b hears h1", () => b.received.some((r) => r.head === "h1"));
      await waitFor("the repo-1 topic carried it", () => onRepo1.messages.length === 1);
      // A later message on repo-2 arriving proves repo-1's one would have arrived by now.
      a.announcer.announce({ repositoryId: "repo-2", head: "h2" });
      await waitFor("c hears h2", () => c.received.some((r) => r.head === "h2"));
      await waitFor("the repo-2 topic carried it", () => onRepo2.messages.length === 1);
      assert.deepEqual(
        c.received.map((r) => r.head),
        ["h2"],
      );
      assert.deepEqual(
        b.received.map((r) => r.head),
        ["h1"],
      );
      assert.equal(a.received.length, 0, "the sender's own echo is ignored");
      assert.equal(JSON.parse(onRepo1.messages[0]!).head, "h1");
      assert.deepEqual(warnings(b.events), []);
    });

    test("a malformed payload on the topic gives one warning and no crash", async () => {
      const server = await broker();
      const b = machine(server.url, "b");
      await b.announcer.start();
      await waitFor("connected", () => b.statusOf("mqtt")?.status === "connected");
      const raw = await mqtt.connectAsync(server.url, { reconnectPeriod: 0 });
      cleanups.push(() => raw.endAsync(true));
      await raw.publishAsync("autosync/repo-1", "{garbage", { qos: 1 });
      await waitFor("one warning", () => warnings(b.events).length === 1);
      const a = machine(server.url, "a");
      await a.announcer.start();
      await waitFor("a connected", () => a.statusOf("mqtt")?.status === "connected");
      a.announcer.announce({ repositoryId: "repo-1", head: "after-garbage" });
      await waitFor("b still works", () => b.received.some((r) => r.head === "after-garbage"));
      assert.equal(warnings(b.events).length, 1);
      assert.match(warnings(b.events)[0]!, /malformed announcement over mqtt/);
    });

    test("an announcement made during an outage is delivered after the broker returns", async () => {
      const server = await broker();
      // The receiver retries fast and the sender slowly, so the receiver is subscribed again
      // before the sender flushes its queue (a broker restart forgets all subscriptions).
      const receiver = machine(server.url, "receiver", {
        backoff: { initialMs: 50, maxMs: 200 },
      });
      const sender = machine(server.url, "sender", { backoff: { initialMs: 5000, maxMs: 5000 } });
      await Promise.all([receiver.announcer.start(), sender.announcer.start()]);
      for (const m of [receiver, sender]) {
        await waitFor("connected", () => m.statusOf("mqtt")?.status === "connected");
      }
      await server.stop();
      await waitFor(
        "sender notices the outage",
        () => sender.statusOf("mqtt")?.status === "reconnecting",
      );
      sender.announcer.announce({ repositoryId: "repo-1", head: "during-outage" });
      assert.equal(sender.announcer.queued("mqtt"), 1);
      await server.restart();
      await waitFor(
        "receiver reconnected",
        () => receiver.statusOf("mqtt")?.status === "connected",
      );
      await waitFor(
        "the queued announcement arrives",
        () => receiver.received.some((r) => r.head === "during-outage"),
        { timeoutMs: 30_000 },
      );
      assert.equal(sender.announcer.queued("mqtt"), 0);
    });

    test("delivery latency on loopback (p50 over 20 sends)", async (t) => {
      const server = await broker();
      const ids = Array.from({ length: 20 }, (_, i) => `lat-${i}`);
      const a = machine(server.url, "lat-a", { repositories: ids });
      const b = machine(server.url, "lat-b", { repositories: ids });
      await Promise.all([a.announcer.start(), b.announcer.start()]);
      for (const m of [a, b]) {
        await waitFor("connected", () => m.statusOf("mqtt")?.status === "connected");
      }
      const latencies: number[] = [];
      for (const id of ids) {
        const sentAt = performance.now();
        a.announcer.announce({ repositoryId: id, head: `h-${id}` });
        const got = await waitFor("delivery", () => b.received.find((r) => r.repositoryId === id), {
          intervalMs: 1,
        });
        latencies.push(got.at - sentAt);
      }
      const p50 = median(latencies);
      t.diagnostic(`mqtt (${brokerName}) delivery p50 ${p50} ms over ${latencies.length} sends`);
      assert.equal(latencies.length, 20);
    });
  });
}

describe("MQTT channel with username and password on mosquitto", { timeout: 60_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  test("the right password delivers and a wrong one is reported as refused login", async () => {
    const server = await startMosquitto({ users: { laptop: "pw-1" } });
    cleanups.push(() => server.cleanup());
    const mqttConfig = (password: string) => ({
      mqtt: {
        url: server.url,
        topicPrefix: "autosync",
        username: "laptop",
        password: { value: password },
      },
    });
    const a = startAnnouncer(mqttConfig("pw-1"), { instanceId: "a" });
    const b = startAnnouncer(mqttConfig("pw-1"), { instanceId: "b" });
    const bad = startAnnouncer(mqttConfig("wrong"), { instanceId: "bad" });
    for (const m of [a, b, bad]) cleanups.push(() => m.announcer.stop());
    await Promise.all([a, b, bad].map((m) => m.announcer.start()));
    for (const m of [a, b]) {
      await waitFor("connected", () => m.statusOf("mqtt")?.status === "connected");
    }
    a.announcer.announce({ repositoryId: "repo-1", head: "authed" });
    await waitFor("b hears it", () => b.received.some((r) => r.head === "authed"));
    const status = await waitFor("bad login reported down", () => {
      const s = bad.statusOf("mqtt");
      return s?.status === "down" ? s : undefined;
    });
    assert.match(status.detail ?? "", /refused the login/);
  });
});
