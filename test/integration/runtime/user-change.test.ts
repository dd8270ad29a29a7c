import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { submitUserChange } from "../../../src/cli/submit-user-change.js";
import type { AutosyncEvent } from "../../../src/events/autosync-event.js";
import { startEmbeddedBroker } from "../../../src/channels/embedded-broker.js";
import { startControlServer } from "../../../src/runtime/control-server.js";
import { startDaemon, type DaemonHandle } from "../../../src/runtime/daemon.js";
import { configForClone, makeGitClones, type GitClones } from "../../support/git-clones.js";
import { waitFor } from "../../support/wait-for.js";

const FAST = { commitDelay: "200ms", maxCommitDelay: "2s", pushDelay: "0s", pullInterval: "1s" };

let clones: GitClones;
const running: DaemonHandle[] = [];
before(async () => {
  clones = await makeGitClones(2, "autosync-user-change-");
});
after(async () => {
  await Promise.all(running.map((handle) => handle.stop()));
  await clones?.cleanup();
});

const clone = (index: number) => clones.clones[index] as string;
const configOf = (index: number, host: string) =>
  configForClone(clones.dir, {
    host,
    clone: clone(index),
    pidfile: join(clones.dir, `${host}.pid`),
    timers: FAST,
  });

describe("user changes (resolve, restore) commit, push and announce like any change", () => {
  test("without a daemon: applied under the instance lock, committed with the message, pushed", async () => {
    const config = await configOf(0, "alpha");
    await writeFile(join(clone(0), "a copy.md"), "kept\n");
    await clones.git(clone(0), "add", "a copy.md");
    await clones.git(clone(0), "commit", "-q", "-m", "add");
    const submitted = await submitUserChange({
      config,
      repository: config.repositories[0]!,
      changes: [{ op: "rename", from: "a copy.md", to: "a (alpha).md" }],
      message: "autosync alpha: renamed by the user",
    });
    assert.equal(submitted.via, "direct");
    assert.equal(submitted.outcome.outcome, "committed");
    assert.equal(submitted.push, "pushed");
    assert.equal(
      (await clones.git(clone(0), "log", "-1", "--format=%s")).trim(),
      "autosync alpha: renamed by the user",
    );
    const remoteFiles = await clones.git(clones.remote, "ls-tree", "-r", "--name-only", "main");
    assert.match(remoteFiles, /^a \(alpha\)\.md$/m);
    assert.doesNotMatch(remoteFiles, /^a copy\.md$/m);
  });

  test("uncommitted edits at a path the change replaces are committed first, never lost", async () => {
    const config = await configOf(0, "alpha");
    await writeFile(join(clone(0), "draft.md"), "committed version\n");
    await clones.git(clone(0), "add", "draft.md");
    await clones.git(clone(0), "commit", "-q", "-m", "add draft");
    // Saved after the CLI read the tree, before the change reached the operation slot.
    await writeFile(join(clone(0), "draft.md"), "an edit nobody committed yet\n");
    const submitted = await submitUserChange({
      config,
      repository: config.repositories[0]!,
      changes: [
        {
          op: "write",
          path: "draft.md",
          contentBase64: Buffer.from("restored\n").toString("base64"),
        },
      ],
      message: "autosync alpha: restored draft.md",
    });
    assert.equal(submitted.outcome.outcome, "committed");
    assert.equal(await readFile(join(clone(0), "draft.md"), "utf8"), "restored\n");
    assert.equal(
      await clones.git(clone(0), "show", "HEAD~1:draft.md"),
      "an edit nobody committed yet\n",
    );
    assert.match(
      await clones.git(clone(0), "log", "-1", "--format=%s", "HEAD~1"),
      /^autosync alpha/,
    );
  });

  test("a refused change (a source already gone) leaves the tree as it was", async () => {
    const config = await configOf(0, "alpha");
    const head = await clones.git(clone(0), "rev-parse", "HEAD");
    await assert.rejects(
      submitUserChange({
        config,
        repository: config.repositories[0]!,
        changes: [
          { op: "remove", path: "README.md" },
          { op: "remove", path: "gone.md" },
        ],
        message: "autosync alpha: never",
      }),
      /gone\.md is no longer there/,
    );
    assert.equal(await readFile(join(clone(0), "README.md"), "utf8"), "seed\n");
    assert.equal(await clones.git(clone(0), "rev-parse", "HEAD"), head);
    assert.equal(await clones.git(clone(0), "status", "--porcelain"), "");
  });

  test("with a daemon: the change goes through its socket, is pushed and reaches the other machine", async () => {
    const configA = await configOf(0, "alpha");
    const configB = await configOf(1, "beta");
    const a = await startDaemon(configA);
    running.push(a);
    const server = await startControlServer(configA.controlSocket, a);
    const b = await startDaemon(configB);
    running.push(b);
    const events: AutosyncEvent[] = [];
    a.bus.subscribe((event) => events.push(event));
    await waitFor("A idle", () => a.snapshots()[0]?.state === "idle", { timeoutMs: 20_000 });
    // A commit of the user's own edit is in flight or pending while the change arrives.
    await writeFile(join(clone(0), "busy.md"), "the user's edit\n");
    const submitted = await submitUserChange({
      config: configA,
      repository: configA.repositories[0]!,
      changes: [
        {
          op: "write",
          path: "restored é.md",
          contentBase64: Buffer.from("back\n").toString("base64"),
        },
      ],
      message: "autosync alpha: restored by the user",
    });
    await server.close();
    assert.equal(submitted.via, "daemon");
    assert.equal(submitted.outcome.outcome, "committed");
    await waitFor(
      "the change to reach B",
      async () =>
        (await readFile(join(clone(1), "restored é.md"), "utf8").catch(() => "")) === "back\n",
      { timeoutMs: 30_000 },
    );
    const subjects = await clones.git(clone(0), "log", "--format=%s");
    assert.match(subjects, /^autosync alpha: restored by the user$/m);
    // The user's own edit was committed on its own, not swallowed by the change.
    await waitFor(
      "the user's edit to reach B",
      async () => (await readFile(join(clone(1), "busy.md"), "utf8").catch(() => "")) !== "",
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(
      events.filter((event) => event.type === "error"),
      [],
    );
  });

  test("without a daemon the push is still announced: the other machine pulls at once", async (t) => {
    await Promise.all(running.splice(0).map((handle) => handle.stop()));
    const broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
    t.after(() => broker.close());
    const withChannel = (index: number, host: string) =>
      configForClone(clones.dir, {
        host,
        clone: clone(index),
        pidfile: join(clones.dir, `${host}-mqtt.pid`),
        // No interval pull: only an announcement brings the change to B.
        timers: { ...FAST, pullInterval: "0s" },
        top: { channels: { mqtt: { url: broker.url } } },
      });
    const configA = await withChannel(0, "alpha");
    const b = await startDaemon(await withChannel(1, "beta"));
    running.push(b);
    await waitFor("B connected to the broker", () =>
      b.bus
        .since(0)
        .some(
          (event) =>
            event.type === "channelStatus" &&
            event.channel === "mqtt" &&
            event.status === "connected",
        ),
    );
    await waitFor("B idle", () => b.snapshots()[0]?.state === "idle", { timeoutMs: 20_000 });
    const submitted = await submitUserChange({
      config: configA,
      repository: configA.repositories[0]!,
      changes: [
        {
          op: "write",
          path: "announced.md",
          contentBase64: Buffer.from("hi\n").toString("base64"),
        },
      ],
      message: "autosync alpha: written by the user",
    });
    assert.equal(submitted.via, "direct");
    assert.equal(submitted.announced, true);
    await waitFor(
      "the change to reach B by the announcement",
      async () =>
        (await readFile(join(clone(1), "announced.md"), "utf8").catch(() => "")) === "hi\n",
      { timeoutMs: 30_000 },
    );
  });
});
