import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChannelHub } from "../../../src/channels/channel-hub.js";
import { type Channel, ChannelError, type ChannelSink } from "../../../src/channels/channel.js";
import { encodeAnnouncement } from "../../../src/channels/announcement.js";
import type { ReceivedAnnouncement } from "../../../src/channels/announcer.js";
import { EventBus } from "../../../src/events/event-bus.js";
import type { AutosyncEvent } from "../../../src/events/autosync-event.js";
import { FakeClock } from "../../../src/runtime/clock.js";

/** An in-process broadcast medium: what one member sends, every connected member receives. */
class Room {
  up = true;
  members = new Set<RoomChannel>();
  broadcast(payload: string, from: string): void {
    for (const member of this.members) member.sink?.received(payload, from, true);
  }
  goDown(): void {
    this.up = false;
    for (const member of [...this.members]) {
      this.members.delete(member);
      member.sink?.disconnected("room went down");
    }
  }
}

class RoomChannel implements Channel {
  sink?: ChannelSink;
  sent: string[] = [];
  toldHumans: string[] = [];
  connects = 0;
  constructor(
    readonly name: string,
    private readonly room: Room,
    private readonly failure?: ChannelError,
  ) {}
  attach(sink: ChannelSink): void {
    this.sink = sink;
  }
  async connect(): Promise<void> {
    this.connects += 1;
    if (this.failure) throw this.failure;
    if (!this.room.up) throw new ChannelError("tcp", "connection refused");
    this.room.members.add(this);
  }
  async send(_repositoryId: string, payload: string): Promise<void> {
    if (!this.room.members.has(this)) throw new Error("not connected");
    this.sent.push(payload);
    this.room.broadcast(payload, this.name);
  }
  setRepositories(): void {}
  async tellHumans(text: string): Promise<void> {
    this.toldHumans.push(text);
  }
  async close(): Promise<void> {
    this.room.members.delete(this);
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function makeHub(
  channels: Channel[],
  clock: FakeClock,
  instanceId: string,
  extra: Partial<ConstructorParameters<typeof ChannelHub>[1]> = {},
) {
  const bus = new EventBus(clock);
  const events: AutosyncEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const hub = new ChannelHub(channels, {
    host: `host-${instanceId}`,
    instanceId,
    bus,
    clock,
    random: () => 0.5,
    backoff: { initialMs: 1000, maxMs: 8000 },
    ...extra,
  });
  const received: ReceivedAnnouncement[] = [];
  hub.onAnnouncement((announcement) => received.push(announcement));
  hub.setRepositories(["repo-1", "repo-2"]);
  return { hub, events, received, bus };
}

const info = (head: string, repositoryId = "repo-1") => ({ repositoryId, head });

describe("ChannelHub", () => {
  test("an announcement reaches the other hub once and its own echo is ignored", async () => {
    const clock = new FakeClock();
    const room = new Room();
    const a = makeHub([new RoomChannel("mem", room)], clock, "A");
    const b = makeHub([new RoomChannel("mem", room)], clock, "B");
    await a.hub.start();
    await b.hub.start();
    await settle();
    a.hub.announce({ ...info("h1"), remoteUrl: "https://u:p@example.org/r.git" });
    await settle();
    assert.equal(b.received.length, 1);
    assert.equal(b.received[0]?.head, "h1");
    assert.equal(b.received[0]?.fromHost, "host-A");
    assert.equal(b.received[0]?.remoteUrl, "https://example.org/r");
    assert.equal(a.received.length, 0, "own echo must not trigger a pull");
    assert.ok(a.events.some((e) => e.type === "announcementSent" && e.head === "h1"));
    assert.ok(b.events.some((e) => e.type === "announcementReceived" && e.fromHost === "host-A"));
  });

  test("the same push arriving over two channels is delivered once", async () => {
    const clock = new FakeClock();
    const roomX = new Room();
    const roomY = new Room();
    const a = makeHub([new RoomChannel("x", roomX), new RoomChannel("y", roomY)], clock, "A");
    const b = makeHub([new RoomChannel("x", roomX), new RoomChannel("y", roomY)], clock, "B");
    await a.hub.start();
    await b.hub.start();
    await settle();
    a.hub.announce(info("h1"));
    await settle();
    clock.advance(2000);
    assert.equal(b.received.length, 1);
    assert.equal(b.events.filter((e) => e.type === "announcementReceived").length, 1);
  });

  test("every distinct push is handed on at once, also in a storm (the engine folds them into pulls)", async () => {
    const clock = new FakeClock();
    const room = new Room();
    const a = makeHub([new RoomChannel("mem", room)], clock, "A");
    const b = makeHub([new RoomChannel("mem", room)], clock, "B");
    await a.hub.start();
    await b.hub.start();
    await settle();
    for (let i = 1; i <= 10; i++) {
      a.hub.announce(info(`h${i}`));
      await settle();
      clock.advance(10);
      assert.equal(b.received.at(-1)?.head, `h${i}`, "no time window holds an announcement back");
    }
    assert.equal(b.received.length, 10);
    clock.advance(5000);
    assert.equal(b.received.length, 10, "nothing is delivered twice later");
  });

  test("repositories this process does not serve are ignored silently", async () => {
    const clock = new FakeClock();
    const room = new Room();
    const a = makeHub([new RoomChannel("mem", room)], clock, "A");
    const b = makeHub([new RoomChannel("mem", room)], clock, "B");
    b.hub.setRepositories(["repo-2"]);
    await a.hub.start();
    await b.hub.start();
    await settle();
    a.hub.announce(info("h1", "repo-1"));
    await settle();
    assert.equal(b.received.length, 0);
    assert.equal(b.events.filter((e) => e.type === "warning").length, 0);
  });

  test("a malformed payload gives one warning and no crash; a valid one still works after", async () => {
    const clock = new FakeClock();
    const room = new Room();
    const channel = new RoomChannel("mem", room);
    const b = makeHub([channel], clock, "B");
    await b.hub.start();
    await settle();
    channel.sink?.received("{not json", "stranger", true);
    channel.sink?.received(JSON.stringify({ v: 9 }), "stranger2", true);
    const warnings = b.events.filter((e) => e.type === "warning");
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]?.type === "warning" ? warnings[0].message : "", /malformed.*stranger/);
    channel.sink?.received(
      encodeAnnouncement({
        v: 1,
        type: "pushed",
        repositoryId: "repo-1",
        host: "h",
        instanceId: "Z",
        head: "h9",
        time: 1,
      }),
      "friend",
      true,
    );
    assert.equal(b.received.length, 1);
  });

  test("an untrusted sender triggers nothing and is logged once", async () => {
    const clock = new FakeClock();
    const channel = new RoomChannel("mem", new Room());
    const b = makeHub([channel], clock, "B");
    await b.hub.start();
    const payload = encodeAnnouncement({
      v: 1,
      type: "pushed",
      repositoryId: "repo-1",
      host: "h",
      instanceId: "Z",
      head: "h9",
      time: 1,
    });
    channel.sink?.received(payload, "mallory@evil.example", false);
    channel.sink?.received(payload, "mallory@evil.example", false);
    assert.equal(b.received.length, 0);
    assert.equal(b.events.filter((e) => e.type === "warning").length, 1);
  });

  test("with a secret, unsigned announcements are dropped and signed ones accepted", async () => {
    const clock = new FakeClock();
    const room = new Room();
    const signer = makeHub([new RoomChannel("mem", room)], clock, "A", {
      secret: async () => "s3",
    });
    const plain = makeHub([new RoomChannel("mem", room)], clock, "C");
    const receiver = makeHub([new RoomChannel("mem", room)], clock, "B", {
      secret: async () => "s3",
    });
    await Promise.all([signer.hub.start(), plain.hub.start(), receiver.hub.start()]);
    await settle();
    plain.hub.announce(info("unsigned-head"));
    signer.hub.announce(info("signed-head", "repo-2"));
    await settle();
    assert.deepEqual(
      receiver.received.map((r) => r.head),
      ["signed-head"],
    );
    assert.ok(receiver.events.some((e) => e.type === "warning" && /not signed/.test(e.message)));
  });

  test("while down, the newest head per repository is queued, bounded, and sent on reconnect", async () => {
    const clock = new FakeClock();
    const room = new Room();
    const sender = new RoomChannel("mem", room);
    const a = makeHub([sender], clock, "A", { queueLimit: 2 });
    const b = makeHub([new RoomChannel("mem", room)], clock, "B");
    await a.hub.start();
    await b.hub.start();
    await settle();
    room.goDown();
    a.hub.announce(info("old", "repo-1"));
    a.hub.announce(info("new", "repo-1"));
    a.hub.announce(info("x", "repo-2"));
    a.hub.announce(info("y", "repo-3"));
    await settle();
    assert.equal(a.hub.queued("mem"), 2, "bounded: the oldest repository was dropped");
    const status = a.events.filter((e) => e.type === "channelStatus").at(-1);
    assert.equal(status?.type === "channelStatus" && status.status, "reconnecting");
    assert.equal(status?.type === "channelStatus" && status.retryInMs, 750);
    room.up = true;
    clock.advance(750);
    await settle();
    clock.advance(1000);
    await settle();
    assert.equal(a.hub.queued("mem"), 0);
    assert.deepEqual(
      b.received.map((r) => `${r.repositoryId}:${r.head}`).sort(),
      ["repo-2:x"],
      "repo-1 was dropped by the bound (queueLimit 2 kept repo-2 and repo-3; repo-3 is not served)",
    );
  });

  test("reconnect delays double up to the maximum, with jitter", async () => {
    const clock = new FakeClock();
    const room = new Room();
    room.up = false;
    const a = makeHub([new RoomChannel("mem", room)], clock, "A");
    await a.hub.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      await settle();
      const last = a.events.filter((e) => e.type === "channelStatus").at(-1);
      if (last?.type === "channelStatus" && last.retryInMs !== undefined) {
        delays.push(last.retryInMs);
        clock.advance(last.retryInMs);
      }
    }
    assert.deepEqual(delays, [750, 1500, 3000, 6000, 6000, 6000]);
  });

