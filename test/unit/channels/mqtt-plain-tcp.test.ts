import { test } from "node:test";
import assert from "node:assert/strict";
import { plainTcpBroker } from "../../../src/channels/mqtt-channel.js";

test("a plain mqtt:// URL is connected over TCP directly, with mqtt's default port", () => {
  assert.deepEqual(plainTcpBroker("mqtt://broker.example.org:1884", {}), {
    host: "broker.example.org",
    port: 1884,
  });
  assert.deepEqual(plainTcpBroker("mqtt://127.0.0.1", {}), { host: "127.0.0.1", port: 1883 });
  assert.deepEqual(plainTcpBroker("mqtt://[::1]:1885/", {}), { host: "::1", port: 1885 });
});

test("anything mqtt.connect must interpret goes through it", () => {
  for (const url of [
    "mqtts://broker.example.org",
    "ws://broker.example.org/mqtt",
    "wss://broker.example.org/mqtt",
    "mqtt://user:secret@broker.example.org",
    "mqtt://user@broker.example.org",
    "mqtt://broker.example.org?clientId=x",
    "not a url",
  ])
    assert.equal(plainTcpBroker(url, {}), undefined, url);
  assert.equal(
    plainTcpBroker("mqtt://broker.example.org", { MQTTJS_SOCKS_PROXY: "socks5://127.0.0.1:1080" }),
    undefined,
  );
});
