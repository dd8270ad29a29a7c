import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  EngineSimulator,
  committed,
  healthyRepo,
  modified,
  pulled,
  pushed,
  rejected,
  statusOk,
  testConfig,
} from "../../support/engine-simulator.js";

/** Commits a.md through the change pipeline and stops before the push. */
function commitOne(sim: EngineSimulator): void {
  sim.send({ type: "changesObserved", paths: ["a.md"] });
  sim.advance(1000);
  sim.finish(statusOk([modified("a.md")]));
  sim.finish(committed("c1", [modified("a.md")]));
}

describe("pushing", () => {
  test("a commit is pushed after pushDelay, announced and noticed", () => {
    const sim = new EngineSimulator();
    commitOne(sim);
    sim.advance(1999);
    assert.equal(sim.current(), undefined);
    assert.equal(sim.state.name, "pending");
    sim.advance(1);
    assert.deepEqual(sim.current(), { kind: "push" });
    assert.equal(sim.state.name, "pushing");
    sim.finish(pushed("c1"));
    assert.deepEqual(sim.eventsOf("pushed"), [{ type: "pushed", repo: "notes", head: "c1" }]);
    assert.ok(sim.effects.some((e) => e.type === "announce" && e.head === "c1"));
    assert.ok(sim.effects.some((e) => e.type === "notify" && e.kind === "pushed"));
    assert.equal(sim.state.name, "idle");
    assert.deepEqual(sim.snapshot().lastPush, { head: "c1", at: sim.now });
  });

  test("commits within pushDelay of each other go out in one push", () => {
    const sim = new EngineSimulator();
    sim.responder = healthyRepo(() => [modified("a.md")]);
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1500);
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1500);
    assert.equal(sim.operationsOf("commit").length, 2);
    assert.equal(sim.operationsOf("push").length, 0);
    sim.advance(2000);
    assert.equal(sim.operationsOf("push").length, 1);
  });

  test("a rejected push pulls, then pushes again", () => {
    const sim = new EngineSimulator();
    commitOne(sim);
    sim.advance(2000);
    sim.finish(rejected());
    assert.equal(sim.current()?.kind, "pull");
    sim.finish(pulled("m1", ["b.md"], { needsPush: true }));
    assert.deepEqual(sim.current(), { kind: "push" });
    sim.finish(pushed("m1"));
    assert.deepEqual(sim.kinds(), ["status", "commit", "push", "pull", "push"]);
    assert.equal(sim.state.name, "idle");
  });

  test("rejected pushes are retried a bounded number of times, then an error waits for the next trigger", () => {
    const sim = new EngineSimulator(testConfig({ retry: { maxRejectedPushes: 3 } }));
    commitOne(sim);
    sim.advance(2000);
    for (let i = 0; i < 2; i++) {
      sim.finish(rejected());
      sim.finish(pulled(`m${i}`, [], { needsPush: false }));
      assert.equal(sim.current()?.kind, "push");
    }
    sim.finish(rejected());
    assert.equal(sim.current(), undefined, "no fourth push");
    assert.deepEqual(sim.kinds(), ["status", "commit", "push", "pull", "push", "pull", "push"]);
    const error = sim.eventsOf("error")[0];
    assert.match(error?.message ?? "", /rejected 3 times/);
    sim.advance(600_000);
    assert.equal(sim.operations.length, 7, "no retry loop on its own");
    sim.send({ type: "syncRequested" });
    assert.equal(sim.current()?.kind, "status", "the next trigger tries again (commit first)");
  });
});

