import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  EngineSimulator,
  committed,
  modified,
  pulled,
  pushed,
  statusOk,
  testConfig,
} from "../../support/engine-simulator.js";

/** The bench's timers: commit after 100 ms, push at once, pull every 500 ms. */
function startedClean(): EngineSimulator {
  const sim = new EngineSimulator(
    testConfig({ timers: { commitDelayMs: 100, pushDelayMs: 0, pullIntervalMs: 500 } }),
  );
  sim.send({ type: "started" });
  sim.finish(statusOk([])); // startup: whole-tree status, nothing local
  sim.finish(pulled("h0"));
  sim.finish(pushed("h0"));
  assert.equal(sim.current(), undefined);
  return sim;
}

/** Commit after 100 ms, push at once, no interval pull: started, the startup pull running. */
function startedUpToPull(): EngineSimulator {
  const sim = new EngineSimulator(
    testConfig({ timers: { commitDelayMs: 100, pushDelayMs: 0, pullIntervalMs: 0 } }),
  );
  sim.send({ type: "started" });
  sim.finish(statusOk([])); // startup: whole-tree status, nothing local
  return sim;
}

/** An edit whose status is still running when the interval pull comes due. */
function commitDuringIntervalPull(sim: EngineSimulator): void {
  sim.send({ type: "changesObserved", paths: ["a.md"] });
  sim.advance(100);
  assert.deepEqual(sim.current(), { kind: "status", paths: ["a.md"] });
  sim.advance(400); // the interval fires while the status runs
  assert.equal(sim.state.queue[0]?.action.type, "pull", "the interval pull waits its turn");
  sim.finish(statusOk([modified("a.md")]));
  sim.finish(committed("c1", [modified("a.md")]));
}

/** An edit whose quiet period ends after an announcement came: committed, a pull waiting. */
function commitWhileAnnounced(sim: EngineSimulator): void {
  sim.send({ type: "changesObserved", paths: ["a.md"] });
  sim.advance(100);
  sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
  sim.finish(statusOk([modified("a.md")]));
  sim.finish(committed("c1", [modified("a.md")]));
}

