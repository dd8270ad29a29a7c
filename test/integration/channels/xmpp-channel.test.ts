import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { client, xml, type XmppClient } from "@xmpp/client";
import { encodeAnnouncement } from "../../../src/channels/announcement.js";
import { announceNamespace } from "../../../src/channels/xmpp-channel.js";
import { startProsody, type ProsodyServer } from "../../support/prosody-server.js";
import { freePort } from "../../support/free-port.js";
import { waitFor } from "../../support/wait-for.js";
import { median, startAnnouncer, warnings } from "../../support/announcer-harness.js";

describe("XMPP channel against a real prosody", { timeout: 180_000 }, () => {
  let prosody: ProsodyServer;
  const cleanups: (() => Promise<unknown>)[] = [];

  before(async () => {
    prosody = await startProsody();
    await prosody.register("alice", "alice-pw");
    await prosody.register("bob", "bob-pw");
    await prosody.register("mallory", "mallory-pw");
    await prosody.register("human", "human-pw");
  });

  // Each test's clients go when it ends: live sessions from earlier tests would be siblings
  // of later ones and skew the latency figures.
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    await prosody?.cleanup();
  });

  const xmppConfig = (
    resource: string,
    extra: { allowFrom?: string[]; alsoNotify?: string[] } = {},
  ) => ({
    jid: `alice@${prosody.domain}`,
    password: { value: "alice-pw" },
    resource,
    service: prosody.service,
    alsoNotify: extra.alsoNotify ?? [],
    allowFrom: extra.allowFrom ?? [],
  });

  function machine(
    resource: string,
    extra: Parameters<typeof xmppConfig>[1] = {},
    repositories?: string[],
  ) {
    const started = startAnnouncer(
      { xmpp: xmppConfig(resource, extra) },
      { instanceId: resource, ...(repositories && { repositories }) },
    );
    cleanups.push(() => started.announcer.stop());
    return started;
  }

  async function rawClient(user: string, password: string, resource: string): Promise<XmppClient> {
    const raw = client({
      service: prosody.service,
      domain: prosody.domain,
      username: user,
      password,
      resource,
    });
    raw.reconnect.stop();
    raw.on("error", () => {});
    await raw.start();
    await raw.send(xml("presence", {}));
    cleanups.push(() => raw.stop());
    return raw;
  }

  const payload = (head: string, instanceId = "raw") =>
    encodeAnnouncement({
      v: 1,
      type: "pushed",
      repositoryId: "repo-1",
      host: "raw-host",
      instanceId,
      head,
      time: Date.now(),
    });

  test("an announcement from one resource reaches both other resources of the account, and not itself", async () => {
    const a = machine("m-a");
    const b = machine("m-b");
    const c = machine("m-c");
    await Promise.all([a.announcer.start(), b.announcer.start(), c.announcer.start()]);
    for (const m of [a, b, c]) {
      await waitFor("all three connected", () => m.statusOf("xmpp")?.status === "connected");
    }
    // Presence of the siblings must have arrived before the fan-out can address them.
    await waitFor("a sees both siblings", async () => {
      a.announcer.announce({ repositoryId: "repo-1", head: "probe" });
      await new Promise((resolve) => setTimeout(resolve, 100));
      return b.received.length > 0 && c.received.length > 0;
    });
    a.announcer.announce({
      repositoryId: "repo-1",
      head: "h-real",
      remoteUrl: "https://x:y@h/r.git",
    });
    await waitFor("b and c hear h-real", () =>
      [b, c].every((m) => m.received.some((r) => r.head === "h-real")),
    );
    const heard = b.received.find((r) => r.head === "h-real");
    assert.equal(heard?.fromHost, "m-a");
    assert.equal(heard?.channel, "xmpp");
    assert.equal(heard?.remoteUrl, "https://h/r");
    assert.equal(a.received.length, 0, "the sender never hears itself");
    const sent = a.events.find((e) => e.type === "announcementSent" && e.head === "h-real");
    assert.ok(sent?.type === "announcementSent");
    assert.equal(sent.recipients, 2, "one message to each sibling");
  });

  test("an announcement with no other machine online says so instead of claiming delivery", async () => {
    const lone = machine("m-lone");
    await lone.announcer.start();
    await waitFor("connected", () => lone.statusOf("xmpp")?.status === "connected");
    lone.announcer.announce({ repositoryId: "repo-lone", head: "h-lone" });
    await waitFor("the send to be reported", () =>
      lone.events.some((e) => e.type === "announcementSent" && e.head === "h-lone"),
    );
    const sent = lone.events.find((e) => e.type === "announcementSent" && e.head === "h-lone");
    assert.ok(sent?.type === "announcementSent");
    assert.equal(sent.recipients, 0);
  });

  test("a message to the bare JID is not how siblings are reached: daemons run at negative priority", async () => {
    const b = machine("bare-b");
    await b.announcer.start();
    await waitFor("b connected", () => b.statusOf("xmpp")?.status === "connected");
    const raw = await rawClient("alice", "alice-pw", "bare-sender");
    await raw.send(
      xml(
        "message",
        { to: `alice@${prosody.domain}`, type: "headline" },
        xml("announce", { xmlns: announceNamespace }, payload("via-bare")),
      ),
    );
    // Control: the same message to b's full JID arrives, so the bare one really was not delivered.
    await raw.send(
      xml(
        "message",
        { to: `alice@${prosody.domain}/bare-b`, type: "headline" },
        xml("announce", { xmlns: announceNamespace }, payload("via-full")),
      ),
    );
    await waitFor("b hears the full-JID message", () =>
      b.received.some((r) => r.head === "via-full"),
    );
    assert.equal(
      b.received.some((r) => r.head === "via-bare"),
      false,
    );
  });

  test("a message from a foreign JID triggers nothing and logs one warning", async () => {
    const b = machine("foreign-b");
    await b.announcer.start();
    await waitFor("b connected", () => b.statusOf("xmpp")?.status === "connected");
    const mallory = await rawClient("mallory", "mallory-pw", "evil");
    for (const head of ["m1", "m2"]) {
      await mallory.send(
        xml(
          "message",
          { to: `alice@${prosody.domain}/foreign-b`, type: "headline" },
          xml("announce", { xmlns: announceNamespace }, payload(head, "mallory")),
        ),
      );
    }
    await waitFor("a warning about mallory", () =>
      warnings(b.events).some((w) => w.includes(`mallory@${prosody.domain}`)),
    );
    // A valid sibling message sent after mallory's proves b had processed them by then.
    const sibling = await rawClient("alice", "alice-pw", "sibling");
    await sibling.send(
      xml(
        "message",
        { to: `alice@${prosody.domain}/foreign-b`, type: "headline" },
        xml("announce", { xmlns: announceNamespace }, payload("ok-after")),
      ),
    );
    await waitFor("b hears the sibling", () => b.received.some((r) => r.head === "ok-after"));
    assert.deepEqual(
      b.received.map((r) => r.head),
      ["ok-after"],
    );
    assert.equal(warnings(b.events).length, 1);
  });

  test("a JID listed in allowFrom can trigger a pull", async () => {
    const b = machine("allow-b", { allowFrom: [`bob@${prosody.domain}`] });
    await b.announcer.start();
    await waitFor("b connected", () => b.statusOf("xmpp")?.status === "connected");
    const bob = await rawClient("bob", "bob-pw", "desk");
    await bob.send(
      xml(
        "message",
        { to: `alice@${prosody.domain}/allow-b`, type: "headline" },
        xml("announce", { xmlns: announceNamespace }, payload("from-bob", "bob-daemon")),
      ),
    );
    await waitFor("b hears bob", () => b.received.some((r) => r.head === "from-bob"));
    assert.equal(warnings(b.events).length, 0);
  });

  test("alsoNotify sends a human-readable chat line to another account", async () => {
    const human = await rawClient("human", "human-pw", "phone");
    const lines: { type?: string; body: string | null }[] = [];
    human.on("stanza", (stanza) => {
      if (stanza.is("message"))
        lines.push({ type: stanza.attrs.type, body: stanza.getChildText("body") });
    });
    const a = machine("notify-a", { alsoNotify: [`human@${prosody.domain}`] });
    await a.announcer.start();
    await waitFor("a connected", () => a.statusOf("xmpp")?.status === "connected");
    a.announcer.tellHumans("autosync: laptop pushed notes");
    await waitFor("the human got the line", () => lines.length > 0);
    assert.deepEqual(lines, [{ type: "chat", body: "autosync: laptop pushed notes" }]);
    // A push on the bus is told without any call from the runtime.
    a.bus.publish({ type: "pushed", repo: "notes", head: "abcdef0123456789" });
    await waitFor("the push line", () => lines.length > 1);
    assert.deepEqual(lines[1], {
      type: "chat",
      body: "autosync: notify-a pushed notes (abcdef012345)",
    });
  });

  test("two machines with the same resource are told why their session was closed", async () => {
    const first = machine("same-resource");
    await first.announcer.start();
    await waitFor("first connected", () => first.statusOf("xmpp")?.status === "connected");
    const second = machine("same-resource");
    await second.announcer.start();
    const status = await waitFor("the kicked session's reason", () =>
      [first, second]
        .map((m) => m.failureOf("xmpp"))
        .find((s) => s?.detail?.includes("another client logged in")),
    );
    assert.match(
      status.detail ?? "",
      /as alice@autosync\.test\/same-resource .*give each machine its own channels\.xmpp\.resource/,
    );
    await Promise.all([first.announcer.stop(), second.announcer.stop()]);
  });

  test("a wrong password is reported as an authentication failure", async () => {
    const bad = startAnnouncer(
      { xmpp: { ...xmppConfig("badpw"), password: { value: "wrong" } } },
      { instanceId: "badpw" },
    );
    cleanups.push(() => bad.announcer.stop());
    await bad.announcer.start();
    const status = await waitFor("a down status", () => {
      const s = bad.statusOf("xmpp");
      return s?.status === "down" ? s : undefined;
    });
    assert.match(status.detail ?? "", /refused the login of alice@autosync\.test \(not-authorized/);
  });

  test("a closed port is reported as a TCP failure", async () => {
    const port = await freePort();
    const closed = startAnnouncer(
      { xmpp: { ...xmppConfig("closed"), service: `xmpp://127.0.0.1:${port}` } },
      { instanceId: "closed" },
    );
    cleanups.push(() => closed.announcer.stop());
    await closed.announcer.start();
    const status = await waitFor("a reconnecting status", () => {
      const s = closed.failureOf("xmpp");
      return s?.status === "reconnecting" ? s : undefined;
    });
    assert.match(
      status.detail ?? "",
      /cannot open a TCP connection to xmpp:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED/,
    );
    assert.ok((status.retryInMs ?? 0) > 0);
  });

  test("a server that accepts TCP but never answers is reported as a timeout", async () => {
    const accepted: Socket[] = [];
    // Reads and discards: the client's own close must be seen, and nothing is ever answered.
    const silent = createServer((socket) => accepted.push(socket.resume()));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as AddressInfo;
    const m = startAnnouncer(
      { xmpp: { ...xmppConfig("silent"), service: `xmpp://127.0.0.1:${port}` } },
      { instanceId: "silent" },
    );
    cleanups.push(() => m.announcer.stop());
    await m.announcer.start();
    const status = await waitFor("a reconnecting status", () => {
      const s = m.failureOf("xmpp");
      return s?.status === "reconnecting" ? s : undefined;
    });
    assert.match(status.detail ?? "", /no answer from xmpp:\/\/127\.0\.0\.1:\d+ within 5000 ms/);
    // The failed attempt's socket is closed, not left half-open.
    await waitFor("the client closed its socket", () => accepted.every((socket) => socket.closed));
  });

  test("an unresolvable host is reported as a DNS failure", async () => {
    const dns = startAnnouncer(
      { xmpp: { ...xmppConfig("dns"), service: "xmpp://no-such-host.invalid:5222" } },
      { instanceId: "dns" },
    );
    cleanups.push(() => dns.announcer.stop());
    await dns.announcer.start();
    const status = await waitFor("a reconnecting status", () => {
      const s = dns.failureOf("xmpp");
      return s?.status === "reconnecting" ? s : undefined;
    });
    assert.match(status.detail ?? "", /cannot resolve the XMPP server/);
  });

  test("delivery latency on loopback (p50 over 20 sends)", async (t) => {
    const ids = Array.from({ length: 20 }, (_, i) => `lat-${i}`);
    const a = machine("lat-a", {}, ids);
    const b = machine("lat-b", {}, ids);
    await Promise.all([a.announcer.start(), b.announcer.start()]);
    await waitFor("b hears a", async () => {
      a.announcer.announce({ repositoryId: "lat-0", head: `warm-${Date.now()}` });
      await new Promise((resolve) => setTimeout(resolve, 100));
      return b.received.length > 0;
    });
    const latencies: number[] = [];
    for (const id of ids.slice(1).concat("lat-0")) {
      const before = b.received.length;
      const sentAt = performance.now();
      a.announcer.announce({ repositoryId: id, head: `h-${id}` });
      const got = await waitFor(
        "delivery",
        () => b.received.slice(before).find((r) => r.repositoryId === id),
        {
          intervalMs: 1,
        },
      );
      latencies.push(got.at - sentAt);
    }
    const p50 = median(latencies);
    t.diagnostic(`xmpp delivery p50 ${p50} ms over ${latencies.length} sends`);
    assert.equal(latencies.length, 20);
  });
});
