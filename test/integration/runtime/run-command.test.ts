import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { stringify } from "yaml";
import type { CliIo } from "../../../src/cli/command.js";
import { ExitCode } from "../../../src/cli/exit-codes.js";
import { runCli } from "../../../src/cli/run-cli.js";
import { startDaemon, type DaemonHandle } from "../../../src/runtime/daemon.js";
import { configForClone, makeGitClones, type GitClones } from "../../support/git-clones.js";

let clones: GitClones;
let daemon: DaemonHandle | undefined;
before(async () => {
  clones = await makeGitClones(1, "autosync-run-cmd-");
});
after(async () => {
  await daemon?.stop();
  await clones?.cleanup();
});

function io(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return {
    io: { stdout, stderr, env: process.env, cwd: clones.dir },
    out: () => out,
    err: () => err,
  };
}

describe("autosync run", () => {
  test("an invalid config prints its diagnostics with file:line:column and exits 1 without a stack", async () => {
    const file = join(clones.dir, "bad.yaml");
    await writeFile(file, "version: 1\nrepositories:\n  - path: 42\n    bogus: true\n");
    const { io: cli, err } = io();
    assert.equal(await runCli(["run", "--config", file, "--no-tui"], cli), ExitCode.failure);
    assert.match(err(), /bad\.yaml:\d+:\d+/);
    assert.doesNotMatch(err(), /\n\s+at /, "no stack trace");
  });

  test("wrong arguments are a usage error (exit 2)", async () => {
    const unknown = io();
    assert.equal(await runCli(["run", "--bogus"], unknown.io), ExitCode.usage);
    assert.match(unknown.err(), /unknown option '--bogus'/);
    const format = io();
    assert.equal(await runCli(["run", "--log-format", "xml"], format.io), ExitCode.usage);
    assert.match(format.err(), /plain or json/);
    const missing = io();
    assert.equal(await runCli(["run", "--config"], missing.io), ExitCode.usage);
  });

  test("a second instance on the same repository is refused with exit 3 and a clear message", async () => {
    const clone = clones.clones[0] as string;
    daemon = await startDaemon(
      await configForClone(clones.dir, {
        host: "alpha",
        clone,
        pidfile: join(clones.dir, "first.pid"),
      }),
    );
    const file = join(clones.dir, "second.yaml");
    await writeFile(
      file,
      stringify({
        version: 1,
        host: "alpha",
        defaults: { recipe: "git" },
        repositories: [{ path: clone, name: "notes" }],
        pidfile: join(clones.dir, "second.pid"),
        controlSocket: join(clones.dir, "second.sock"),
      }),
    );
    const { io: cli, err } = io();
    assert.equal(
      await runCli(["run", "--config", file, "--log-format", "json"], cli),
      ExitCode.alreadyRunning,
    );
    assert.match(
      err(),
      new RegExp(`another autosync \\(pid ${process.pid}.*already serves ${clone}`),
    );
    assert.match(err(), /autosync stop/);
  });
});
