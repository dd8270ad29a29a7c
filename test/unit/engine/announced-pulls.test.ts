import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PULL_ECHO_WINDOW_MS } from "../../../src/engine/pull-echo.js";
import { PUSH_RETRY_TIMER } from "../../../src/engine/step-context.js";
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

/**
 * Issue 5's fleet: four machines told of each other's pushes at once, so pulls follow pulls.
 * These are the waits that used to stand between the last edit and convergence.
 */

/** The fleet test's timers: commit after 500 ms, push at once, no interval pull. */
function fleetMachine(): EngineSimulator {
  const sim = new EngineSimulator(
    testConfig({ timers: { commitDelayMs: 500, maxCommitDelayMs: 3000, pushDelayMs: 0 } }),
  );
  sim.send({ type: "started" });
  sim.finish(statusOk([])); // startup: whole-tree status, nothing local
  sim.finish(pulled("h0"));
  sim.finish(pushed("h0"));
  assert.equal(sim.current(), undefined);
  return sim;
}

const announce = (sim: EngineSimulator, fromHost = "beta") =>
  sim.send({ type: "announcementReceived", channel: "mqtt", fromHost });

/** A pull for an announcement that merged and wrote `paths` (a conflict copy among them). */
function pullWriting(sim: EngineSimulator, head: string, paths: string[]): void {
  announce(sim);
  assert.equal(sim.current()?.kind, "pull");
  sim.finish(pulled(head, paths));
}

const WROTE = ["shared/all.md", "shared/all (conflict beta 2026-11-25 155350 98d8d6).md"];

describe("pulls after pulls: the echo of a pull's own writes", () => {
  test("an announced pull does not wait a commitDelay for the files the previous pull wrote", () => {
    const sim = fleetMachine();
    pullWriting(sim, "m1", WROTE);
    sim.advance(10);
    sim.send({ type: "changesObserved", paths: WROTE }); // the watcher reports the pull's writes
    sim.advance(20);
    announce(sim, "gamma");
    // Status is still the truth: a status of just those paths, at once, then the pull.
    assert.deepEqual(sim.current(), { kind: "status", paths: WROTE });
    sim.finish(statusOk([]));
    assert.equal(sim.current()?.kind, "pull", "no quiet period of 500 ms before the pull");
  });

  test("writes reported while the pull still ran are its echo too", () => {
    const sim = fleetMachine();
    announce(sim);
    assert.equal(sim.current()?.kind, "pull");
    sim.send({ type: "changesObserved", paths: [WROTE[0]!] }); // the watcher beat the pull's end
    sim.finish(pulled("m1", WROTE));
    sim.send({ type: "changesObserved", paths: [WROTE[1]!] });
    announce(sim, "gamma");
    assert.equal(sim.current()?.kind, "status");
    sim.finish(statusOk([]));
    assert.equal(sim.current()?.kind, "pull");
  });

  test("a user's edit of a pulled file within the echo window waits for its quiet period, then is committed before the next pull", () => {
    const sim = fleetMachine();
    pullWriting(sim, "m1", WROTE);
    sim.send({ type: "changesObserved", paths: [WROTE[0]!] });
    announce(sim, "gamma");
    assert.deepEqual(sim.current(), { kind: "status", paths: [WROTE[0]!] });
    // Status says the pulled file differs from what was pulled: an edit, maybe half a save.
    sim.finish(statusOk([modified(WROTE[0]!)]));
    assert.equal(sim.current(), undefined, "not committed mid-save, and the pull waits");
    sim.advance(300);
    sim.send({ type: "changesObserved", paths: [WROTE[0]!] }); // the editor's save goes on
    sim.advance(499);
    assert.equal(sim.current(), undefined, "each write restarts the quiet period");
    sim.advance(1);
    assert.deepEqual(sim.current(), { kind: "status", paths: [WROTE[0]!] });
    sim.finish(statusOk([modified(WROTE[0]!)]));
    assert.equal(sim.current()?.kind, "commit", "after the quiet period it is committed");
    sim.finish(committed("c1", [modified(WROTE[0]!)]));
    assert.equal(sim.current()?.kind, "pull", "then the announced pull runs");
  });

  test("a folder the pull created, reported again by the watcher, is its echo too", () => {
    const sim = fleetMachine();
    pullWriting(sim, "m1", ["shared/new/round-1.md"]);
    sim.advance(300);
    sim.send({ type: "changesObserved", paths: ["shared/new", "shared"] });
    announce(sim, "gamma");
    assert.deepEqual(sim.current(), { kind: "status", paths: ["shared/new", "shared"] });
    sim.finish(statusOk([]));
    assert.equal(sim.current()?.kind, "pull", "no quiet period for the pull's own folder");
  });

  test("any other change keeps the pull waiting for its quiet period", () => {
    const sim = fleetMachine();
    pullWriting(sim, "m1", WROTE);
    sim.send({ type: "changesObserved", paths: WROTE });
    sim.send({ type: "changesObserved", paths: ["own/notes.md"] }); // the user types on
    announce(sim, "gamma");
    assert.equal(sim.current(), undefined, "a burst of the user's is never cut by a pull");
    sim.advance(499);
    assert.equal(sim.current(), undefined);
    sim.advance(1);
    assert.deepEqual(sim.current(), { kind: "status", paths: [...WROTE, "own/notes.md"] });
  });

  test("a pulled path reported after the echo window is a user's edit", () => {
    const sim = fleetMachine();
    pullWriting(sim, "m1", WROTE);
    sim.advance(PULL_ECHO_WINDOW_MS + 1);
    sim.send({ type: "changesObserved", paths: [WROTE[0]!] });
    announce(sim, "gamma");
    assert.equal(sim.current(), undefined, "the pull waits for the quiet period");
    sim.advance(500);
    assert.equal(sim.current()?.kind, "status");
  });
});

