import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { OperationResult } from "../../../src/engine/operation.js";
import {
  EngineSimulator,
  committed,
  modified,
  pulled,
  rejected,
  statusOk,
  testConfig,
} from "../../support/engine-simulator.js";
import type { StatusEntry } from "../../../src/engine/status-entry.js";

const failedPull = (
  message = "merge failed and was undone: no value for {path}",
): OperationResult => ({
  kind: "pull",
  outcome: "failed",
  message,
});

/** Backoff 1 s doubling to 8 s, no jitter; commit after 100 ms, pull every 200 ms like the bench. */
function failingRepo(options: { pushDelayMs?: number } = {}) {
  const sim = new EngineSimulator(
    testConfig({
      timers: { commitDelayMs: 100, pullIntervalMs: 200, pushDelayMs: options.pushDelayMs ?? 0 },
      retry: { initialBackoffMs: 1000, maxBackoffMs: 8000, jitter: 0 },
    }),
  );
  const control = {
    pullResult: (): OperationResult => failedPull(),
    /** What the next status reports as local (the user's edits); the undo writes are not. */
    local: [] as StatusEntry[],
    pushResult: (): OperationResult => rejected(),
  };
  let commits = 0;
  sim.responder = (request) => {
    switch (request.kind) {
      case "status": {
        const entries = control.local;
        control.local = [];
        return statusOk(entries);
      }
      case "commit":
        commits += 1;
        return committed(`c${commits}`, [...request.entries]);
      case "push":
        return control.pushResult();
      case "pull":
        return control.pullResult();
    }
  };
  return { sim, control };
}

/** Runs `ms` of time in 50 ms slices, reporting the undo's file write after every failed pull. */
function runWithUndoWrites(sim: EngineSimulator, ms: number): void {
  for (let elapsed = 0; elapsed < ms; elapsed += 50) {
    const failuresBefore = sim
      .eventsOf("operationFinished")
      .filter((e) => e.operation === "pull" && e.outcome === "failed").length;
    sim.advance(50);
    const failuresAfter = sim
      .eventsOf("operationFinished")
      .filter((e) => e.operation === "pull" && e.outcome === "failed").length;
    if (failuresAfter > failuresBefore) sim.send({ type: "changesObserved", paths: ["diary.txt"] });
  }
}

function pullTimes(sim: EngineSimulator): number[] {
  return sim.operations.flatMap((op, i) =>
    op.kind === "pull" ? [sim.operationTimes[i] ?? -1] : [],
  );
}

const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - (times[i] ?? 0));

