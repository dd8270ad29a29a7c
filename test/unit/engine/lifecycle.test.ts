import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  EngineSimulator,
  T0,
  committed,
  healthyRepo,
  modified,
  pushed,
  statusOk,
  testConfig,
} from "../../support/engine-simulator.js";
import { createEngine } from "../../../src/engine/initial-state.js";
import { step } from "../../../src/engine/step.js";
import { toSnapshot } from "../../../src/engine/snapshot.js";

describe("shutdown", () => {
  test("shutdown waits for the operation in flight, starts nothing new and emits stopped", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1000);
    sim.send({ type: "shutdownRequested" });
    assert.equal(sim.stopped, false, "the status still runs");
    sim.send({ type: "changesObserved", paths: ["b.md"] });
    sim.finish(statusOk([modified("a.md")]));
    assert.equal(sim.stopped, true);
    assert.deepEqual(sim.kinds(), ["status"], "no commit started during shutdown");
    assert.equal(sim.timers.size, 0, "every timer cancelled");
    assert.equal(sim.effects.filter((e) => e.type === "stopped").length, 1);
    sim.send({ type: "syncRequested" });
    sim.advance(60_000);
    assert.deepEqual(sim.kinds(), ["status"], "nothing after stopped");
  });

  test("an operation that goes offline during shutdown leaves no retry timer behind", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "syncRequested" });
    sim.finish(statusOk([]));
    assert.equal(sim.current()?.kind, "pull");
    sim.send({ type: "shutdownRequested" });
    sim.finish({ kind: "pull", outcome: "offline", reason: "no route to host" });
    assert.equal(sim.stopped, true);
    assert.equal(sim.timers.size, 0);
  });

  test("shutdown with nothing running stops at once and leaves pending changes for the next start", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.send({ type: "shutdownRequested" });
    assert.equal(sim.stopped, true);
    sim.advance(10_000);
    assert.deepEqual(sim.kinds(), []);
  });

  test("a commit in flight at shutdown finishes and is reported before stopped", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1000);
    sim.finish(statusOk([modified("a.md")]));
    sim.send({ type: "shutdownRequested" });
    sim.finish(committed("c1", [modified("a.md")]));
    assert.equal(sim.eventsOf("committed").length, 1);
    const committedAt = sim.effects.findIndex(
      (e) => e.type === "publish" && e.event.type === "committed",
    );
    const stoppedAt = sim.effects.findIndex((e) => e.type === "stopped");
    assert.ok(committedAt >= 0 && stoppedAt > committedAt, "committed, then stopped");
    assert.deepEqual(sim.kinds(), ["status", "commit"], "no push after the commit");
  });
});

describe("pause", () => {
  test("pause blocks triggers until resume, which catches up", () => {
    const sim = new EngineSimulator(testConfig({ timers: { pullIntervalMs: 10_000 } }));
    sim.responder = healthyRepo(() => [modified("a.md")]);
    sim.send({ type: "pauseRequested" });
    assert.equal(sim.state.name, "paused");
    sim.send({ type: "started" });
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    sim.send({ type: "syncRequested" });
    sim.send({ type: "commitRequested", message: "x" });
    sim.advance(60_000);
    assert.deepEqual(sim.kinds(), []);
    assert.equal(sim.snapshot().pendingCount, 1, "changes still collect");
    assert.match(sim.snapshot().problem?.hint ?? "", /autosync resume notes/);
    assert.equal(sim.snapshot().pausedBy, "user");
    sim.send({ type: "resumeRequested", allowDeletions: false });
    assert.deepEqual(sim.kinds(), ["status", "commit", "pull", "push"]);
    assert.equal(sim.snapshot().nextPullAt, sim.now + 10_000, "the interval runs again");
  });

  test("a pause during a status keeps the changes uncommitted", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1000);
    sim.send({ type: "pauseRequested" });
    sim.finish(statusOk([modified("a.md")]));
    assert.deepEqual(sim.kinds(), ["status"]);
    assert.deepEqual(sim.snapshot().pendingSample, ["a.md"]);
  });
});

