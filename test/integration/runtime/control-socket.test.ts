import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { join } from "node:path";
import { sendControlRequest, DaemonUnavailableError } from "../../../src/runtime/control-client.js";
import { ControlSocketError, startControlServer } from "../../../src/runtime/control-server.js";
import { MemoryDaemonView, snapshotOf } from "../../support/memory-daemon-view.js";
import { reapOnExit } from "../../support/exit-reaper.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { waitFor } from "../../support/wait-for.js";

async function served(t: { after: (fn: () => Promise<void>) => void }) {
  const temp = await makeTempDir("autosync-control-");
  t.after(temp.cleanup);
  const socketPath = join(temp.dir, "run", "autosync.sock");
  const view = new MemoryDaemonView([
    snapshotOf("notes", { state: "pending", pendingCount: 3, pendingSample: ["a", "b", "c"] }),
    snapshotOf("photos"),
  ]);
  const server = await startControlServer(socketPath, view);
  t.after(() => server.close());
  return { socketPath, view, server, dir: temp.dir };
}

describe("control socket", () => {
  test("status answers every repository's snapshot, and the socket is 0600 in a 0700 directory", async (t) => {
    const { socketPath } = await served(t);
    const response = await sendControlRequest(socketPath, { command: "status" });
    assert.equal(response.ok, true);
    assert.ok(response.ok);
    assert.deepEqual(
      response.snapshots?.map((snapshot) => [snapshot.repo, snapshot.state, snapshot.pendingCount]),
      [
        ["notes", "pending", 3],
        ["photos", "idle", 0],
      ],
    );
    assert.equal((await stat(socketPath)).mode & 0o777, 0o600);
    assert.equal((await stat(join(socketPath, ".."))).mode & 0o777, 0o700);
  });

  test("sync, pause, resume and commit reach the named repository, or every one without a name", async (t) => {
    const { socketPath, view } = await served(t);
    await sendControlRequest(socketPath, { command: "sync", repo: "notes" });
    await sendControlRequest(socketPath, { command: "pause" });
    await sendControlRequest(socketPath, {
      command: "resume",
      repo: "photos",
      allowDeletions: true,
    });
    const commit = await sendControlRequest(socketPath, {
      command: "commit",
      repo: "notes",
      message: "before -rf; `x`",
    });
    assert.ok(commit.ok);
    assert.deepEqual(commit.repos, ["notes"]);
    assert.deepEqual(view.requests, [
      { repo: "notes", input: { type: "syncRequested" } },
      { repo: undefined, input: { type: "pauseRequested" } },
      { repo: "photos", input: { type: "resumeRequested", allowDeletions: true } },
      { repo: "notes", input: { type: "commitRequested", message: "before -rf; `x`" } },
    ]);
  });

  test("an unknown repository is refused with the known names, and nothing is requested", async (t) => {
    const { socketPath, view } = await served(t);
    const response = await sendControlRequest(socketPath, { command: "sync", repo: "nope" });
    assert.deepEqual(response, {
      ok: false,
      error: "Unknown repository 'nope'. Known: notes, photos.",
    });
    assert.equal(view.requests.length, 0);
  });

  test("a malformed line gets an error and the connection still answers the next request", async (t) => {
    const { socketPath } = await served(t);
    const socket = createConnection(socketPath);
    t.after(() => socket.destroy());
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.write('not json\n{"command":"explode"}\n{"command":"status"}\n');
    const lines = await waitFor("three answers", () => {
      const parts = received.split("\n").filter(Boolean);
      return parts.length >= 3
        ? parts.map((line) => JSON.parse(line) as { ok: boolean; error?: string })
        : undefined;
    });
    assert.equal(lines[0]?.ok, false);
    assert.match(lines[0]?.error ?? "", /not JSON/);
    assert.match(
      lines[1]?.error ?? "",
      /command must be one of status, sync, pause, resume, commit, stop/,
    );
    assert.equal(lines[2]?.ok, true);
  });

  test("reload answers after the reload finished, and a status sent behind it waits its turn", async (t) => {
    const { socketPath, view } = await served(t);
    const refused = await sendControlRequest(socketPath, { command: "reload" });
    assert.deepEqual(refused, {
      ok: false,
      error: "this daemon has no config file to reload (the demo)",
    });
    let finish!: (outcome: { ok: true; message: string }) => void;
    view.reload = () => new Promise((resolve) => (finish = resolve));
    const socket = createConnection(socketPath);
    t.after(() => socket.destroy());
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.write('{"command":"reload"}\n{"command":"status"}\n');
    await waitFor("the reload to be asked for", () => finish !== undefined);
    finish({ ok: true, message: "config reloaded: nothing changed" });
    const lines = await waitFor("two answers", () => {
      const parts = received.split("\n").filter(Boolean);
      return parts.length >= 2
        ? parts.map((line) => JSON.parse(line) as { message?: string; snapshots?: unknown[] })
        : undefined;
    });
    assert.equal(lines[0]?.message, "config reloaded: nothing changed");
    assert.equal(lines[1]?.snapshots?.length, 2);
  });

  test("stop answers first, then stops the daemon", async (t) => {
    const { socketPath, view } = await served(t);
    const response = await sendControlRequest(socketPath, { command: "stop" });
    assert.ok(response.ok);
    await waitFor("stop() to be called", () => view.stopCalls === 1);
  });

  test("a second server on a live socket is refused and the first keeps answering", async (t) => {
    const { socketPath } = await served(t);
    await assert.rejects(
      startControlServer(socketPath, new MemoryDaemonView([])),
      (error: unknown) => {
        assert.ok(error instanceof ControlSocketError);
        assert.equal(error.reason, "in-use");
        return true;
      },
    );
    assert.ok((await sendControlRequest(socketPath, { command: "status" })).ok);
  });

  test("a socket left by a killed daemon is replaced", async (t) => {
    const temp = await makeTempDir("autosync-control-");
    t.after(temp.cleanup);
    const socketPath = join(temp.dir, "autosync.sock");
    const child = spawn(
      process.execPath,
      [
        "-e",
        `require("node:net").createServer().listen(${JSON.stringify(socketPath)}, () => console.log("up"))`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    reapOnExit(child, { group: false });
    t.after(() => child.kill("SIGKILL"));
    await new Promise((resolve) => child.stdout.once("data", resolve));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    assert.ok((await stat(socketPath)).isSocket(), "the killed process left its socket behind");
    const server = await startControlServer(
      socketPath,
      new MemoryDaemonView([snapshotOf("notes")]),
    );
    t.after(() => server.close());
    assert.ok((await sendControlRequest(socketPath, { command: "status" })).ok);
  });

  test("a regular file at the socket path is never removed", async (t) => {
    const temp = await makeTempDir("autosync-control-");
    t.after(temp.cleanup);
    const socketPath = join(temp.dir, "autosync.sock");
    await writeFile(socketPath, "precious");
    await assert.rejects(
      startControlServer(socketPath, new MemoryDaemonView([])),
      /is not a socket/,
    );
    assert.equal(await readFile(socketPath, "utf8"), "precious");
  });

  test("without a daemon the client says so, and close removes the socket", async (t) => {
    const { socketPath, server } = await served(t);
    await server.close();
    await assert.rejects(
      sendControlRequest(socketPath, { command: "status" }),
      (error: unknown) => {
        assert.ok(error instanceof DaemonUnavailableError);
        assert.match(error.message, /No autosync daemon answers on .*autosync\.sock/);
        return true;
      },
    );
    await assert.rejects(stat(socketPath), /ENOENT/);
  });
});
