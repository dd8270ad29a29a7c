import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { CliIo } from "../../../src/cli/command.js";
import { runCli } from "../../../src/cli/run-cli.js";
import { SyncFixture } from "../../support/sync-fixture.js";
import { waitFor } from "../../support/wait-for.js";

function io(
  cwd: string,
  env: NodeJS.ProcessEnv,
): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdout, stderr, env, cwd }, out: () => out, err: () => err };
}

/** `autosync status` from "another terminal" against a real `autosync run`, then pause/resume/stop. */
test(
  "status, pause, resume and stop talk to a real running daemon",
  { timeout: 120_000 },
  async (t) => {
    const fixture = await SyncFixture.create(t, { copies: 1, prefix: "autosync-status-live-" });
    const copy = fixture.copy(0);
    const daemon = await fixture.start(0);
    const cli = async (...args: string[]) => {
      const session = io(fixture.dir, fixture.env);
      const code = await runCli([...args, "--config", copy.configPath], session.io);
      return { code, out: session.out(), err: session.err() };
    };

    await writeFile(join(copy.path, "status check.md"), "seen by autosync status\n");
    const committed = await daemon.waitForEvent(
      "the commit",
      (event) => event.type === "committed",
    );
    assert.equal(committed.type, "committed");
    const head = committed.type === "committed" ? committed.head.slice(0, 8) : "";
    const status = await waitFor("status to show the commit", async () => {
      const result = await cli("status");
      return result.code === 0 && result.out.includes(`commit ${head}`) ? result.out : undefined;
    });
    assert.match(status, new RegExp(`^notes {2}\\[\\w+ for \\d+`, "m"));
    assert.match(
      status,
      new RegExp(`remote ${fixture.remote.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );

    assert.equal((await cli("pause", "notes")).code, 0);
    await waitFor("status to show the pause", async () =>
      (await cli("status")).out.includes("[paused"),
    );
    const json = JSON.parse((await cli("status", "--json")).out) as {
      repositories: { state: string }[];
    };
    assert.equal(json.repositories[0]?.state, "paused");
    assert.equal((await cli("resume", "notes")).code, 0);
    await waitFor(
      "status to leave the pause",
      async () => !(await cli("status")).out.includes("[paused"),
    );

    const stop = await cli("stop");
    assert.equal(stop.code, 0, stop.err);
    assert.match(stop.out, /Stopped\./);
    await daemon.exited;
    assert.equal(daemon.exitCode, 0, daemon.describe());
    const after = await cli("status");
    assert.equal(after.code, 1);
    assert.match(after.err, /No autosync daemon answers on/);
  },
);
