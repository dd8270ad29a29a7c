import { describe, test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { createElement } from "react";
import { render, cleanup } from "ink-testing-library";
import { App } from "../../../src/ui/App.js";
import type { DaemonView } from "../../../src/ui/daemon-view.js";
import { EngineDaemonView } from "../../support/engine-daemon-view.js";
import { localTree } from "../../support/engine-simulator.js";
import { MemoryDaemonView, snapshotOf } from "../../support/memory-daemon-view.js";
import { waitFor } from "../../support/wait-for.js";

const TICK = 20;

function renderApp(view: DaemonView, onQuit: () => void = () => {}, now?: () => number) {
  return render(
    createElement(App, { view, onQuit, tickMs: TICK, title: "left", ...(now ? { now } : {}) }),
  );
}

async function frameContaining(instance: ReturnType<typeof render>, text: string): Promise<string> {
  return waitFor(
    `a frame containing ${JSON.stringify(text)}`,
    () => {
      const frame = instance.lastFrame() ?? "";
      return frame.includes(text) ? frame : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 10 },
  );
}

function press(instance: ReturnType<typeof render>, keys: string): void {
  instance.stdin.write(keys);
}

afterEach(() => cleanup());

describe("repository panels", () => {
  test("each repository shows its state, countdowns, pending paths, last commit/push/pull and remote", async () => {
    const now = Date.now();
    const view = new MemoryDaemonView([
      snapshotOf("notes", {
        state: "pending",
        pendingCount: 2,
        pendingSample: ["todo.md", "ideas/plan.md"],
        nextCommitAt: now + 4_200,
        nextPushAt: now + 14_000,
        lastCommit: {
          head: "0123456789abcdef0123456789abcdef01234567",
          at: now - 120_000,
          files: 3,
        },
        lastPush: { head: "0123456789abcdef0123456789abcdef01234567", at: now - 90_000 },
        lastPull: {
          head: "89abcdef0123456789abcdef0123456789abcdef",
          at: now - 30_000,
          changedPaths: 7,
        },
        remoteUrl: "ssh://server/notes.git",
      }),
      snapshotOf("photos", { state: "idle" }),
    ]);
    // A frozen clock: relative times and countdowns do not depend on how loaded the machine is.
    const app = renderApp(
      view,
      () => {},
      () => now,
    );
    const frame = await frameContaining(app, "notes");
    assert.match(frame, /PENDING/);
    assert.match(frame, /commit in 4s/);
    assert.match(frame, /push in 14s/);
    assert.match(frame, /2 pending/);
    assert.match(frame, /todo\.md/);
    assert.match(frame, /ideas\/plan\.md/);
    assert.match(frame, /commit 01234567 2m 00s ago \(3 files\)/);
    assert.match(frame, /push {3}01234567 1m 30s ago/);
    assert.match(frame, /pull {3}89abcdef 30s ago \(7 changed\)/);
    assert.match(frame, /remote ssh:\/\/server\/notes\.git/);
    assert.match(frame, /photos/);
    assert.match(frame, /IDLE/);
  });

  test("a running operation shows a spinner and its name, and the countdown moves with the clock", async () => {
    let now = Date.now();
    const view = new MemoryDaemonView([
      snapshotOf("notes", { state: "pushing", running: "push", nextPullAt: now + 10_000 }),
    ]);
    const app = render(
      createElement(App, { view, onQuit: () => {}, tickMs: TICK, now: () => now }),
    );
    const frame = await frameContaining(app, "pull in 10s");
    assert.match(frame, /PUSHING [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] push/);
    now += 3_000;
    await frameContaining(app, "pull in 7s");
  });

  test("a pull deferred to the elected merger shows the wait, and its countdown moves with the clock", async () => {
    let now = Date.now();
    const view = new MemoryDaemonView([
      snapshotOf("notes", {
        state: "pending",
        mailboxWait: { merger: "beta-3fa2c1", since: now - 2_000, fallbackAt: now + 6_000 },
      }),
    ]);
    const app = renderApp(
      view,
      () => {},
      () => now,
    );
    await frameContaining(app, "waiting 2s for beta-3fa2c1's merge · own merge in 6s");
    now += 4_000;
    await frameContaining(app, "waiting 6s for beta-3fa2c1's merge · own merge in 2s");
  });

  test("20,000 pending paths render as a count and the first few paths, not a list", async () => {
    const paths = Array.from({ length: 20_000 }, (_, index) => `data/file-${index}.bin`);
    const view = new MemoryDaemonView([
      // The snapshot contract carries a sample; a runtime that passed everything must still not flood.
      snapshotOf("big", { state: "pending", pendingCount: 20_000, pendingSample: paths }),
    ]);
    const app = renderApp(view);
    const frame = await frameContaining(app, "20,000 pending");
    assert.match(frame, /data\/file-0\.bin/);
    assert.match(frame, /… \+19,997 more/);
    assert.doesNotMatch(frame, /file-3\.bin/);
    // Every frame stays a screenful, however many paths are pending.
    for (const written of app.frames)
      assert.ok(written.split("\n").length < 40, "a frame larger than a screen");
  });

  test("a conflict stands out and names the conflict copies, in the panel and the log", async () => {
    const view = new MemoryDaemonView([
      snapshotOf("notes", {
        state: "conflict",
        lastConflict: {
          at: Date.now(),
          conflicts: [
            {
              path: "plan.md",
              copyPath: "plan.sync-conflict-20260101-120000-right.md",
              kind: "both-modified",
            },
          ],
        },
      }),
    ]);
    view.bus.publish({
      type: "conflict",
      repo: "notes",
      conflicts: [
        {
          path: "plan.md",
          copyPath: "plan.sync-conflict-20260101-120000-right.md",
          kind: "both-modified",
        },
      ],
    });
    const app = renderApp(view);
    const frame = await frameContaining(app, "both sides kept");
    assert.match(frame, /! CONFLICT (just now|\d+s ago): 1 path, both sides kept/);
    assert.match(frame, /plan\.md ⇢ plan\.sync-conflict-20260101-120000-right\.md/);
    assert.match(frame, /⚠ notes: CONFLICT, both sides kept: plan\.md ⇢ plan\.sync-conflict/);
  });

  test("channel status and the last announcements sent and received are shown", async () => {
    const view = new MemoryDaemonView([snapshotOf("notes")]);
    const app = renderApp(view);
    await frameContaining(app, "channels: none");
    view.bus.publish({ type: "channelStatus", channel: "mqtt", status: "connected" });
    view.bus.publish({
      type: "channelStatus",
      channel: "xmpp",
      status: "reconnecting",
      retryInMs: 9_000,
    });
    view.bus.publish({
      type: "announcementSent",
      repo: "notes",
      channel: "mqtt",
      head: "abcdef0123456789abcd",
    });
    view.bus.publish({
      type: "announcementReceived",
      repo: "notes",
      channel: "mqtt",
      fromHost: "right",
      head: "1234",
    });
    const frame = await frameContaining(app, "xmpp: reconnecting in");
    assert.match(frame, /mqtt: connected/);
    assert.match(frame, /sent notes abcdef01 via mqtt (just now|\d+s ago)/);
    assert.match(frame, /got notes from right (just now|\d+s ago)/);
  });

  test("warnings and errors from the bus appear in the log with their hints", async () => {
    const view = new MemoryDaemonView([snapshotOf("notes")]);
    const app = renderApp(view);
    view.bus.publish({
      type: "warning",
      repo: "notes",
      message: "big.iso is 4 GB",
      hint: "add it to .gitignore",
    });
    view.bus.publish({
      type: "error",
      repo: "notes",
      message: "push failed",
      hint: "check the remote",
    });
    const frame = await frameContaining(app, "push failed");
    assert.match(frame, /! notes: big\.iso is 4 GB — add it to \.gitignore/);
    assert.match(frame, /✗ notes: push failed — check the remote/);
  });
});

describe("keys", () => {
  test("s syncs the selected repository, tab selects the next one, S syncs all", async () => {
    const view = new MemoryDaemonView([snapshotOf("notes"), snapshotOf("photos")]);
    const app = renderApp(view);
    await frameContaining(app, "photos");
    press(app, "s");
    await waitFor("the first sync request", () => view.requests.length === 1);
    press(app, "\t");
    await frameContaining(app, "▶ photos");
    press(app, "s");
    await waitFor("the second sync request", () => view.requests.length === 2);
    press(app, "S");
    await waitFor("the sync-all request", () => view.requests.length === 3);
    assert.deepEqual(view.requests, [
      { repo: "notes", input: { type: "syncRequested" } },
      { repo: "photos", input: { type: "syncRequested" } },
      { repo: undefined, input: { type: "syncRequested" } },
    ]);
    await frameContaining(app, "sync requested for every repository");
  });

  test("arrows move the selection both ways and wrap around", async () => {
    const view = new MemoryDaemonView([snapshotOf("a1"), snapshotOf("b2")]);
    const app = renderApp(view);
    await frameContaining(app, "▶ a1");
    press(app, "\u001B[D");
    await frameContaining(app, "▶ b2");
    press(app, "\u001B[C");
    await frameContaining(app, "▶ a1");
  });

  test("p pauses a running repository and resumes a paused one without allowing deletions", async () => {
    const view = new MemoryDaemonView([snapshotOf("notes")]);
    const app = renderApp(view);
    await frameContaining(app, "notes");
    press(app, "p");
    await waitFor("the pause request", () => view.requests.length === 1);
    view.update("notes", {
      state: "paused",
      pausedBy: "user",
      problem: { message: "paused by you" },
    });
    await frameContaining(app, "PAUSED");
    press(app, "p");
    await waitFor("the resume request", () => view.requests.length === 2);
    assert.deepEqual(
      view.requests.map((request) => request.input),
      [{ type: "pauseRequested" }, { type: "resumeRequested", allowDeletions: false }],
    );
  });

  test("resuming after the deletion guard asks first, and y allows the deletions", async () => {
    const view = new MemoryDaemonView([
      snapshotOf("notes", {
        state: "paused",
        pausedBy: "deletions",
        problem: { message: "all 120 tracked files would be deleted", hint: "check the folder" },
      }),
    ]);
    const app = renderApp(view);
    await frameContaining(app, "all 120 tracked files would be deleted");
    press(app, "p");
    await frameContaining(app, "Resume and commit those deletions? (y/N)");
    assert.equal(view.requests.length, 0);
    press(app, "n");
    await waitFor("the question to go", () => !(app.lastFrame() ?? "").includes("(y/N)"));
    assert.equal(view.requests.length, 0, "n must not resume");
    press(app, "p");
    await frameContaining(app, "(y/N)");
    press(app, "y");
    await waitFor("the resume request", () => view.requests.length === 1);
    assert.deepEqual(view.requests[0], {
      repo: "notes",
      input: { type: "resumeRequested", allowDeletions: true },
    });
  });

  test("c opens a prompt; the typed message is sent with the commit request", async () => {
    const view = new MemoryDaemonView([snapshotOf("notes", { pendingCount: 1 })]);
    const app = renderApp(view);
    await frameContaining(app, "notes");
    press(app, "c");
    await frameContaining(app, "Commit message for notes");
    await waitFor("the prompt to hold the commit", () => view.requests.length === 1);
    assert.deepEqual(view.requests[0], { repo: "notes", input: { type: "commitPromptOpened" } });
    for (const key of "fix tpyo") press(app, key);
    await frameContaining(app, "› fix tpyo");
    press(app, "\u007F");
    press(app, "\u007F");
    press(app, "\u007F");
    for (const key of "ypo") press(app, key);
    await frameContaining(app, "› fix typo");
    // Keys typed into the prompt are text, not commands.
    assert.equal(view.requests.length, 1);
    press(app, "\r");
    await waitFor("the commit request", () => view.requests.length === 2);
    assert.deepEqual(view.requests[1], {
      repo: "notes",
      input: { type: "commitRequested", message: "fix typo" },
    });
    await waitFor(
      "the prompt to close",
      () => !(app.lastFrame() ?? "").includes("Commit message for"),
    );
  });

  test("an empty commit message keeps the default, and Esc cancels without committing", async () => {
    const view = new MemoryDaemonView([snapshotOf("notes")]);
    const app = renderApp(view);
    await frameContaining(app, "notes");
    press(app, "c");
    await frameContaining(app, "Commit message for notes");
    press(app, "\u001B");
    await waitFor(
      "the prompt to close",
      () => !(app.lastFrame() ?? "").includes("Commit message for"),
    );
    assert.deepEqual(
      view.requests.map((request) => request.input.type),
      ["commitPromptOpened", "commitPromptClosed"],
      "Esc releases the held commit",
    );
    press(app, "c");
    await frameContaining(app, "Commit message for notes");
    press(app, "\r");
    await waitFor("the commit request", () => view.requests.length === 4);
    assert.deepEqual(view.requests[3], { repo: "notes", input: { type: "commitRequested" } });
  });

  test("with nothing pending, Enter keeps the prompt and its text and says the message was not used", async () => {
    const view = new MemoryDaemonView([snapshotOf("notes")]);
    const app = renderApp(view);
    await frameContaining(app, "notes");
    press(app, "c");
    await frameContaining(app, "Nothing to commit yet");
    for (const key of "hello") press(app, key);
    await frameContaining(app, "› hello");
    press(app, "\r");
    const frame = await frameContaining(app, "your message was not used");
    assert.match(frame, /› hello/);
    assert.deepEqual(
      view.requests.map((request) => request.input.type),
      ["commitPromptOpened"],
      "no commit request for a message that would be dropped",
    );
    // The change arrives: the same Enter now commits with the kept text.
    view.update("notes", { state: "pending", pendingCount: 1, pendingSample: ["todo.md"] });
    await frameContaining(app, "1 pending change waits for this message");
    press(app, "\r");
    await waitFor("the commit request", () => view.requests.length === 2);
    assert.deepEqual(view.requests[1], {
      repo: "notes",
      input: { type: "commitRequested", message: "hello" },
    });
  });

  test("? shows the help and closes it again", async () => {
    const view = new MemoryDaemonView([snapshotOf("notes")]);
    const app = renderApp(view);
    await frameContaining(app, "notes");
    press(app, "?");
    const frame = await frameContaining(app, "press ? or Esc to close");
    assert.match(frame, /pause \/ resume the selected repository/);
    press(app, "?");
    await waitFor("the help to close", () => !(app.lastFrame() ?? "").includes("press ? or Esc"));
  });

  test("l opens the full log with the detailed events the short log hides", async () => {
    const view = new MemoryDaemonView([snapshotOf("notes")]);
    view.bus.publish({ type: "operationStarted", repo: "notes", operation: "status" });
    view.bus.publish({ type: "pushed", repo: "notes", head: "feedfacefeedface" });
    const app = renderApp(view);
    const short = await frameContaining(app, "pushed feedface");
    assert.doesNotMatch(short, /status started/);
    press(app, "l");
    await frameContaining(app, "notes: status started");
    press(app, "l");
    await waitFor("the short log again", () => !(app.lastFrame() ?? "").includes("status started"));
  });

  test("q stops the daemon, waits for the operation in flight, then quits", async () => {
    const view = new MemoryDaemonView([
      snapshotOf("notes", { state: "committing", running: "commit" }),
    ]);
    let release = () => {};
    view.holdStop(new Promise<void>((resolve) => (release = resolve)));
    let quits = 0;
    const app = renderApp(view, () => quits++);
    await frameContaining(app, "notes");
    press(app, "q");
    await frameContaining(app, "Stopping: finishing the operation in flight");
    assert.equal(view.stopCalls, 1);
    assert.equal(quits, 0, "quit before the daemon stopped");
    press(app, "q");
    assert.equal(view.stopCalls, 1, "a second q must not stop twice");
    release();
    await waitFor("the quit", () => quits === 1);
  });
});

describe("commit prompt with the real engine", () => {
  /** The engine on a fake clock (commitDelay 1 s, maxCommitDelay 10 s) behind the UI. */
  function engineBehindUi() {
    const { sim, save } = localTree();
    const view = new EngineDaemonView(sim);
    const app = renderApp(
      view,
      () => {},
      () => sim.now,
    );
    return { sim, app, save };
  }

  test("a file saved after c and a message typed after the quiet period commit together", async () => {
    const { sim, app, save } = engineBehindUi();
    await frameContaining(app, "notes");
    press(app, "c");
    await frameContaining(app, "Commit message for notes");
    save("todo.md");
    // The user takes 2 s to type: twice the quiet period.
    sim.advance(2_000);
    await frameContaining(app, "1 pending change waits for this message");
    for (const key of "Plan the week") press(app, key);
    await frameContaining(app, "› Plan the week");
    assert.equal(
      sim.operationsOf("commit").length,
      0,
      "nothing committed under the user's fingers",
    );
    press(app, "\r");
    await waitFor("the commit", () => sim.operationsOf("commit").length === 1);
    const commit = sim.operationsOf("commit")[0];
    assert.match(commit?.message ?? "", /^Plan the week\n/);
    assert.deepEqual(
      commit?.entries.map((entry) => entry.path),
      ["todo.md"],
    );
    sim.advance(20_000);
    assert.equal(sim.operationsOf("commit").length, 1, "no second commit with the default message");
  });

  test("left open past maxCommitDelay, the change is committed with the default message and the prompt says so", async () => {
    const { sim, app, save } = engineBehindUi();
    await frameContaining(app, "notes");
    press(app, "c");
    await frameContaining(app, "Commit message for notes");
    save("todo.md");
    sim.advance(9_000);
    await frameContaining(app, "(default message in 1s: maxCommitDelay)");
    sim.advance(1_000);
    const frame = await frameContaining(app, "committed with the default message");
    assert.match(frame, /Commit message for notes/, "the prompt stays open");
    assert.match(sim.operationsOf("commit")[0]?.message ?? "", /^autosync laptop: 1 modified\n/);
  });
});