describe("pulling", () => {
  test("an announcement storm while a commit runs becomes one pull", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1000);
    for (let i = 0; i < 50; i++) {
      sim.send({
        type: "announcementReceived",
        channel: "mqtt",
        fromHost: `pc${i}`,
        head: `h${i}`,
      });
    }
    assert.equal(sim.current()?.kind, "status", "the pull waits for the running commit");
    sim.finish(statusOk([modified("a.md")]));
    sim.finish(committed("c1", [modified("a.md")]));
    assert.equal(sim.current()?.kind, "pull");
    sim.finish(pulled("c2", ["x.md"]));
    assert.deepEqual(sim.kinds(), ["status", "commit", "pull"]);
    sim.advance(2000);
    assert.deepEqual(sim.kinds(), ["status", "commit", "pull", "push"]);
  });

  test("announcements during a running pull queue exactly one more pull", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "announcementReceived", channel: "xmpp", fromHost: "pc" });
    assert.equal(sim.current()?.kind, "pull");
    for (let i = 0; i < 10; i++)
      sim.send({ type: "announcementReceived", channel: "xmpp", fromHost: "pc" });
    sim.finish(pulled("h1", ["a"]));
    assert.equal(sim.current()?.kind, "pull");
    sim.finish(pulled("h2"));
    assert.equal(sim.current(), undefined);
    assert.deepEqual(sim.kinds(), ["pull", "pull"]);
  });

  test("a pull carries the host, the time and a pre-merge commit message", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "syncRequested" });
    sim.finish(statusOk([]));
    const pull = sim.current();
    assert.deepEqual(pull, {
      kind: "pull",
      commitMessage: "autosync laptop: local changes before pull",
      host: "laptop",
      nowMs: sim.now,
    });
  });

  test("pending local changes are committed before a pull starts", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["draft.md"] });
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    assert.deepEqual(sim.current(), { kind: "status", paths: ["draft.md"] });
    sim.finish(statusOk([modified("draft.md")]));
    assert.equal(sim.current()?.kind, "commit");
    sim.finish(committed("c1", [modified("draft.md")]));
    assert.equal(sim.current()?.kind, "pull");
    sim.advance(1000);
    assert.equal(
      sim.operationsOf("status").length,
      1,
      "the quiet period's commit was already done",
    );
  });

  test("changes observed during a pull lead to a status, not a blind commit", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    sim.send({ type: "changesObserved", paths: ["from-remote.md", "mine.md"] });
    sim.finish(pulled("h1", ["from-remote.md"]));
    sim.advance(1000);
    assert.deepEqual(sim.current(), { kind: "status", paths: ["from-remote.md", "mine.md"] });
    sim.finish(statusOk([modified("mine.md")]));
    const commit = sim.operationsOf("commit")[0];
    assert.deepEqual(
      commit?.entries.map((e) => e.path),
      ["mine.md"],
      "only what the status called local is committed",
    );
  });

  test("files written by a pull are not committed again: the status finds nothing", () => {
    const sim = new EngineSimulator();
    sim.responder = (request) => {
      if (request.kind === "pull") {
        sim.send({ type: "changesObserved", paths: ["a.md", "b.md"] });
        return pulled("h1", ["a.md", "b.md"]);
      }
      if (request.kind === "status") return statusOk([]);
      return undefined;
    };
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    sim.advance(5000);
    assert.deepEqual(sim.kinds(), ["pull", "status"]);
    assert.equal(sim.eventsOf("committed").length, 0);
    assert.equal(sim.eventsOf("pulled")[0]?.changedPaths, 2);
    assert.equal(sim.state.name, "idle");
  });

  test("a conflict is reported, shown until its resolution is pushed, and pushed at once", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    const conflicts = [
      {
        path: "plan.md",
        copyPath: "plan (conflict laptop 2026-01-01 000000).md",
        kind: "both-modified" as const,
      },
    ];
    sim.finish(pulled("m1", ["plan.md"], { conflicts, needsPush: true }));
    assert.deepEqual(sim.eventsOf("conflict"), [{ type: "conflict", repo: "notes", conflicts }]);
    assert.ok(sim.effects.some((e) => e.type === "notify" && e.kind === "conflict"));
    assert.deepEqual(sim.current(), { kind: "push" }, "no pushDelay for a conflict resolution");
    assert.equal(sim.state.name, "pushing");
    assert.deepEqual(sim.snapshot().lastConflict?.conflicts, conflicts);
    sim.finish(pushed("m1"));
    assert.equal(sim.state.name, "idle");
    const states = sim.eventsOf("stateChanged").map((e) => e.to);
    assert.deepEqual(states, ["pulling", "pushing", "idle"]);
  });

  test("a conflict stays visible while its push waits for the network", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    sim.finish(pulled("m1", ["p"], { conflicts: [{ path: "p", kind: "deleted-locally" }] }));
    sim.finish({ kind: "push", outcome: "failed", message: "remote hook declined" });
    assert.equal(sim.state.name, "conflict");
  });

  test("the interval timer pulls every pullIntervalMs", () => {
    const sim = new EngineSimulator(testConfig({ timers: { pullIntervalMs: 60_000 } }));
    sim.responder = healthyRepo(() => []);
    sim.send({ type: "started" });
    assert.deepEqual(sim.kinds(), ["status", "pull", "push"], "startup");
    assert.equal(sim.snapshot().nextPullAt, sim.now + 60_000);
    sim.advance(180_000);
    assert.deepEqual(sim.kinds().slice(3), ["pull", "pull", "pull"]);
  });

  test("pullInterval 0 disables the interval pull", () => {
    const sim = new EngineSimulator(testConfig({ timers: { pullIntervalMs: 0 } }));
    sim.responder = healthyRepo(() => []);
    sim.send({ type: "started" });
    sim.advance(24 * 3_600_000);
    assert.deepEqual(sim.kinds(), ["status", "pull", "push"]);
    assert.equal(sim.timers.size, 0);
    assert.equal(sim.snapshot().nextPullAt, undefined);
  });

  test("startup commits what changed while autosync was down, pulls, then pushes", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "started" });
    assert.deepEqual(sim.current(), { kind: "status" }, "whole tree: no events were seen");
    sim.finish(statusOk([modified("offline-edit.md")]));
    sim.finish(committed("c1", [modified("offline-edit.md")]));
    assert.equal(sim.current()?.kind, "pull");
    sim.finish(pulled("c1"));
    assert.equal(sim.current()?.kind, "push");
    sim.finish(pushed("c1"));
    assert.deepEqual(sim.kinds(), ["status", "commit", "pull", "push"]);
    sim.advance(10_000);
    assert.equal(sim.operationsOf("push").length, 1, "the committed trigger's push was coalesced");
  });
});
