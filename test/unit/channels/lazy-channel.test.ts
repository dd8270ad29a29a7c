import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Channel, ChannelSink } from "../../../src/channels/channel.js";
import { LazyChannel } from "../../../src/channels/lazy-channel.js";

/** A transport that records what reached it, in order. */
class RecordingChannel implements Channel {
  readonly calls: string[] = [];
  sink?: ChannelSink;
  constructor(readonly name: string) {}
  attach(sink: ChannelSink): void {
    this.sink = sink;
    this.calls.push("attach");
  }
  setRepositories(repositoryIds: readonly string[]): void {
    this.calls.push(`repositories ${repositoryIds.join(",")}`);
  }
  async connect(): Promise<void> {
    this.calls.push("connect");
  }
  async send(repositoryId: string, payload: string): Promise<void> {
    this.calls.push(`send ${repositoryId} ${payload}`);
  }
  async close(): Promise<void> {
    this.calls.push("close");
  }
}

class TalkingChannel extends RecordingChannel {
  async tellHumans(text: string): Promise<void> {
    this.calls.push(`tell ${text}`);
  }
}

const sink: ChannelSink = { received() {}, disconnected() {} };

describe("a lazily loaded channel", () => {
  test("loads nothing until the first connect, then hands over sink and repositories in order", async () => {
    const inner = new RecordingChannel("mqtt");
    let loads = 0;
    const lazy = new LazyChannel("mqtt", async () => {
      loads += 1;
      return inner;
    });
    lazy.attach(sink);
    lazy.setRepositories(["a"]);
    lazy.setRepositories(["a", "b"]);
    assert.equal(loads, 0);
    assert.equal(lazy.name, "mqtt");

    await lazy.connect();
    await lazy.send("a", "payload");
    lazy.setRepositories(["c"]);
    await lazy.connect();
    assert.equal(loads, 1);
    assert.equal(inner.sink, sink);
    assert.deepEqual(inner.calls, [
      "attach",
      "repositories a,b",
      "connect",
      "send a payload",
      "repositories c",
      "connect",
    ]);
  });

  test("closing a channel that never connected loads nothing", async () => {
    let loads = 0;
    const lazy = new LazyChannel("xmpp", async () => {
      loads += 1;
      return new RecordingChannel("xmpp");
    });
    await lazy.close();
    assert.equal(loads, 0);
  });

  test("a failed load fails that connect and is tried again at the next one", async () => {
    const inner = new RecordingChannel("xmpp");
    let loads = 0;
    const lazy = new LazyChannel("xmpp", async () => {
      loads += 1;
      if (loads === 1) throw new Error("module not found");
      return inner;
    });
    lazy.attach(sink);
    await assert.rejects(lazy.connect(), /module not found/);
    await lazy.close();
    await lazy.connect();
    assert.equal(loads, 2);
    assert.deepEqual(inner.calls, ["attach", "connect"]);
  });

  test("humans are told through a transport that can, and nothing happens with one that cannot", async () => {
    const talking = new TalkingChannel("xmpp");
    const xmpp = new LazyChannel("xmpp", async () => talking);
    await xmpp.connect();
    await xmpp.tellHumans("pushed");
    assert.deepEqual(talking.calls, ["connect", "tell pushed"]);

    const silent = new RecordingChannel("mqtt");
    const mqtt = new LazyChannel("mqtt", async () => silent);
    await mqtt.connect();
    await mqtt.tellHumans("pushed");
    assert.deepEqual(silent.calls, ["connect"]);
  });
});