describe("failures", () => {
  test("a failed operation reports a short error and waits for the next trigger", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1000);
    sim.finish({
      kind: "status",
      outcome: "failed",
      message: "git status exited with 128",
      command: { argv: ["git", "status"], exitCode: 128, stderrTail: "fatal: index file corrupt" },
    });
    const error = sim.eventsOf("error")[0];
    assert.equal(error?.message, "status failed: git status exited with 128");
    assert.match(error?.hint ?? "", /index file corrupt/);
    assert.equal(sim.state.name, "pending", "the change is still pending");
    sim.advance(3_600_000);
    assert.deepEqual(sim.kinds(), ["status"], "no retry loop");
    sim.send({ type: "changesObserved", paths: ["b.md"] });
    sim.advance(1000);
    assert.deepEqual(sim.operationsOf("status")[1], { kind: "status", paths: ["a.md", "b.md"] });
    sim.finish(statusOk([]));
    assert.equal(sim.state.name, "idle");
    assert.equal(sim.snapshot().problem, undefined, "a success clears the problem");
  });

  test("a commit that keeps failing does not spin: the pull behind it is dropped until the next trigger", () => {
    const sim = new EngineSimulator();
    sim.responder = (request) =>
      request.kind === "status"
        ? statusOk([modified("a.md")])
        : request.kind === "commit"
          ? { kind: "commit", outcome: "failed", message: "Author identity unknown" }
          : undefined;
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.send({ type: "syncRequested" });
    sim.advance(600_000);
    assert.ok(sim.operations.length <= 6, `${sim.kinds().join(", ")}`);
    assert.equal(sim.operationsOf("pull").length, 0, "no pull may sweep the failed commit's files");
    assert.ok(sim.eventsOf("error").every((e) => /Author identity unknown/.test(e.message)));
  });

  test("a long multi-line failure message is cut to one short line", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "syncRequested" });
    sim.finish({ kind: "status", outcome: "failed", message: `${"x".repeat(500)}\nsecond line` });
    const message = sim.eventsOf("error")[0]?.message ?? "";
    assert.ok(!message.includes("\n"));
    assert.ok(message.length <= 215, `${message.length} characters`);
    assert.match(message, /^status failed: x+…$/);
  });

  test("a result nobody waited for is ignored with a warning", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "operationFinished", result: pushed("x") });
    assert.match(sim.eventsOf("warning")[0]?.message ?? "", /no running operation expected/);
    assert.equal(sim.state.name, "idle");
  });

  test("a stale or duplicate quiet-period timer does not commit early", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(900);
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.send({ type: "timerFired", timer: "rule:0" });
    sim.send({ type: "timerFired", timer: "interval" });
    sim.send({ type: "timerFired", timer: "retry" });
    sim.send({ type: "timerFired", timer: "unknown" });
    assert.deepEqual(sim.kinds(), []);
    sim.advance(1000);
    assert.deepEqual(sim.kinds(), ["status"]);
  });
});

