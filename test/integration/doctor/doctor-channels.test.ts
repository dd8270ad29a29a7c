import { after, before, describe, test } from "node:test";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { XmppChannel } from "../../../src/channels/xmpp-channel.js";
import { runDoctor } from "../../../src/doctor/run-doctor.js";
import { makeGitClones, type GitClones } from "../../support/git-clones.js";
import { freePort } from "../../support/free-port.js";
import { startMosquitto, type MosquittoServer } from "../../support/mosquitto-server.js";
import { startProsody, type ProsodyServer } from "../../support/prosody-server.js";
import { line, resolvedConfig, writeConfig } from "./doctor-support.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe(
  "autosync doctor on the channels, against a real prosody and mosquitto",
  { timeout: 180_000 },
  () => {
    let clones: GitClones;
    let prosody: ProsodyServer;
    let mosquitto: MosquittoServer;

    before(async () => {
      clones = await makeGitClones(1, "autosync-doctor-channels-");
      [prosody, mosquitto] = await Promise.all([startProsody(), startMosquitto()]);
      await prosody.register("alice", "right-pw");
    });
    after(async () => {
      await Promise.all([prosody?.cleanup(), mosquitto?.cleanup()]);
      await clones?.cleanup();
    });

    const doctor = async (channels: Record<string, unknown>) => {
      const config = await resolvedConfig(clones.dir, {
        repositories: [{ path: clones.clones[0] as string, name: "notes" }],
        channels,
      });
      return runDoctor(config, { env: process.env, networkTimeoutMs: 20_000 });
    };
    const xmpp = (password: string) => ({
      jid: `alice@${prosody.domain}`,
      password,
      service: prosody.service,
      resource: "autosync-laptop",
    });

    test("the real binary, with both channels up, prints its report and exits 0 at once", async () => {
      const config = await writeConfig(clones.dir, {
        repositories: [{ path: clones.clones[0] as string, name: "notes" }],
        channels: { mqtt: { url: mosquitto.url }, xmpp: xmpp("right-pw") },
      });
      const started = performance.now();
      // A client left open (an MQTT or XMPP socket) would keep the process alive after the report.
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          join(REPO_ROOT, "src/cli/main.ts"),
          "doctor",
          "--config",
          config,
          "--json",
        ],
        { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      assert.equal(stderr, "");
      const report = JSON.parse(stdout) as {
        ok: boolean;
        checks: { check: string; status: string }[];
      };
      assert.equal(code, 0, stdout);
      assert.equal(report.ok, true);
      for (const name of ["mqtt", "xmpp"]) {
        assert.equal(report.checks.find((check) => check.check === name)?.status, "ok", name);
      }
      assert.ok(performance.now() - started < 30_000, `took ${performance.now() - started} ms`);
    });

    test("XMPP: the right password logs in; a wrong one is a login problem with its fix", async () => {
      const good = line(await doctor({ xmpp: xmpp("right-pw") }), "xmpp", "xmpp");
      assert.equal(good.status, "ok", good.message);
      assert.equal(good.message, `logged in via ${prosody.service}`);

      const bad = line(await doctor({ xmpp: xmpp("wrong-pw") }), "xmpp", "xmpp");
      assert.equal(bad.status, "problem");
      assert.equal(bad.failure, "auth");
      assert.match(bad.message, /^login refused: the server refused the login of alice@/);
      assert.match(bad.fix ?? "", /channels\.xmpp\.jid and its password/);
    });

    test("XMPP: a server that is down is a TCP problem", async () => {
      const port = await freePort();
      const down = line(
        await doctor({ xmpp: { ...xmpp("right-pw"), service: `xmpp://127.0.0.1:${port}` } }),
        "xmpp",
        "xmpp",
      );
      assert.equal(down.status, "problem");
      assert.equal(down.failure, "tcp");
      assert.match(down.message, /^TCP: cannot open a TCP connection/);
    });

    test("XMPP: the doctor's login does not throw the running daemon's session off", async () => {
      // The daemon's own resource: a probe under the same one would make prosody close this session.
      const disconnects: string[] = [];
      const daemon = new XmppChannel(
        { ...xmpp("right-pw"), password: { value: "right-pw" }, alsoNotify: [], allowFrom: [] },
        { host: "laptop", password: async () => "right-pw" },
      );
      daemon.attach({ received: () => {}, disconnected: (reason) => disconnects.push(reason) });
      await daemon.connect();
      try {
        assert.equal(line(await doctor({ xmpp: xmpp("right-pw") }), "xmpp", "xmpp").status, "ok");
        // A round trip after the doctor left: a kick would have arrived before its answer.
        await daemon.send("some-repository", "ping");
        assert.deepEqual(disconnects, []);
        assert.deepEqual(daemon.siblingResources, []);
      } finally {
        await daemon.close();
      }
    });

    test("MQTT: a broker that is up connects; one that is down is a TCP problem", async () => {
      const up = line(await doctor({ mqtt: { url: mosquitto.url } }), "mqtt", "mqtt");
      assert.equal(up.status, "ok", up.message);
      assert.equal(up.message, `connected to ${mosquitto.url}`);

      const port = await freePort();
      const down = line(
        await doctor({ mqtt: { url: `mqtt://127.0.0.1:${port}` } }),
        "mqtt",
        "mqtt",
      );
      assert.equal(down.status, "problem");
      assert.equal(down.failure, "tcp");
      assert.match(down.message, /^TCP: cannot open a TCP connection to the MQTT broker/);
      assert.match(down.fix ?? "", /start the broker/);
    });
  },
);
