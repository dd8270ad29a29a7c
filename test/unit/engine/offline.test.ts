import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  EngineSimulator,
  committed,
  healthyRepo,
  modified,
  offline,
  pulled,
  pushed,
  statusOk,
  testConfig,
} from "../../support/engine-simulator.js";
import { backoffDelay, nextRandom } from "../../../src/engine/backoff.js";

/** Delays of the offline events for `outages` failed pushes in a row. */
function retryDelays(seed: number, jitter: number, outages: number): number[] {
  const sim = new EngineSimulator(
    testConfig({ retry: { initialBackoffMs: 1000, maxBackoffMs: 16_000, jitter } }),
    { seed },
  );
  sim.send({ type: "changesObserved", paths: ["a.md"] });
  sim.advance(1000);
  sim.finish(statusOk([modified("a.md")]));
  sim.finish(committed("c1", [modified("a.md")]));
  sim.advance(2000);
  for (let i = 0; i < outages; i++) {
    assert.deepEqual(sim.current(), { kind: "push" }, `retry ${i} runs a push`);
    sim.finish(offline("push"));
    const delay = sim.eventsOf("offline").at(-1)?.retryInMs ?? -1;
    sim.advance(delay - 1);
    assert.equal(sim.current(), undefined, "nothing before the retry is due");
    sim.advance(1);
  }
  return sim.eventsOf("offline").map((e) => e.retryInMs);
}

describe("offline", () => {
  test("the offline backoff doubles and is capped", () => {
    assert.deepEqual(
      retryDelays(7, 0, 8),
      [1000, 2000, 4000, 8000, 16_000, 16_000, 16_000, 16_000],
    );
  });

  test("the backoff jitter stays within its share and is deterministic per seed", () => {
    const first = retryDelays(7, 0.25, 6);
    assert.deepEqual(retryDelays(7, 0.25, 6), first, "same seed, same delays");
    assert.notDeepEqual(retryDelays(8, 0.25, 6), first, "another seed, other delays");
    const bases = [1000, 2000, 4000, 8000, 16_000, 16_000];
    first.forEach((delay, i) => {
      const base = bases[i] ?? 0;
      assert.ok(delay >= base && delay <= base * 1.25, `${delay} within [${base}, ${base * 1.25}]`);
    });
    assert.ok(
      first.some((delay, i) => delay !== bases[i]),
      "some jitter was added",
    );
  });

  test("backoffDelay never overflows on very long outages", () => {
    const retry = {
      maxRejectedPushes: 3,
      initialBackoffMs: 500,
      maxBackoffMs: 300_000,
      jitter: 0.1,
    };
    assert.equal(backoffDelay(10_000, retry, 0), 300_000);
    assert.equal(backoffDelay(10_000, retry, 0.999_999), 330_000);
    const values = new Set<number>();
    let rng = 1;
    for (let i = 0; i < 100; i++) {
      const next = nextRandom(rng);
      assert.ok(next.value >= 0 && next.value < 1);
      values.add(next.value);
      rng = next.rng;
    }
    assert.equal(values.size, 100);
  });

  test("commits continue while offline and everything is pushed after recovery", () => {
    // A backoff longer than pushDelay: each commit's own push would come first if it did not wait.
    const sim = new EngineSimulator(testConfig({ retry: { initialBackoffMs: 30_000 } }));
    let network = false;
    let commits = 0;
    sim.responder = (request) => {
      switch (request.kind) {
        case "status":
          return statusOk(request.paths?.map((p) => modified(p)) ?? []);
        case "commit":
          commits += 1;
          return committed(`c${commits}`, [...request.entries]);
        case "push":
          return network ? pushed(`c${commits}`) : offline("push");
        case "pull":
          return network ? pulled(`c${commits}`) : offline("pull");
      }
    };
    sim.send({ type: "changesObserved", paths: ["one.md"] });
    sim.advance(3000);
    assert.equal(sim.state.name, "offline");
    assert.equal(sim.eventsOf("offline").length, 1);
    assert.ok(sim.effects.some((e) => e.type === "notify" && e.kind === "offline"));

    sim.send({ type: "changesObserved", paths: ["two.md"] });
    sim.advance(1000);
    sim.send({ type: "changesObserved", paths: ["three.md"] });
    sim.advance(10_000);
    assert.equal(commits, 3, "local commits go on while offline");
    const retryDue = sim.events.flatMap((e, i) =>
      e.type === "offline" ? [(sim.eventTimes[i] ?? 0) + e.retryInMs] : [],
    );
    const pushTimes = sim.operationTimes.filter((_, i) => sim.operations[i]?.kind === "push");
    assert.ok(pushTimes.length >= 1);
    assert.deepEqual(
      pushTimes.slice(1),
      retryDue.slice(0, pushTimes.length - 1),
      "after the first failure pushes run only when a backoff retry is due, never per commit",
    );
    assert.equal(sim.state.name, "offline");
    assert.ok(sim.snapshot().retryAt !== undefined);

    network = true;
    sim.advance(60_000);
    assert.equal(sim.state.name, "idle");
    assert.equal(sim.eventsOf("online").length, 1);
    assert.deepEqual(
      sim.eventsOf("pushed").map((e) => e.head),
      ["c3"],
    );
    assert.equal(sim.snapshot().retryAt, undefined);
    assert.equal(sim.state.unpushed, false);
  });

  test("while offline the interval pull waits for the retry, a manual sync tries at once", () => {
    const sim = new EngineSimulator(
      testConfig({ timers: { pullIntervalMs: 5000 }, retry: { initialBackoffMs: 30_000 } }),
    );
    sim.send({ type: "started" });
    sim.finish(statusOk([]));
    sim.finish(offline("pull"));
    const retryIn = sim.eventsOf("offline")[0]?.retryInMs ?? 0;
    assert.equal(sim.current(), undefined, "the startup push joined the retry");
    assert.equal(retryIn, 30_000);
    sim.advance(retryIn - 1);
    assert.equal(sim.current(), undefined, "five interval pulls waited for the retry");
    sim.advance(1);
    assert.equal(sim.current()?.kind, "pull", "retry");
    sim.finish(offline("pull"));
    sim.send({ type: "syncRequested" });
    assert.equal(sim.current()?.kind, "status", "sync commits first...");
    sim.finish(statusOk([]));
    assert.equal(sim.current()?.kind, "pull", "...then pulls without waiting");
    sim.finish(pulled("h"));
    assert.equal(sim.eventsOf("online").length, 1);
    assert.equal(sim.current()?.kind, "push", "the push that waited runs now");
  });

  test("an announcement while offline pulls at once", () => {
    const sim = new EngineSimulator();
    sim.responder = healthyRepo(() => []);
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    assert.deepEqual(sim.kinds(), ["status", "pull"]);
  });
});
