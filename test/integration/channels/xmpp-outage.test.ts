import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startProsody } from "../../support/prosody-server.js";
import { waitFor } from "../../support/wait-for.js";
import { startAnnouncer } from "../../support/announcer-harness.js";

describe("XMPP outages against a real prosody", { timeout: 180_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  async function setup() {
    const prosody = await startProsody();
    cleanups.push(() => prosody.cleanup());
    await prosody.register("alice", "pw");
    const machine = (resource: string, backoff: { initialMs: number; maxMs: number }) => {
      const started = startAnnouncer(
        {
          xmpp: {
            jid: `alice@${prosody.domain}`,
            password: { value: "pw" },
            resource,
            service: prosody.service,
            alsoNotify: [],
            allowFrom: [],
          },
        },
        { instanceId: resource, backoff },
      );
      cleanups.push(() => started.announcer.stop());
      return started;
    };
    return { prosody, machine };
  }

  const isReconnecting = (e: { type: string; status?: string }) =>
    e.type === "channelStatus" && e.status === "reconnecting";
  const connections = (m: ReturnType<typeof startAnnouncer>) =>
    m.events.filter((e) => e.type === "channelStatus" && e.status === "connected").length;

  async function outageDeliversQueued(
    machine: Awaited<ReturnType<typeof setup>>["machine"],
    outage: { begin(): Promise<void> | void; end(): Promise<void> | void },
  ) {
    // The receiver retries fast and the sender slowly: when the sender flushes, the server
    // is back and the receiver online, and the sender's connect waits for sibling presence.
    const receiver = machine("receiver", { initialMs: 50, maxMs: 200 });
    const sender = machine("sender", { initialMs: 4000, maxMs: 4000 });
    await Promise.all([receiver.announcer.start(), sender.announcer.start()]);
    for (const m of [receiver, sender]) {
      await waitFor("connected", () => m.statusOf("xmpp")?.status === "connected");
    }
    await outage.begin();
    // Both must notice before the server comes back: a frozen server is only noticed by each
    // client's own ping, and ending the outage as soon as the sender's fired left the receiver
    // connected through it on a loaded box (one reconnect instead of two).
    for (const [name, m] of [
      ["sender", sender],
      ["receiver", receiver],
    ] as const) {
      await waitFor(`${name} notices`, () => m.events.some(isReconnecting), {
        timeoutMs: 30_000,
      });
    }
    sender.announcer.announce({ repositoryId: "repo-1", head: "during-outage" });
    assert.equal(sender.announcer.queued("xmpp"), 1);
    await outage.end();
    await waitFor(
      "the queued announcement arrives",
      () => receiver.received.some((r) => r.head === "during-outage"),
      { timeoutMs: 40_000 },
    );
    assert.equal(sender.announcer.queued("xmpp"), 0);
    assert.ok(connections(receiver) >= 2 && connections(sender) >= 2);
  }

  test("after prosody restarts, both reconnect and the announcement queued meanwhile arrives", async () => {
    const { prosody, machine } = await setup();
    await outageDeliversQueued(machine, {
      begin: () => prosody.stop(),
      end: () => prosody.start(),
    });
  });

  test("a server that stops answering is detected by the keepalive ping and reconnected", async () => {
    const { prosody, machine } = await setup();
    // Frozen, the port still accepts and the TCP connection looks open: only the keepalive
    // ping (every 300 ms, 1 s to answer, in the harness) can notice.
    await outageDeliversQueued(machine, {
      begin: () => prosody.freeze(),
      end: () => prosody.thaw(),
    });
  });
});
