import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  EngineSimulator,
  T0,
  added,
  committed,
  healthyRepo,
  localTree,
  modified,
  statusOk,
  testConfig,
} from "../../support/engine-simulator.js";
import type { StatusEntry } from "../../../src/engine/status-entry.js";

function change(sim: EngineSimulator, tree: Map<string, StatusEntry>, path: string): void {
  tree.set(path, modified(path));
  sim.send({ type: "changesObserved", paths: [path] });
}

describe("commit timing", () => {
  test("the quiet period restarts on each change and commits once after the last", () => {
    const { tree, sim } = localTree();
    for (let i = 0; i < 5; i++) {
      change(sim, tree, "todo.md");
      sim.advance(900);
    }
    assert.deepEqual(sim.kinds(), [], "no status while changes keep coming within 1 s");
    sim.advance(100);
    assert.deepEqual(sim.kinds(), ["status", "commit"]);
    assert.equal(sim.now - T0, 5 * 900 + 100);
    sim.advance(30_000);
    assert.equal(sim.operationsOf("commit").length, 1);
  });

  test("maxWait forces a commit during continuous changes", () => {
    const { tree, sim } = localTree();
    for (let t = 0; t < 25_000; t += 500) {
      change(sim, tree, `log-${t}.txt`);
      sim.advance(500);
    }
    const commits = sim.eventsOf("committed");
    assert.ok(commits.length >= 2, `expected commits every 10 s, got ${commits.length}`);
    const firstCommitAt = sim.operations.findIndex((o) => o.kind === "commit");
    assert.ok(firstCommitAt >= 0);
    assert.equal(sim.eventsOf("committed")[0]?.files, 20, "the first 10 s of files (every 500 ms)");
  });

  test("a burst of 2,000 changes makes one status and one commit", () => {
    const { tree, sim } = localTree();
    for (let i = 0; i < 2000; i++) {
      const path = `photos/img-${i}.jpg`;
      tree.set(path, added(path));
      sim.send({ type: "changesObserved", paths: [path] });
      if (i % 100 === 0) sim.advance(1);
    }
    sim.advance(1000);
    assert.deepEqual(sim.kinds(), ["status", "commit"]);
    const commit = sim.operationsOf("commit")[0];
    assert.equal(commit?.entries.length, 2000);
    assert.match(commit?.message ?? "", /^autosync laptop: 2,000 added\n/);
    assert.match(commit?.message ?? "", /… and 1,980 more \(1,980 added\)$/);
  });

  test("a few changed paths get a scoped status, many or a rescan get a whole-tree status", () => {
    const sim = new EngineSimulator(testConfig({ scopedStatusMaxPaths: 3 }));
    sim.responder = (request) => (request.kind === "status" ? statusOk([]) : undefined);
    sim.send({ type: "changesObserved", paths: ["a.md", "b.md", "a.md"] });
    sim.advance(1000);
    assert.deepEqual(sim.operationsOf("status")[0], { kind: "status", paths: ["a.md", "b.md"] });

    sim.send({ type: "changesObserved", paths: ["1", "2", "3", "4"] });
    sim.advance(1000);
    assert.deepEqual(sim.operationsOf("status")[1], { kind: "status" }, "4 paths > 3: whole tree");

    sim.send({ type: "rescanNeeded", reason: "inotify queue overflow" });
    sim.advance(1000);
    assert.deepEqual(sim.operationsOf("status")[2], { kind: "status" });
    assert.equal(sim.kinds().filter((k) => k === "commit").length, 0, "status found nothing");
  });

  test("changes observed while a commit runs stay pending and start a new quiet period", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1000);
    assert.deepEqual(sim.current(), { kind: "status", paths: ["a.md"] });
    sim.finish(statusOk([modified("a.md")]));
    assert.equal(sim.current()?.kind, "commit");
    sim.send({ type: "changesObserved", paths: ["b.md"] });
    sim.advance(500);
    sim.finish(committed("c1", [modified("a.md")]));
    assert.equal(sim.snapshot().pendingCount, 1);
    assert.deepEqual(sim.snapshot().pendingSample, ["b.md"]);
    assert.equal(sim.current(), undefined, "no status before b.md's quiet period ends");
    sim.advance(500);
    assert.deepEqual(sim.current(), { kind: "status", paths: ["b.md"] });
  });

  test("a status that finds nothing makes no commit and returns to idle", () => {
    const sim = new EngineSimulator();
    sim.responder = (request) => (request.kind === "status" ? statusOk([]) : undefined);
    sim.send({ type: "changesObserved", paths: ["swap.tmp"] });
    sim.advance(1000);
    assert.deepEqual(sim.kinds(), ["status"]);
    assert.equal(sim.state.name, "idle");
  });

  test("a manual commit uses the user's message and commits at once", () => {
    const sim = new EngineSimulator();
    sim.responder = healthyRepo(() => [modified("thesis.tex")]);
    sim.send({ type: "commitRequested", message: "finished chapter 3" });
    const commit = sim.operationsOf("commit")[0];
    assert.deepEqual(sim.operationsOf("status")[0], { kind: "status" }, "whole tree");
    assert.match(commit?.message ?? "", /^finished chapter 3\n/);
    assert.match(commit?.message ?? "", /modified thesis\.tex/);
    assert.equal(sim.eventsOf("committed")[0]?.message, commit?.message);
  });

  test("an empty manual commit message falls back to the generated one", () => {
    const sim = new EngineSimulator();
    sim.responder = healthyRepo(() => [modified("a.md"), added("b.md")]);
    sim.send({ type: "commitRequested", message: "  " });
    assert.match(
      sim.operationsOf("commit")[0]?.message ?? "",
      /^autosync laptop: 1 added, 1 modified/,
    );
  });
});
