import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  EngineSimulator,
  committed,
  healthyRepo,
  modified,
  pulled,
  statusOk,
  testConfig,
} from "../../support/engine-simulator.js";

describe("the pipeline interpreter", () => {
  test("a hook after a pull runs as a user command once the pull finished", () => {
    const sim = new EngineSimulator(
      testConfig({
        pipeline: [
          { on: ["announcement"], actions: [{ type: "pull" }] },
          { on: ["pulled"], actions: [{ type: "run", argv: ["make", "--", "site"] }] },
        ],
      }),
    );
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    assert.ok(!sim.effects.some((e) => e.type === "runCommand"));
    sim.finish(pulled("h1", ["index.md"]));
    const hooks = sim.effects.filter((e) => e.type === "runCommand");
    assert.deepEqual(hooks, [{ type: "runCommand", argv: ["make", "--", "site"] }]);
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    sim.finish(pulled("h1"));
    assert.equal(
      sim.effects.filter((e) => e.type === "runCommand").length,
      1,
      "an up-to-date pull is not `pulled`",
    );
  });

  test("a rule's actions run in order: a notice after the commit waits for it", () => {
    const sim = new EngineSimulator(
      testConfig({
        pipeline: [
          { on: ["manual"], actions: [{ type: "commit" }, { type: "notify", kind: "pushed" }] },
        ],
      }),
    );
    sim.send({ type: "syncRequested" });
    assert.ok(!sim.effects.some((e) => e.type === "notify"), "the notice waits for the commit");
    sim.finish(statusOk([modified("a")]));
    sim.finish(committed("c1", [modified("a")]));
    assert.ok(sim.effects.some((e) => e.type === "notify"));
  });

  test("a quiet period on announcements turns a storm into one pull after it ends", () => {
    const sim = new EngineSimulator(
      testConfig({
        pipeline: [
          { on: ["announcement"], quietMs: 500, maxWaitMs: 2000, actions: [{ type: "pull" }] },
        ],
      }),
    );
    sim.responder = healthyRepo(() => []);
    for (let i = 0; i < 30; i++) {
      sim.send({ type: "announcementReceived", channel: "xmpp", fromHost: "pc" });
      sim.advance(100);
    }
    const pulls = () => sim.kinds().filter((kind) => kind === "pull");
    assert.deepEqual(pulls(), ["pull"], "maxWait: one pull after 2 s of announcements");
    sim.advance(500);
    assert.deepEqual(pulls(), ["pull", "pull"]);
  });

  test("a pull requested while a commit runs waits for the commit to finish", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1000);
    sim.finish(statusOk([modified("a.md")]));
    assert.equal(sim.current()?.kind, "commit");
    sim.send({ type: "syncRequested" });
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    assert.equal(sim.current()?.kind, "commit", "nothing starts beside the commit");
    sim.finish(committed("c1", [modified("a.md")]));
    assert.equal(sim.current()?.kind, "status", "sync: a whole-tree look first");
    sim.finish(statusOk([]));
    assert.equal(sim.current()?.kind, "pull");
  });

  test("a rule that listens to nothing that happens never acts", () => {
    const sim = new EngineSimulator(
      testConfig({ pipeline: [{ on: ["conflict"], actions: [{ type: "push" }] }] }),
    );
    sim.send({ type: "started" });
    sim.send({ type: "changesObserved", paths: ["a"] });
    sim.advance(60_000);
    assert.deepEqual(sim.kinds(), []);
    assert.equal(sim.snapshot().pendingCount, 1, "changes are kept for a later commit");
  });
});
