import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { OperationResult } from "../../../src/engine/operation.js";
import {
  MAILBOX_FALLBACK_MS,
  MAILBOX_JITTER_MS,
  MAILBOX_PATIENCE_MS,
} from "../../../src/engine/mailbox-wait.js";
import {
  EngineSimulator,
  committed,
  modified,
  pulled,
  pushed,
  rejected,
  statusOk,
  testConfig,
} from "../../support/engine-simulator.js";

/** The contention backoff's cap: the pull after a rejection runs within it. */
const BACKOFF_CAP_MS = 500;
const FALLBACK_MAX_MS = MAILBOX_FALLBACK_MS + MAILBOX_JITTER_MS;

const deferred = (head: string, merger = "alpha-000001"): OperationResult => ({
  kind: "pull",
  outcome: "up-to-date",
  head,
  changedPaths: [],
  conflicts: [],
  needsPush: false,
  deferredTo: merger,
});

const announce = (sim: EngineSimulator) =>
  sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "alpha" });

/** Commits a.md, pushes, is rejected, and answers the pull after the rejection: deferred. */
function rejectedThenDeferred(sim: EngineSimulator): void {
  sim.send({ type: "changesObserved", paths: ["a.md"] });
  sim.advance(1000);
  sim.finish(statusOk([modified("a.md")]));
  sim.finish(committed("c1", [modified("a.md")]));
  sim.advance(sim.state.config.timers.pushDelayMs);
  sim.finish(rejected());
  sim.advance(BACKOFF_CAP_MS);
  assert.equal(sim.current()?.kind, "pull");
  sim.finish(deferred("c1"));
}