  test("a refused login reports the channel down with its reason and waits the longest", async () => {
    const clock = new FakeClock();
    const a = makeHub(
      [new RoomChannel("xmpp", new Room(), new ChannelError("auth", "not-authorized"))],
      clock,
      "A",
    );
    await a.hub.start();
    await settle();
    const last = a.events.filter((e) => e.type === "channelStatus").at(-1);
    assert.deepEqual(last?.type === "channelStatus" && [last.status, last.detail, last.retryInMs], [
      "down",
      "not-authorized",
      6000,
    ]);
  });

  test("stop closes channels and cancels retries", async () => {
    const clock = new FakeClock();
    const room = new Room();
    room.up = false;
    const channel = new RoomChannel("mem", room);
    const a = makeHub([channel], clock, "A");
    await a.hub.start();
    await settle();
    await a.hub.stop();
    clock.advance(100_000);
    await settle();
    assert.equal(channel.connects, 1);
    assert.equal(clock.pendingTimers, 0);
  });

  test("alsoNotify recipients are told of pushes and conflicts seen on the bus", async () => {
    const clock = new FakeClock();
    const channel = new RoomChannel("xmpp", new Room());
    const a = makeHub([channel], clock, "A");
    await a.hub.start();
    await settle();
    a.bus.publish({ type: "pushed", repo: "notes", head: "0123456789abcdef" });
    a.bus.publish({
      type: "conflict",
      repo: "notes",
      conflicts: [{ path: "todo.md", copyPath: "todo (conflict).md", kind: "both-modified" }],
    });
    await settle();
    assert.deepEqual(channel.toldHumans, [
      "autosync: host-A pushed notes (0123456789ab)",
      "autosync: conflict in notes on host-A, both versions kept: todo.md; see `autosync conflicts`",
    ]);
    await a.hub.stop();
    a.bus.publish({ type: "pushed", repo: "notes", head: "fedcba" });
    assert.equal(channel.toldHumans.length, 2, "nothing is told after stop");
  });

  test("bus events name the repository by its display name when the daemon gives one", async () => {
    const clock = new FakeClock();
    const room = new Room();
    const a = makeHub([new RoomChannel("mem", room)], clock, "A");
    const b = makeHub([new RoomChannel("mem", room)], clock, "B");
    b.hub.setRepositories(["repo-1"], { "repo-1": "notes" });
    await a.hub.start();
    await b.hub.start();
    await settle();
    a.hub.announce({ repositoryId: "repo-1", head: "h1", repo: "my-notes" });
    await settle();
    const sent = a.events.find((e) => e.type === "announcementSent");
    const heard = b.events.find((e) => e.type === "announcementReceived");
    assert.equal(sent?.type === "announcementSent" && sent.repo, "my-notes");
    assert.equal(heard?.type === "announcementReceived" && heard.repo, "notes");
  });
});
