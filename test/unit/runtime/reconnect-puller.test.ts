import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AutosyncEventBody } from "../../../src/events/autosync-event.js";
import { reconnectPuller } from "../../../src/runtime/reconnect-puller.js";

type Status = Extract<AutosyncEventBody, { type: "channelStatus" }>["status"];

function pullsFor(statuses: readonly [string, Status][]): string[] {
  const pulls: string[] = [];
  const listener = reconnectPuller((channel) => pulls.push(channel));
  for (const [channel, status] of statuses) listener({ type: "channelStatus", channel, status });
  return pulls;
}

describe("a pull when a channel comes back", () => {
  test("the first connect pulls nothing: the startup pull covers it", () => {
    assert.deepEqual(
      pullsFor([
        ["mqtt", "connecting"],
        ["mqtt", "connected"],
      ]),
      [],
    );
  });

  test("connected again after reconnecting pulls once", () => {
    assert.deepEqual(
      pullsFor([
        ["mqtt", "connecting"],
        ["mqtt", "connected"],
        ["mqtt", "reconnecting"],
        ["mqtt", "reconnecting"],
        ["mqtt", "connected"],
        ["mqtt", "connected"],
      ]),
      ["mqtt"],
    );
  });

  test("connected after down (a refused login fixed) pulls", () => {
    assert.deepEqual(
      pullsFor([
        ["xmpp", "connected"],
        ["xmpp", "down"],
        ["xmpp", "connected"],
      ]),
      ["xmpp"],
    );
  });

  test("a channel that failed at startup pulls when it finally connects", () => {
    assert.deepEqual(
      pullsFor([
        ["xmpp", "connecting"],
        ["xmpp", "reconnecting"],
        ["xmpp", "connected"],
      ]),
      ["xmpp"],
    );
  });

  test("each channel counts on its own; other events are ignored", () => {
    const pulls: string[] = [];
    const listener = reconnectPuller((channel) => pulls.push(channel));
    listener({ type: "channelStatus", channel: "mqtt", status: "connected" });
    listener({ type: "channelStatus", channel: "xmpp", status: "connected" });
    listener({ type: "channelStatus", channel: "mqtt", status: "reconnecting" });
    listener({ type: "info", message: "connected" });
    listener({ type: "channelStatus", channel: "xmpp", status: "connected" });
    assert.deepEqual(pulls, []);
    listener({ type: "channelStatus", channel: "mqtt", status: "connected" });
    assert.deepEqual(pulls, ["mqtt"]);
  });

  test("a disabled channel never pulls", () => {
    assert.deepEqual(pullsFor([["xmpp", "disabled"]]), []);
  });
});