describe("waiting for the elected merger (git mailboxes)", () => {
  test("a deferred pull drops the re-push and waits; the merger's announcement brings a fast-forward and no push", () => {
    const sim = new EngineSimulator();
    rejectedThenDeferred(sim);
    assert.equal(sim.current(), undefined, "no re-push after a deferral");
    assert.equal(sim.state.name, "pending");
    assert.ok(sim.timers.has("mailbox-wait"), "the fallback runs");
    assert.match(sim.eventsOf("info").at(-1)?.message ?? "", /alpha-000001/);
    sim.advance(MAILBOX_FALLBACK_MS - 1);
    assert.equal(sim.current(), undefined, "nothing runs while it waits: no busy loop");
    announce(sim);
    assert.equal(sim.current()?.kind, "pull");
    sim.finish(pulled("m1", ["b.md"], { needsPush: false }));
    assert.equal(sim.current(), undefined, "the merged head is on main: nothing to push");
    assert.equal(sim.timers.has("mailbox-wait"), false, "the fallback is cancelled");
    assert.equal(sim.state.unpushed, false);
    assert.equal(sim.state.name, "idle");
    sim.advance(600_000);
    assert.deepEqual(
      sim.kinds().filter((kind) => kind !== "status"),
      ["commit", "push", "pull", "pull"],
    );
  });

  test("when no push comes, the fallback pulls in take-over mode and pushes the merge", () => {
    const sim = new EngineSimulator();
    rejectedThenDeferred(sim);
    const pullsBefore = sim.operationsOf("pull").length;
    sim.advance(FALLBACK_MAX_MS);
    const takeOver = sim.current();
    assert.equal(takeOver?.kind, "pull");
    assert.equal(takeOver?.kind === "pull" && takeOver.takeOver, true);
    assert.equal(sim.operationsOf("pull").length, pullsBefore + 1);
    sim.finish(pulled("m2", ["b.md"], { needsPush: true }));
    assert.equal(sim.current()?.kind, "push");
    sim.finish(pushed("m2"));
    assert.equal(sim.state.mailboxWait, undefined);
    assert.equal(sim.state.name, "idle");
    announce(sim);
    const next = sim.current();
    assert.equal(next?.kind === "pull" && next.takeOver, undefined, "take-over ends with the wait");
  });

  test("rejected pushes while deferring neither retry nor count toward giving up", () => {
    const sim = new EngineSimulator(
      testConfig({ retry: { maxRejectedPushes: 2 }, timers: { pushDelayMs: 0 } }),
    );
    rejectedThenDeferred(sim);
    // Five commits within the fallback (≥ 6 s): each is pushed (its mailbox goes up) and rejected.
    for (let i = 2; i <= 6; i++) {
      sim.send({ type: "changesObserved", paths: ["a.md"] });
      sim.advance(1000);
      sim.finish(statusOk([modified("a.md")]));
      sim.finish(committed(`c${i}`, [modified("a.md")]));
      assert.equal(sim.current()?.kind, "push");
      sim.finish(rejected());
      assert.equal(sim.current(), undefined, "no pull and re-push of its own");
      assert.equal(sim.timers.has("push-retry"), false);
    }
    assert.deepEqual(sim.eventsOf("error"), [], "never gave up");
  });

  test("a second deferral to the same merger keeps the deadline; to a new merger it starts again", () => {
    const sim = new EngineSimulator();
    rejectedThenDeferred(sim);
    const first = sim.state.mailboxWait?.fallbackAt;
    sim.advance(1000);
    announce(sim);
    sim.finish(deferred("c1"));
    assert.equal(sim.state.mailboxWait?.fallbackAt, first);
    sim.advance(1000);
    announce(sim);
    sim.finish(deferred("c1", "beta-000002"));
    assert.ok((sim.state.mailboxWait?.fallbackAt ?? 0) > (first ?? 0));
    assert.equal(sim.state.mailboxWait?.merger, "beta-000002");
  });

  test("a deferral that finds main moved restarts the wait for the same merger, up to a cap", () => {
    const sim = new EngineSimulator();
    rejectedThenDeferred(sim);
    const since = sim.state.mailboxWait?.since ?? 0;
    const progressed: OperationResult = {
      ...(deferred("c1") as Extract<OperationResult, { kind: "pull" }>),
      mainMoved: true,
    };
    // The merger pushes every 5 s: each deferral after it restarts the wait, so no take-over.
    while (sim.now + 5_000 < since + MAILBOX_PATIENCE_MS) {
      sim.advance(5_000);
      announce(sim);
      sim.finish(progressed);
      const wait = sim.state.mailboxWait;
      assert.ok(wait && !wait.takeOver, `still waiting at ${sim.now - since} ms`);
      assert.ok(wait.fallbackAt >= sim.now + MAILBOX_FALLBACK_MS);
      assert.equal(wait.since, since, "measured from the first deferral");
    }
    const deferrals = sim.eventsOf("info").filter((e) => /waiting for its push/.test(e.message));
    assert.equal(deferrals.length, 1, "one notice for one wait");
    // Past the patience cap, progress no longer postpones the take-over.
    sim.advance(5_000);
    announce(sim);
    sim.finish(progressed);
    const capped = sim.state.mailboxWait?.fallbackAt ?? 0;
    assert.ok(capped < sim.now + MAILBOX_FALLBACK_MS, "not restarted after the cap");
    sim.advance(capped - sim.now);
    assert.equal(sim.state.mailboxWait?.takeOver, true);
    assert.equal(sim.current()?.kind, "pull", "the take-over pull");
  });

  test("the elected merger pulls at once after a rejection, until its push goes through", () => {
    const sim = new EngineSimulator(testConfig({ timers: { pushDelayMs: 0 } }));
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1000);
    sim.finish(statusOk([modified("a.md")]));
    sim.finish(committed("c1", [modified("a.md")]));
    sim.finish(rejected());
    sim.advance(BACKOFF_CAP_MS);
    sim.finish(pulled("m1", ["b.md"], { needsPush: true, mergedMailboxes: true }));
    assert.equal(sim.current()?.kind, "push", "the merge goes out at once");
    // Main moved while it merged: no backoff, the clones that mailed their heads wait for it.
    sim.finish(rejected());
    sim.advance(0);
    assert.equal(sim.current()?.kind, "pull", "pulls again without waiting");
    // This pull merged only main: its earlier merges are still unpushed, so still no backoff.
    sim.finish(pulled("m2", ["c.md"], { needsPush: true }));
    sim.finish(rejected());
    sim.advance(0);
    assert.equal(sim.current()?.kind, "pull");
    sim.finish(pulled("m3", ["d.md"], { needsPush: true }));
    sim.finish(pushed("m3"));
    // Its push went through: an ordinary clone again, whose rejection backs off.
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1000);
    sim.finish(statusOk([modified("a.md")]));
    sim.finish(committed("c2", [modified("a.md")]));
    sim.finish(rejected());
    sim.advance(0);
    assert.equal(sim.current(), undefined, "backs off");
    assert.ok((sim.state.pushRetryAt ?? 0) > sim.now, "a retry is due later");
  });

  test("a push of main that goes through ends the wait", () => {
    const sim = new EngineSimulator();
    rejectedThenDeferred(sim);
    sim.send({ type: "syncRequested" });
    sim.finish(statusOk([]));
    while (sim.current()?.kind === "pull" || sim.current()?.kind === "status")
      sim.finish(sim.current()?.kind === "pull" ? pulled("c1") : statusOk([]));
    assert.equal(sim.current()?.kind, "push");
    sim.finish(pushed("c1"));
    assert.equal(sim.state.mailboxWait, undefined);
    assert.equal(sim.timers.has("mailbox-wait"), false);
  });

  test("the snapshot says whose merge it waits for, since when and when its own is due", () => {
    const sim = new EngineSimulator();
    assert.equal(sim.snapshot().mailboxWait, undefined);
    rejectedThenDeferred(sim);
    const deferredAt = sim.now;
    const waiting = sim.snapshot().mailboxWait;
    assert.equal(waiting?.merger, "alpha-000001");
    assert.equal(waiting?.since, deferredAt);
    const fallbackAt = waiting?.fallbackAt ?? 0;
    assert.ok(
      fallbackAt >= deferredAt + MAILBOX_FALLBACK_MS && fallbackAt <= deferredAt + FALLBACK_MAX_MS,
      `fallback at +${fallbackAt - deferredAt} ms`,
    );
    assert.equal(waiting?.takeOver, undefined);
    sim.advance(fallbackAt - sim.now);
    assert.deepEqual(sim.snapshot().mailboxWait, {
      merger: "alpha-000001",
      since: deferredAt,
      fallbackAt,
      takeOver: true,
    });
    sim.finish(pulled("m2", ["b.md"], { needsPush: true }));
    sim.finish(pushed("m2"));
    assert.equal(sim.snapshot().mailboxWait, undefined, "the merge went up: no more waiting");
  });

  test("shutting down cancels the fallback", () => {
    const sim = new EngineSimulator();
    rejectedThenDeferred(sim);
    sim.send({ type: "shutdownRequested" });
    assert.equal(sim.timers.has("mailbox-wait"), false);
    assert.equal(sim.state.mailboxWait, undefined);
  });
});