describe("pushing after a pull while others announce", () => {
  // Measured with the fleet test: letting a pull for an announcement that arrived during the
  // merge go before the push saved a rejection only when our fetch had missed that push, cost a
  // fetch when it had not, and made the losers of one race pull and push in step again. The
  // merge goes out first; a rejection pulls at once, the announced pull being queued anyway.
  test("a merge is pushed at once, also when another machine announced during the pull", () => {
    const sim = fleetMachine();
    announce(sim);
    announce(sim, "gamma");
    sim.finish(pulled("m1", ["b.md"], { needsPush: true }));
    assert.deepEqual(sim.current(), { kind: "push" });
    sim.finish(rejected());
    assert.equal(sim.current()?.kind, "pull", "gamma's push is pulled without a backoff");
  });
});

describe("the contention retry after a rejected push", () => {
  test("a pull running when the backoff ends is the retry's pull: the push follows it, no second pull", () => {
    const sim = fleetMachine();
    sim.send({ type: "changesObserved", paths: ["own/notes.md"] });
    sim.advance(500);
    sim.finish(statusOk([modified("own/notes.md")]));
    sim.finish(committed("c1", [modified("own/notes.md")]));
    assert.deepEqual(sim.current(), { kind: "push" });
    sim.finish(rejected());
    assert.ok(sim.timers.has(PUSH_RETRY_TIMER), "a short backoff before the retry");
    announce(sim, "gamma"); // the winner's announcement: its pull starts at once
    assert.equal(sim.current()?.kind, "pull");
    sim.advance(600); // the backoff ends while that pull still runs (a slow merge)
    const pullsBefore = sim.operationsOf("pull").length;
    sim.finish(pulled("m1", ["g.md"], { needsPush: true }));
    assert.deepEqual(sim.current(), { kind: "push" });
    sim.finish(pushed("m1"));
    sim.advance(5000);
    assert.equal(sim.operationsOf("pull").length, pullsBefore, "nothing left to fetch");
    assert.equal(sim.state.name, "idle");
  });

  test("a push running when the backoff ends is the retry: no pull and push again after it", () => {
    const sim = fleetMachine();
    sim.send({ type: "changesObserved", paths: ["own/notes.md"] });
    sim.advance(500);
    sim.finish(statusOk([modified("own/notes.md")]));
    sim.finish(committed("c1", [modified("own/notes.md")]));
    sim.finish(rejected());
    announce(sim, "gamma");
    sim.finish(pulled("m1", ["g.md"], { needsPush: true }));
    assert.deepEqual(sim.current(), { kind: "push" });
    sim.advance(600); // the backoff ends while that push still runs
    const before = sim.kinds().length;
    sim.finish(pushed("m1"));
    sim.advance(5000);
    assert.deepEqual(sim.kinds().slice(before), [], "the push went through: nothing to repeat");
    assert.equal(sim.state.name, "idle");
  });
});
