import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import mqtt from "mqtt";
import { runBroker } from "../../../src/cli/commands/broker.js";
import { waitFor } from "../../support/wait-for.js";
import { reapOnExit } from "../../support/exit-reaper.js";

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return {
    io: { stdout, stderr, env: {}, cwd: process.cwd() },
    out: () => out,
    err: () => err,
  };
}

describe("autosync broker", { timeout: 60_000 }, () => {
  const cleanups: (() => unknown)[] = [];
  after(() => {
    for (const cleanup of cleanups) cleanup();
  });

  test("the real binary serves MQTT until SIGTERM and exits 0", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "broker", "--port", "0"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    reapOnExit(child, { group: false });
    cleanups.push(() => child.exitCode === null && child.kill("SIGKILL"));
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const url = await waitFor(
      "the listening line",
      () => /mqtt:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0],
      {
        timeoutMs: 30_000,
      },
    );
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    const got: string[] = [];
    client.on("message", (_topic, payload) => got.push(payload.toString()));
    await client.subscribeAsync("autosync/x", { qos: 1 });
    await client.publishAsync("autosync/x", "hello", { qos: 1 });
    await waitFor("the message comes back", () => got.includes("hello"));
    await client.endAsync(true);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.match(out, /broker stopped/);
  });

  test("a bad port is a usage error with the value found", async () => {
    const streams = io();
    const code = await runBroker(["--port", "99999"], streams.io, async () => {});
    assert.equal(code, 2);
    assert.match(streams.err(), /--port expects a number from 0 to 65535, found '99999'/);
  });

  test("an unknown flag is a usage error", async () => {
    const streams = io();
    assert.equal(await runBroker(["--bogus"], streams.io, async () => {}), 2);
    assert.match(streams.err(), /unknown option '--bogus'/);
  });

  test("a port already in use fails with exit 1 and says which address", async () => {
    const first = io();
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    const running = runBroker(["--port=0"], first.io, () => holding);
    const url = await waitFor("first broker", () =>
      /mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(first.out()),
    );
    const second = io();
    const code = await runBroker(["--port", url[1]!], second.io, async () => {});
    release();
    assert.equal(await running, 0);
    assert.equal(code, 1);
    assert.match(
      second.err(),
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${url[1]}: .*EADDRINUSE`),
    );
  });
});