describe("pull order and the look before a pull", () => {
  test("a push due after a commit goes before the interval pull queued during the commit", () => {
    const sim = startedClean();
    const before = sim.kinds().length;
    commitDuringIntervalPull(sim);
    assert.equal(sim.current()?.kind, "push", "push first: nobody announced anything");
    sim.finish(pushed("c1"));
    assert.equal(sim.current()?.kind, "pull", "then the interval pull, without a look");
    assert.deepEqual(sim.kinds().slice(before), ["status", "commit", "push", "pull"]);
  });

  test("a pull queued for an announcement stays before the push: that push would be rejected", () => {
    const sim = startedClean();
    const before = sim.kinds().length;
    commitWhileAnnounced(sim);
    assert.equal(sim.current()?.kind, "pull");
    sim.finish(pulled("m1", ["b.md"], { needsPush: true }));
    assert.equal(sim.current()?.kind, "push");
    assert.deepEqual(sim.kinds().slice(before), ["status", "commit", "pull", "push"]);
  });

  test("with git mailboxes the push goes before an announced pull: rejected, it still mails the head", () => {
    const sim = startedUpToPull();
    sim.finish(pulled("h0"));
    sim.finish({ kind: "push", outcome: "up-to-date", head: "h0", mailbox: true });
    assert.equal(sim.state.mailboxPushes, true, "learned from the push result");
    const before = sim.kinds().length;
    commitWhileAnnounced(sim);
    assert.equal(sim.current()?.kind, "push", "the push first: its mailbox joins the election");
    sim.finish({ kind: "push", outcome: "rejected", mailbox: true });
    assert.equal(sim.current()?.kind, "pull", "then the announced pull, at once");
    sim.finish({
      kind: "pull",
      outcome: "up-to-date",
      head: "c1",
      changedPaths: [],
      conflicts: [],
      needsPush: false,
      deferredTo: "aa-000000",
    });
    assert.ok(sim.state.mailboxWait, "waits for the merger");
    assert.deepEqual(sim.kinds().slice(before), ["status", "commit", "push", "pull"]);
  });

  test("the startup pull tells of the mailboxes: the first push already goes before an announced pull", () => {
    const sim = startedUpToPull();
    sim.finish(pulled("h0", [], { mailboxPushes: true }));
    assert.equal(sim.state.mailboxPushes, true, "learned before any push");
    // The startup push: nothing new, so nothing mailed either.
    sim.finish({ kind: "push", outcome: "up-to-date", head: "h0" });
    // The fleet bench saw a clone whose pushes all waited behind announced pulls, and the pulls
    // behind its own edits, for 6 s: it never pushed, so it never learned from a push.
    commitWhileAnnounced(sim);
    assert.equal(sim.current()?.kind, "push");
  });

  test("an interval pull joined by an announcement also stays before the push", () => {
    const sim = startedClean();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(100);
    sim.advance(400); // interval pull queued
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    sim.finish(statusOk([modified("a.md")]));
    sim.finish(committed("c1", [modified("a.md")]));
    assert.equal(sim.current()?.kind, "pull");
  });

  test("the first pull after startup looks at the whole tree when nothing is known yet", () => {
    const sim = new EngineSimulator();
    sim.statusBeforePull = undefined;
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    assert.deepEqual(sim.current(), { kind: "status" }, "no whole-tree look happened yet");
  });

  test("a pull looks again after a failed status", () => {
    const sim = startedClean();
    sim.statusBeforePull = undefined;
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(100);
    assert.deepEqual(sim.current(), { kind: "status", paths: ["a.md"] });
    // The status fails: what is in the tree is unknown now.
    sim.finish({ kind: "status", outcome: "failed", message: "index.lock exists" });
    assert.equal(sim.state.treeClean, false);
    sim.advance(400); // the interval pull commits the pending change first
    assert.deepEqual(sim.current(), { kind: "status", paths: ["a.md"] });
    sim.finish(statusOk([modified("a.md")]));
    sim.finish(committed("c1", [modified("a.md")]));
    sim.finish(pushed("c1"));
    assert.deepEqual(sim.current(), { kind: "status" }, "a whole-tree look before the pull");
    sim.finish(statusOk([]));
    assert.equal(sim.current()?.kind, "pull");
    sim.finish(pulled("c1"));
    sim.advance(500);
    assert.equal(sim.current()?.kind, "pull", "the tree is known clean again: no look");
  });

  test("a pull looks again after a pause, since changes made then may not have been reported", () => {
    const sim = startedClean();
    sim.send({ type: "pauseRequested" });
    assert.equal(sim.state.treeClean, false);
  });

  test("a pull tells the operations the tree is clean only while the engine knows it is", () => {
    const sim = startedClean();
    sim.statusBeforePull = undefined;
    sim.advance(500);
    const clean = sim.current();
    assert.ok(clean?.kind === "pull");
    assert.equal(clean.treeClean, true, "the startup look found nothing, nothing changed since");
    sim.finish(pulled("h0"));
    // A status fails: nothing is known about the tree any more.
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(100);
    sim.finish({ kind: "status", outcome: "failed", message: "index.lock exists" });
    sim.advance(400);
    assert.deepEqual(sim.current(), { kind: "status", paths: ["a.md"] });
    sim.finish(statusOk([modified("a.md")]));
    sim.finish(committed("c1", [modified("a.md")]));
    sim.finish(pushed("c1"));
    assert.deepEqual(sim.current(), { kind: "status" }, "a whole-tree look before the pull");
    sim.finish(statusOk([modified("b.md")]));
    // The look found something the watcher had not reported: it is committed after its quiet
    // period, and the pull waits for a look that finds nothing before it is told "clean".
    sim.advance(100);
    assert.deepEqual(sim.current(), { kind: "status", paths: ["b.md"] });
    sim.finish(statusOk([modified("b.md")]));
    sim.finish(committed("c2", [modified("b.md")]));
    sim.finish(pushed("c2"));
    assert.deepEqual(sim.current(), { kind: "status" }, "no pull told clean before a look");
    sim.finish(statusOk([]));
    const next = sim.current();
    assert.ok(next?.kind === "pull", JSON.stringify(next));
    assert.equal(next.treeClean, true, "the look found nothing");
  });

  test("a pull looks again after a failed pull", () => {
    const sim = startedClean();
    sim.statusBeforePull = undefined;
    sim.advance(500);
    assert.equal(sim.current()?.kind, "pull");
    sim.finish({ kind: "pull", outcome: "failed", message: "merge failed and was undone" });
    sim.advance(1000); // the pull backoff
    assert.deepEqual(sim.current(), { kind: "status" });
  });
});
