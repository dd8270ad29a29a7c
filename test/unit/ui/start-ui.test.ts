import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startUi } from "../../../src/ui/start-ui.js";
import { MemoryDaemonView, snapshotOf } from "../../support/memory-daemon-view.js";
import { waitFor } from "../../support/wait-for.js";
import { FakeKeyboard, FakeTerminal } from "./terminal-stream.js";

function busyView(): MemoryDaemonView {
  const now = Date.now();
  const view = new MemoryDaemonView([
    snapshotOf("left", {
      state: "pending",
      running: "status",
      pendingCount: 20_000,
      pendingSample: ["a.txt", "b/c.txt", "d.txt"],
      nextCommitAt: now + 3_000,
      lastCommit: { head: "0123456789abcdef0123", at: now - 5_000, files: 2 },
      remoteUrl: "/tmp/demo/remote.git",
      lastConflict: {
        at: now,
        conflicts: [{ path: "x.md", copyPath: "x.sync-conflict-right.md", kind: "both-modified" }],
      },
    }),
    snapshotOf("right", {
      state: "paused",
      pausedBy: "deletions",
      problem: { message: "all 12 tracked files would be deleted", hint: "check the folder" },
    }),
  ]);
  for (let index = 0; index < 100; index++)
    view.bus.publish({ type: "pushed", repo: "left", head: `abc${index}` });
  return view;
}

function start(view: MemoryDaemonView, terminal: FakeTerminal, keyboard = new FakeKeyboard()) {
  return startUi(view, {
    stdout: terminal.stream,
    stdin: keyboard.stream,
    debug: true,
    tickMs: 20,
    title: "left",
    colors: false,
  });
}

async function screen(terminal: FakeTerminal, text: string): Promise<string> {
  return waitFor(`the screen to show ${JSON.stringify(text)}`, () =>
    terminal.lastFrame().includes(text) ? terminal.lastFrame() : undefined,
  );
}

function assertFits(frame: string, columns: number, rows: number): void {
  const lines = frame.replace(/\n$/, "").split("\n");
  assert.ok(lines.length < rows, `${lines.length} lines on a ${rows}-row terminal`);
  for (const line of lines)
    assert.ok([...line].length <= columns, `line wider than ${columns}: ${line}`);
}

describe("startUi", () => {
  test("fits an 80×24 terminal with two busy repositories side by side", async (t) => {
    const terminal = new FakeTerminal(80, 24);
    const ui = start(busyView(), terminal);
    t.after(() => ui.unmount());
    const frame = await screen(terminal, "left");
    assert.match(frame, /▶ left PENDING.*│ right PAUSED/);
    assertFits(frame, 80, 24);
  });

  test("on resize to a narrow terminal the panels stack and everything still fits", async (t) => {
    const terminal = new FakeTerminal(80, 24);
    const ui = start(busyView(), terminal);
    t.after(() => ui.unmount());
    await screen(terminal, "│ right");
    terminal.resize(60, 18);
    const frame = await waitFor("the stacked layout", () =>
      /^ {2}right paused/m.test(terminal.lastFrame()) ? terminal.lastFrame() : undefined,
    );
    assertFits(frame, 60, 18);
    terminal.resize(120, 40);
    assertFits(await screen(terminal, "│ right"), 120, 40);
  });

  test("q resolves waitUntilExit after the daemon stopped", async () => {
    const view = busyView();
    const terminal = new FakeTerminal(80, 24);
    const keyboard = new FakeKeyboard();
    const ui = start(view, terminal, keyboard);
    await screen(terminal, "left");
    keyboard.type("q");
    await ui.waitUntilExit();
    assert.equal(view.stopCalls, 1);
  });

  test("Ctrl+C stops the daemon cleanly like q", async () => {
    const view = busyView();
    const terminal = new FakeTerminal(80, 24);
    const keyboard = new FakeKeyboard();
    const ui = start(view, terminal, keyboard);
    await screen(terminal, "left");
    keyboard.type("\u0003");
    await ui.waitUntilExit();
    assert.equal(view.stopCalls, 1);
  });

  test("a bug in a component leaves a one-line notice, syncing goes on and q still stops", async () => {
    const view = busyView();
    // A state the UI does not know makes a panel throw while rendering.
    view.update("right", { state: "exploded" as never });
    const terminal = new FakeTerminal(80, 24);
    const keyboard = new FakeKeyboard();
    const errors: Error[] = [];
    const ui = startUi(view, {
      stdout: terminal.stream,
      stdin: keyboard.stream,
      debug: true,
      tickMs: 20,
      colors: false,
      onError: (error) => errors.push(error),
    });
    await screen(terminal, "The terminal UI failed");
    assert.equal(errors.length, 1);
    // The bus and the daemon are untouched: requests still reach it.
    view.bus.publish({ type: "info", message: "still syncing" });
    view.request("left", { type: "syncRequested" });
    assert.equal(view.requests.length, 1);
    keyboard.type("q");
    await ui.waitUntilExit();
    assert.equal(view.stopCalls, 1);
  });
});
