import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryDaemonView, snapshotOf } from "../../support/memory-daemon-view.js";
import { waitFor } from "../../support/wait-for.js";
import { FakeKeyboard, FakeTerminal } from "./terminal-stream.js";

// Colour support is decided when chalk loads: force it on, so the test sees what NO_COLOR removes.
process.env.FORCE_COLOR = "1";
const { startUi } = await import("../../../src/ui/start-ui.js");
const { colorsAllowed } = await import("../../../src/ui/color-context.js");

// eslint-disable-next-line no-control-regex
const SGR = /\u001B\[[0-9;]*m/;

function view(): MemoryDaemonView {
  const daemon = new MemoryDaemonView([
    snapshotOf("notes", { state: "error", problem: { message: "push failed" } }),
  ]);
  daemon.bus.publish({ type: "error", repo: "notes", message: "push failed" });
  return daemon;
}

async function render(env: NodeJS.ProcessEnv): Promise<string> {
  const terminal = new FakeTerminal(80, 24);
  const ui = startUi(view(), {
    stdout: terminal.stream,
    stdin: new FakeKeyboard().stream,
    debug: true,
    tickMs: 20,
    env,
  });
  try {
    return await waitFor("the error line", () =>
      terminal.lastFrame().includes("notes: push failed") ? terminal.lastFrame() : undefined,
    );
  } finally {
    ui.unmount();
  }
}

test("NO_COLOR removes every colour and style escape, and states stay readable as words and marks", async () => {
  assert.match(await render({}), SGR, "colours are on without NO_COLOR");
  const plain = await render({ NO_COLOR: "1" });
  assert.doesNotMatch(plain, SGR);
  assert.match(plain, /notes ERROR/);
  assert.match(plain, /✗ notes: push failed/);
});

test("an empty NO_COLOR leaves colours on, as no-color.org specifies", () => {
  assert.equal(colorsAllowed({ NO_COLOR: "" }), true);
  assert.equal(colorsAllowed({ NO_COLOR: "1" }), false);
});
