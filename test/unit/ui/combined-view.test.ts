import assert from "node:assert/strict";
import { test } from "node:test";
import type { ConflictDesk } from "../../../src/conflicts/desk-service.js";
import type { HistoryBrowser } from "../../../src/operations/history-browser.js";
import { combineViews } from "../../../src/ui/combined-view.js";
import { MemoryDaemonView, snapshotOf } from "../../support/memory-daemon-view.js";

test("the demo's combined view opens each repository's own conflict desk and history", () => {
  const left = new MemoryDaemonView([snapshotOf("left")]);
  const right = new MemoryDaemonView([snapshotOf("right")]);
  const asked: string[] = [];
  const desk = {} as ConflictDesk;
  const browser = {} as HistoryBrowser;
  Object.assign(right, {
    conflictDesk: (repo: string) => (asked.push(`desk ${repo}`), desk),
    historyBrowser: (repo: string) => (asked.push(`history ${repo}`), browser),
  });
  const view = combineViews([
    { label: "left", view: left },
    { label: "right", view: right },
  ]);
  try {
    assert.equal(view.conflictDesk?.("right"), desk);
    assert.equal(view.historyBrowser?.("right"), browser);
    assert.deepEqual(asked, ["desk right", "history right"]);
    // A daemon that serves no desk, and a repository nobody serves: unavailable, not a crash.
    assert.equal(view.conflictDesk?.("left"), undefined);
    assert.equal(view.historyBrowser?.("nowhere"), undefined);
  } finally {
    view.close();
  }
});