describe("state and snapshot", () => {
  test("every state change is published with from, to and how long the old state lasted", () => {
    const sim = new EngineSimulator();
    sim.operationMs = 250;
    sim.responder = healthyRepo(() => [modified("a.md")]);
    sim.advance(5000);
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(10_000);
    const changes = sim
      .eventsOf("stateChanged")
      .map(({ from, to, durationMs }) => ({ from, to, durationMs }));
    assert.deepEqual(changes, [
      { from: "idle", to: "pending", durationMs: 5000 },
      { from: "pending", to: "committing", durationMs: 1000 },
      { from: "committing", to: "pending", durationMs: 500 },
      { from: "pending", to: "pushing", durationMs: 2000 },
      { from: "pushing", to: "idle", durationMs: 250 },
    ]);
    const finished = sim
      .eventsOf("operationFinished")
      .map((e) => [e.operation, e.outcome, e.durationMs]);
    assert.deepEqual(finished, [
      ["status", "ok", 250],
      ["commit", "committed", 250],
      ["push", "pushed", 250],
    ]);
    assert.deepEqual(
      sim.eventsOf("operationStarted").map((e) => e.operation),
      ["status", "commit", "push"],
    );
  });

  test("the snapshot shows countdowns, the running operation and the last results", () => {
    const sim = new EngineSimulator(testConfig({ timers: { pullIntervalMs: 60_000 } }));
    sim.responder = healthyRepo(() => []);
    sim.send({ type: "started" });
    sim.responder = undefined;
    const paths = Array.from({ length: 8 }, (_, i) => `n${i}.md`);
    sim.send({ type: "changesObserved", paths });
    const waiting = sim.snapshot();
    assert.equal(waiting.state, "pending");
    assert.equal(waiting.pendingCount, 8);
    assert.deepEqual(waiting.pendingSample, paths.slice(0, 5));
    assert.equal(waiting.nextCommitAt, T0 + 1000);
    assert.equal(waiting.nextPullAt, T0 + 60_000);
    assert.equal(waiting.nextPushAt, undefined);
    assert.equal(waiting.repo, "notes");
    assert.equal(waiting.path, "/home/me/notes");

    sim.advance(1000);
    assert.equal(sim.snapshot().running, "status");
    assert.equal(sim.snapshot().nextCommitAt, undefined, "the commit is under way");
    assert.equal(sim.snapshot().pendingCount, 0);
    sim.finish(statusOk(paths.map((p) => modified(p))));
    sim.finish(
      committed(
        "c9",
        paths.map((p) => modified(p)),
      ),
    );
    const committedSnapshot = sim.snapshot();
    assert.equal(committedSnapshot.nextPushAt, sim.now + 2000);
    assert.deepEqual(committedSnapshot.lastCommit, { head: "c9", at: sim.now, files: 8 });
    sim.advance(2000);
    sim.finish(pushed("c9"));
    assert.deepEqual(sim.snapshot().lastPush, { head: "c9", at: sim.now });
    assert.equal(sim.snapshot().nextPushAt, undefined);
  });

  test("step never mutates the state it was given", () => {
    const state = createEngine(testConfig(), 1, T0);
    const before = JSON.stringify(state);
    const first = step(state, { type: "changesObserved", paths: ["a.md"] }, T0 + 1);
    assert.equal(JSON.stringify(state), before);
    const second = step(first.state, { type: "timerFired", timer: "rule:0" }, T0 + 1001);
    assert.notEqual(second.state, first.state);
    assert.deepEqual(first.state.pending.paths, ["a.md"]);
    assert.deepEqual(second.state.pending.paths, []);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(second.state)), "plain data");
  });

  test("20,000 pending paths stay cheap: a capped list, a count and a whole-tree status", () => {
    const sim = new EngineSimulator(testConfig({ scopedStatusMaxPaths: 500 }));
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) sim.send({ type: "changesObserved", paths: [`f/${i}`] });
    const elapsed = performance.now() - started;
    assert.equal(sim.state.pending.paths.length, 500);
    assert.equal(sim.snapshot().pendingCount, 20_000);
    sim.advance(1000);
    assert.deepEqual(sim.operations, [{ kind: "status" }]);
    // Not a benchmark: a guard against an accidental quadratic copy (minutes, not seconds).
    assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
  });

  test("toSnapshot works on a fresh engine", () => {
    const snapshot = toSnapshot(createEngine(testConfig(), 1, T0), "/r");
    assert.deepEqual(snapshot, {
      repo: "notes",
      path: "/r",
      state: "idle",
      stateSince: T0,
      pendingCount: 0,
      pendingSample: [],
    });
  });
});
