import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { stringify } from "yaml";
import type { CliIo } from "../../../src/cli/command.js";
import { runCli } from "../../../src/cli/run-cli.js";
import { startControlServer } from "../../../src/runtime/control-server.js";
import { processAlive } from "../../../src/runtime/process-alive.js";
import { MemoryDaemonView, snapshotOf } from "../../support/memory-daemon-view.js";
import { reapOnExit } from "../../support/exit-reaper.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { waitFor } from "../../support/wait-for.js";

function io(cwd: string): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return {
    io: { stdout, stderr, env: { ...process.env, XDG_RUNTIME_DIR: "" }, cwd },
    out: () => out,
    err: () => err,
  };
}

async function setup(t: { after: (fn: () => Promise<void>) => void }, { serve = true } = {}) {
  const temp = await makeTempDir("autosync-cli-control-");
  t.after(temp.cleanup);
  const repo = join(temp.dir, "notes");
  await mkdir(join(repo, ".git"), { recursive: true });
  const socketPath = join(temp.dir, "run", "control.sock");
  const pidfile = join(temp.dir, "autosync.pid");
  const configPath = join(temp.dir, "autosync.config.yaml");
  await writeFile(
    configPath,
    stringify({
      version: 1,
      host: "left",
      defaults: { recipe: "git" },
      repositories: [{ path: repo, name: "notes" }],
      pidfile,
      controlSocket: socketPath,
    }),
  );
  const now = Date.now();
  const view = new MemoryDaemonView([
    snapshotOf("notes", {
      path: repo,
      state: "pending",
      pendingCount: 2,
      pendingSample: ["todo.md", "plan.md"],
      nextCommitAt: now + 5_000,
      lastCommit: { head: "0123456789abcdef0123456789abcdef01234567", at: now - 60_000, files: 1 },
      remoteUrl: "ssh://server/notes.git",
    }),
  ]);
  let server: Awaited<ReturnType<typeof startControlServer>> | undefined;
  if (serve) {
    server = await startControlServer(socketPath, view);
    t.after(() => server?.close() ?? Promise.resolve());
  }
  return { dir: temp.dir, configPath, socketPath, pidfile, view, server };
}

