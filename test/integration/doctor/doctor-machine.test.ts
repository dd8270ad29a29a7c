import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runDoctor } from "../../../src/doctor/run-doctor.js";
import { processRunner, type CommandRunner } from "../../../src/runtime/command-runner.js";
import { makeGitClones, type GitClones } from "../../support/git-clones.js";
import { line, resolvedConfig, type DoctorSetup } from "./doctor-support.js";

describe("autosync doctor on this machine's places and programs", { timeout: 120_000 }, () => {
  let clones: GitClones;
  let setup: DoctorSetup;

  before(async () => {
    clones = await makeGitClones(1, "autosync-doctor-machine-");
    setup = { repositories: [{ path: clones.clones[0] as string, name: "notes" }] };
  });
  after(() => clones?.cleanup());

  test("a pidfile below a file and a socket path too long for a Unix socket are problems", async () => {
    const file = join(clones.dir, "not-a-folder");
    await writeFile(file, "");
    const config = await resolvedConfig(clones.dir, {
      ...setup,
      pidfile: join(file, "run", "autosync.pid"),
      controlSocket: join(clones.dir, "s".repeat(120), "autosync.sock"),
    });
    const results = await runDoctor(config, { env: process.env });
    const pidfile = line(results, "machine", "pidfile");
    assert.equal(pidfile.status, "problem");
    assert.match(pidfile.message, /not-a-folder is not a writable folder/);
    assert.match(pidfile.fix ?? "", /set `pidfile`/);
    const socket = line(results, "machine", "socket");
    assert.equal(socket.status, "problem");
    assert.match(socket.message, /is \d+ bytes; a Unix socket path may have at most 10[37]/);
  });

  test("a missing DVCS binary is one problem line, and nothing else is asked of that repository", async () => {
    const emptyPath = join(clones.dir, "empty-bin");
    await mkdir(emptyPath, { recursive: true });
    // The same runner with a PATH where no git can be found.
    const runner: CommandRunner = {
      run: (argv, options) =>
        processRunner.run(argv, { ...options, env: { ...options.env, PATH: emptyPath } }),
    };
    const config = await resolvedConfig(clones.dir, setup);
    const results = await runDoctor(config, { env: process.env, runner });
    const dvcs = line(results, "notes", "dvcs");
    assert.equal(dvcs.status, "problem");
    assert.equal(dvcs.message, "git is not installed (not found on PATH)");
    const asked = results
      .filter((result) => result.subject === "notes")
      .map((result) => result.check);
    assert.deepEqual(asked, ["dvcs", "working-copy", "disk-space"]);
  });

  test("desktop notices: a warning without notify-send or a session, ok with both", async () => {
    const config = await resolvedConfig(clones.dir, { ...setup, desktop: true });
    const bin = join(clones.dir, "desktop-bin");
    await mkdir(bin, { recursive: true });
    const withoutSession = line(
      await runDoctor(config, { env: { ...process.env, PATH: bin }, platform: "linux" }),
      "machine",
      "desktop",
    );
    assert.equal(withoutSession.status, "warning");
    assert.match(withoutSession.message, /notify-send/);

    // A stand-in notify-send: the one thing tests may fake is a desktop session.
    await writeFile(join(bin, "notify-send"), "#!/bin/sh\nexit 0\n");
    await chmod(join(bin, "notify-send"), 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, DISPLAY: ":0" };
    const available = line(
      await runDoctor(config, { env, platform: "linux" }),
      "machine",
      "desktop",
    );
    assert.equal(available.status, "ok");
  });
});