describe("pull backoff", () => {
  test("a pull failing again and again is retried after doubling, capped waits with one error event", () => {
    const { sim } = failingRepo();
    sim.send({ type: "started" });
    runWithUndoWrites(sim, 40_000);
    // Startup pull, then 1, 2, 4, 8, 8, 8 … seconds apart although the interval fires every
    // 200 ms and every failure's undo is reported as a change.
    assert.deepEqual(gaps(pullTimes(sim)).slice(0, 7), [1000, 2000, 4000, 8000, 8000, 8000, 8000]);
    assert.equal(sim.eventsOf("error").length, 1, "the same failure is reported once");
    assert.match(sim.eventsOf("error")[0]?.message ?? "", /pull failed: merge failed/);
    assert.equal(sim.snapshot().problem?.message.startsWith("pull failed"), true);
  });

  test("the undo's own writes find nothing in the status and start no pull", () => {
    const { sim } = failingRepo();
    sim.send({ type: "started" });
    sim.advance(0);
    assert.equal(pullTimes(sim).length, 1);
    const failedAt = sim.now;
    sim.send({ type: "changesObserved", paths: ["diary.txt"] });
    sim.advance(999);
    assert.equal(pullTimes(sim).length, 1, "no pull before the backoff ran out");
    assert.equal(sim.operationsOf("commit").length, 0, "the status found nothing to commit");
    assert.ok(sim.operationsOf("status").length >= 2, "the change was looked at");
    assert.equal(sim.state.name, "idle");
    sim.advance(1);
    assert.equal(pullTimes(sim).at(-1), failedAt + 1000, "the backoff timer pulls");
  });

  test("local commits go on while pulls back off; the rejected push waits for the pull", () => {
    const { sim, control } = failingRepo();
    sim.send({ type: "started" });
    sim.advance(0);
    const failedAt = sim.now;
    control.local = [modified("notes.md")];
    sim.send({ type: "changesObserved", paths: ["notes.md"] });
    sim.advance(990);
    assert.equal(sim.operationsOf("commit").length, 1, "the user's edit is committed locally");
    assert.equal(sim.operationsOf("push").length, 1, "one push (the startup's) was rejected");
    assert.equal(pullTimes(sim).length, 1, "its rejection pulls no sooner than the backoff");
    assert.equal(sim.eventsOf("error").length, 1);
    // The backoff runs out: pull (fails again), and the push waits with it.
    sim.advance(10);
    assert.equal(pullTimes(sim).at(-1), failedAt + 1000);
    assert.equal(sim.operationsOf("push").length, 1, "no push while its pull keeps failing");
    // Now the pull merges: the waiting push goes out.
    control.pullResult = () => {
      control.pullResult = () => pulled("m1");
      return pulled("m1", ["diary.txt"], { needsPush: true });
    };
    control.pushResult = () => ({ kind: "push", outcome: "pushed", head: "m1" });
    sim.advance(2000);
    assert.equal(pullTimes(sim).at(-1), failedAt + 3000);
    assert.equal(sim.operationsOf("push").length, 2);
    assert.equal(sim.eventsOf("pushed").length, 1);
    assert.equal(sim.state.pullBackoff, undefined);
  });

  test("a successful pull resets the backoff", () => {
    const { sim, control } = failingRepo();
    sim.send({ type: "started" });
    sim.advance(7000 - 1); // failures at 0, 1000, 3000; the next would be at 7000
    assert.deepEqual(gaps(pullTimes(sim)), [1000, 2000]);
    control.pullResult = () => pulled("c0");
    sim.advance(1);
    assert.equal(sim.state.pullBackoff, undefined);
    sim.advance(200);
    const afterSuccess = pullTimes(sim).length;
    assert.ok(afterSuccess >= 5, "interval pulls run again at once");
    control.pullResult = () => failedPull();
    const failedAt = sim.now;
    sim.advance(200);
    const times = pullTimes(sim);
    const firstFailure = times.find((t) => t > failedAt) ?? -1;
    sim.advance(2000);
    assert.equal(
      pullTimes(sim).find((t) => t > firstFailure),
      firstFailure + 1000,
      "the first failure after a success waits the initial backoff again",
    );
    assert.equal(
      sim.eventsOf("error").filter((e) => e.message.startsWith("pull failed")).length,
      2,
      "a new run of failures is reported again",
    );
  });

  test("a different failure message is reported; `sync` pulls at once during the backoff", () => {
    const { sim, control } = failingRepo();
    sim.send({ type: "started" });
    sim.advance(0);
    assert.equal(pullTimes(sim).length, 1);
    sim.advance(500);
    control.pullResult = () => failedPull("fetch failed: bad object");
    sim.send({ type: "syncRequested" });
    assert.equal(pullTimes(sim).length, 2, "manual sync does not wait for the backoff");
    assert.deepEqual(
      sim.eventsOf("error").map((e) => e.message),
      [
        "pull failed: merge failed and was undone: no value for {path}",
        "pull failed: fetch failed: bad object",
      ],
    );
    // The manual failure counts as a step: the next automatic pull waits 2 s from it.
    const manualAt = sim.now;
    sim.advance(1999);
    assert.equal(pullTimes(sim).length, 2);
    sim.advance(1);
    assert.equal(pullTimes(sim).at(-1), manualAt + 2000);
  });
});