describe("autosync status, sync, pause, resume, stop", () => {
  test("status prints each repository as the UI shows it, and --json the snapshots", async (t) => {
    const { dir, configPath } = await setup(t);
    const plain = io(dir);
    assert.equal(await runCli(["status", "--config", configPath], plain.io), 0, plain.err());
    assert.match(plain.out(), /^notes {2}\[pending for \d+s\] {2}\S*notes$/m);
    assert.match(plain.out(), /next {3}commit in [1-5]s/);
    assert.match(plain.out(), /2 pending\n {4}todo\.md\n {4}plan\.md/);
    assert.match(plain.out(), /commit 01234567 1m 0\ds ago \(1 file\)/);
    assert.match(plain.out(), /remote ssh:\/\/server\/notes\.git/);

    const json = io(dir);
    assert.equal(await runCli(["status", "--json", "--config", configPath], json.io), 0);
    const parsed = JSON.parse(json.out()) as {
      now: number;
      repositories: { repo: string; pendingCount: number }[];
    };
    assert.deepEqual(
      parsed.repositories.map((repo) => [repo.repo, repo.pendingCount]),
      [["notes", 2]],
    );
  });

  test("status without a running daemon exits 1 and says how to start one", async (t) => {
    const { dir, configPath, socketPath } = await setup(t, { serve: false });
    const cli = io(dir);
    assert.equal(await runCli(["status", "--config", configPath], cli.io), 1);
    assert.equal(
      cli.err(),
      `No autosync daemon answers on ${socketPath}. Start one with \`autosync run\` (or check --config).\n`,
    );
    assert.equal(cli.out(), "");
  });

  test("sync, pause and resume --allow-deletions reach the daemon; an unknown repository exits 1", async (t) => {
    const { dir, configPath, view } = await setup(t);
    const sync = io(dir);
    assert.equal(await runCli(["sync", "notes", "--config", configPath], sync.io), 0);
    assert.equal(sync.out(), "sync requested: notes\n");
    assert.equal(await runCli(["pause", "--config", configPath], io(dir).io), 0);
    assert.equal(
      await runCli(["resume", "notes", "--allow-deletions", "--config", configPath], io(dir).io),
      0,
    );
    assert.deepEqual(view.requests, [
      { repo: "notes", input: { type: "syncRequested" } },
      { repo: undefined, input: { type: "pauseRequested" } },
      { repo: "notes", input: { type: "resumeRequested", allowDeletions: true } },
    ]);
    const unknown = io(dir);
    assert.equal(await runCli(["sync", "photos", "--config", configPath], unknown.io), 1);
    assert.match(unknown.err(), /Unknown repository 'photos'\. Known: notes\./);
    const usage = io(dir);
    assert.equal(await runCli(["pause", "--force", "--config", configPath], usage.io), 2);
    assert.match(usage.err(), /unknown option '--force'/);
  });

  test("commit sends the typed message (even one that starts with a dash), or none for the default", async (t) => {
    const { dir, configPath, view } = await setup(t);
    const cli = io(dir);
    assert.equal(
      await runCli(["commit", "notes", "-m", "-rf: not an option", "--config", configPath], cli.io),
      0,
      cli.err(),
    );
    assert.equal(cli.out(), "commit requested: notes\n");
    assert.equal(await runCli(["commit", "--config", configPath], io(dir).io), 0);
    assert.equal(
      await runCli(["commit", "notes", "--message=   ", "--config", configPath], io(dir).io),
      0,
    );
    assert.deepEqual(view.requests, [
      { repo: "notes", input: { type: "commitRequested", message: "-rf: not an option" } },
      { repo: undefined, input: { type: "commitRequested" } },
      { repo: "notes", input: { type: "commitRequested" } },
    ]);
  });

  test("stop asks the daemon to stop and waits until its socket is gone", async (t) => {
    const { dir, configPath, view, server } = await setup(t);
    // The daemon's side: once stop() was asked, finish and close the socket, as `autosync run` does.
    void waitFor("the stop request", () => view.stopCalls > 0).then(() => server?.close());
    const cli = io(dir);
    assert.equal(await runCli(["stop", "--config", configPath], cli.io), 0, cli.err());
    assert.match(
      cli.out(),
      /Stopping: the daemon finishes the operation in flight, then exits\.\nStopped\.\n/,
    );
  });

  test("stop falls back to SIGTERM for the pidfile's autosync process when the socket is dead", async (t) => {
    const { dir, configPath, pidfile } = await setup(t, { serve: false });
    // A process whose command line says autosync, standing in for a daemon whose socket broke.
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", "autosync-run"], {
      stdio: "ignore",
    });
    reapOnExit(child, { group: false });
    t.after(() => {
      child.kill("SIGKILL");
    });
    await writeFile(pidfile, `${child.pid}\n`);
    const cli = io(dir);
    assert.equal(await runCli(["stop", "--config", configPath], cli.io), 0, cli.err());
    assert.match(cli.out(), new RegExp(`sent SIGTERM to pid ${child.pid}`));
    assert.equal(processAlive(child.pid ?? -1), false);
  });

  test("stop never signals a process that is not autosync, even if the pidfile names it", async (t) => {
    const { dir, configPath, pidfile } = await setup(t, { serve: false });
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    reapOnExit(child, { group: false });
    t.after(() => {
      child.kill("SIGKILL");
    });
    await writeFile(pidfile, `${child.pid}\n`);
    const cli = io(dir);
    assert.equal(await runCli(["stop", "--config", configPath], cli.io), 1);
    assert.equal(cli.err(), "No autosync daemon is running.\n");
    assert.equal(processAlive(child.pid ?? -1), true);
  });
});
