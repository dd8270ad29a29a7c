import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { OperationResult } from "../../../src/engine/operation.js";
import { countActions } from "../../../src/engine/commit-message.js";
import {
  EngineSimulator,
  added,
  T0,
  committed,
  deleted,
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

/** The longest re-push backoff: 0–500 ms. */
const BACKOFF_CAP_MS = 500;

/** The re-push backoffs the engine asked for, in order. */
function retryDelays(sim: EngineSimulator): number[] {
  return sim.effects.flatMap((effect) =>
    effect.type === "startTimer" && effect.timer === "push-retry" ? [effect.delayMs] : [],
  );
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
    let size = 10;
    sim.responder = healthyRepo(() => [modified("a.md", size)]);
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1500);
    size = 11;
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1500);
    assert.equal(sim.operationsOf("commit").length, 2);
    assert.equal(sim.operationsOf("push").length, 0);
    sim.advance(2000);
    assert.equal(sim.operationsOf("push").length, 1);
  });

  test("a rejected push waits a short random backoff, pulls, then pushes again", () => {
    const sim = new EngineSimulator();
    commitOne(sim);
    sim.advance(2000);
    sim.finish(rejected());
    const wait = retryDelays(sim)[0];
    assert.ok(wait !== undefined && wait >= 0 && wait <= 100, `first backoff ${wait} ms`);
    assert.equal(sim.state.name, "pending", "a push is still owed while it waits");
    if (wait > 0) {
      sim.advance(wait - 1);
      assert.equal(sim.current(), undefined, "nothing before the backoff ends");
    }
    sim.advance(1);
    assert.equal(sim.current()?.kind, "pull");
    sim.finish(pulled("m1", ["b.md"], { needsPush: true }));
    assert.deepEqual(sim.current(), { kind: "push" });
    sim.finish(pushed("m1"));
    assert.deepEqual(sim.kinds(), ["status", "commit", "push", "status", "pull", "push"]);
    assert.equal(sim.state.name, "idle");
  });

  test("rejected pushes whose pulls bring nothing are retried a bounded number of times, then an error waits for the next trigger", () => {
    const sim = new EngineSimulator(testConfig({ retry: { maxRejectedPushes: 3 } }));
    commitOne(sim);
    sim.advance(2000);
    for (let i = 0; i < 2; i++) {
      sim.finish(rejected());
      sim.advance(BACKOFF_CAP_MS);
      sim.finish(pulled(`m${i}`, [], { needsPush: false }));
      assert.equal(sim.current()?.kind, "push");
    }
    sim.finish(rejected());
    assert.equal(sim.current(), undefined, "no fourth push");
    assert.equal(sim.timers.has("push-retry"), false, "no backoff after giving up");
    const withoutLooks = sim.kinds().filter((kind, i) => kind !== "status" || i === 0);
    assert.deepEqual(withoutLooks, ["status", "commit", "push", "pull", "push", "pull", "push"]);
    const error = sim.eventsOf("error")[0];
    assert.match(error?.message ?? "", /rejected 3 times/);
    sim.advance(600_000);
    assert.equal(sim.operations.length, 8, "no retry loop on its own");
    sim.send({ type: "syncRequested" });
    assert.equal(sim.current()?.kind, "status", "the next trigger tries again (commit first)");
  });

  test("rejections under contention (each pull brings others' commits) never raise an error and the push goes through", () => {
    const sim = new EngineSimulator(testConfig({ retry: { maxRejectedPushes: 3 } }));
    commitOne(sim);
    sim.advance(2000);
    for (let i = 0; i < 20; i++) {
      assert.equal(sim.current()?.kind, "push", `push attempt ${i + 1}`);
      sim.finish(rejected());
      assert.equal(sim.current(), undefined);
      sim.advance(BACKOFF_CAP_MS);
      assert.equal(sim.current()?.kind, "pull", `pull after rejection ${i + 1}`);
      sim.finish(pulled(`m${i}`, [`peer${i}.md`], { needsPush: true }));
    }
    sim.finish(pushed("m19"));
    assert.deepEqual(sim.eventsOf("error"), []);
    assert.deepEqual(sim.eventsOf("pushed"), [{ type: "pushed", repo: "notes", head: "m19" }]);
    assert.equal(sim.state.name, "idle");
    assert.equal(sim.state.unpushed, false);
    const delays = retryDelays(sim);
    assert.equal(delays.length, 20);
    delays.forEach((delay, i) => {
      const window = Math.min(BACKOFF_CAP_MS, 100 * 2 ** i);
      assert.ok(delay >= 0 && delay <= window, `backoff ${i + 1}: ${delay} ms > ${window} ms`);
    });
    assert.ok(new Set(delays).size > 1, "the backoff is random, not one fixed delay");
  });

  test("a pull that brings something resets the count: only rejections in a row with nothing new end in an error", () => {
    const sim = new EngineSimulator(testConfig({ retry: { maxRejectedPushes: 3 } }));
    commitOne(sim);
    sim.advance(2000);
    const answers = ["nothing", "new", "nothing", "new", "nothing", "nothing"];
    answers.forEach((answer, i) => {
      sim.finish(rejected());
      sim.advance(BACKOFF_CAP_MS);
      sim.finish(pulled(`m${i}`, answer === "new" ? [`peer${i}.md`] : [], { needsPush: true }));
    });
    assert.deepEqual(
      sim.eventsOf("error"),
      [],
      "never 3 rejections in a row without anything new yet",
    );
    sim.finish(rejected());
    assert.match(sim.eventsOf("error")[0]?.message ?? "", /rejected 3 times/);
    assert.equal(sim.current(), undefined);
  });

  test("the re-push backoff is the same for the same seed and differs for another", () => {
    const run = (seed: number): number[] => {
      const sim = new EngineSimulator(testConfig({ retry: { maxRejectedPushes: 3 } }), { seed });
      commitOne(sim);
      sim.advance(2000);
      for (let i = 0; i < 8; i++) {
        sim.finish(rejected());
        sim.advance(BACKOFF_CAP_MS);
        sim.finish(pulled(`m${i}`, [`peer${i}.md`], { needsPush: true }));
      }
      return retryDelays(sim);
    };
    assert.deepEqual(run(7), run(7));
    assert.notDeepEqual(run(7), run(8));
  });

  test("shutdown while the re-push backoff runs leaves no timer behind", () => {
    const sim = new EngineSimulator(testConfig({ retry: { maxRejectedPushes: 3 } }), { seed: 3 });
    commitOne(sim);
    sim.advance(2000);
    sim.finish(rejected());
    assert.ok(sim.timers.has("push-retry"));
    sim.send({ type: "shutdownRequested" });
    assert.equal(sim.timers.has("push-retry"), false);
    assert.equal(sim.stopped, true);
  });
});

describe("commits made by a pull", () => {
  test("the pull's pre-merge commit is published as committed and becomes the last commit", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "desk", head: "r1" });
    assert.equal(sim.current()?.kind, "pull");
    const entries = [modified("a.md"), added("new.md")];
    const result: OperationResult = {
      kind: "pull",
      outcome: "updated",
      head: "m1",
      changedPaths: ["b.md"],
      conflicts: [],
      needsPush: true,
      localCommit: { head: "c1", entries, message: "autosync laptop: local changes before pull" },
    };
    sim.finish(result);
    const commits = sim.eventsOf("committed");
    assert.deepEqual(commits, [
      {
        type: "committed",
        repo: "notes",
        head: "c1",
        message: "autosync laptop: local changes before pull",
        counts: countActions(entries),
        files: 2,
      },
    ]);
    const order = sim.events.map((event) => event.type);
    assert.ok(order.indexOf("committed") < order.indexOf("pulled"), "the commit came first");
    assert.deepEqual(sim.snapshot().lastCommit, { head: "c1", at: sim.now, files: 2 });
    assert.deepEqual(sim.current(), { kind: "push" }, "and it is pushed");
  });

  test("a pull that went offline after its pre-merge commit still reports that commit", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "desk", head: "r1" });
    assert.equal(sim.current()?.kind, "pull");
    const entries = [added("todo.md")];
    const message = "autosync laptop: local changes before pull";
    sim.finish({
      kind: "pull",
      outcome: "offline",
      reason: "connection refused",
      localCommit: { head: "c1", entries, message },
    });
    assert.deepEqual(sim.eventsOf("committed"), [
      {
        type: "committed",
        repo: "notes",
        head: "c1",
        message,
        counts: countActions(entries),
        files: 1,
      },
    ]);
    assert.deepEqual(sim.snapshot().lastCommit, { head: "c1", at: sim.now, files: 1 });
    assert.equal(sim.state.unpushed, true, "it goes up when the remote is back");
  });

  test("a commit that failed after committing part of its files reports that part, pushes it, and keeps the rest pending", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md", "b.md"] });
    sim.advance(sim.state.config.timers.commitDelayMs);
    sim.finish(statusOk([added("a.md"), added("b.md")]));
    assert.equal(sim.current()?.kind, "commit");
    const message = "autosync laptop: 2 files";
    sim.finish({
      kind: "commit",
      outcome: "failed",
      message: "brz commit failed",
      localCommit: { head: "c1", entries: [added("a.md")], message },
    });
    assert.deepEqual(sim.eventsOf("committed"), [
      {
        type: "committed",
        repo: "notes",
        head: "c1",
        message,
        counts: countActions([added("a.md")]),
        files: 1,
      },
    ]);
    assert.equal(sim.eventsOf("error").length, 1, "the failure is still an error");
    assert.deepEqual(sim.snapshot().lastCommit, { head: "c1", at: sim.now, files: 1 });
    sim.advance(sim.state.config.timers.pushDelayMs);
    assert.deepEqual(sim.current(), { kind: "push" }, "the part that was made goes out");
    sim.finish(pushed("c1"));
    assert.deepEqual(sim.state.pending.paths, ["a.md", "b.md"], "looked at again next time");
  });

  test("a pull without a pre-merge commit publishes no committed event", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "desk", head: "r1" });
    sim.finish(pulled("r1", ["b.md"]));
    assert.deepEqual(sim.eventsOf("committed"), []);
    assert.equal(sim.snapshot().lastCommit, undefined);
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
    assert.deepEqual(sim.kinds(), ["status", "commit", "status", "pull"]);
    sim.advance(2000);
    assert.deepEqual(sim.kinds(), ["status", "commit", "status", "pull", "push"]);
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
    // The first pull's look found the tree clean and nothing changed since: no second look.
    assert.deepEqual(sim.kinds(), ["status", "pull", "pull"]);
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
      treeClean: true,
    });
  });

  test("a pull waits for the running quiet period, then commits the pending changes before it pulls", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["draft.md"] });
    sim.advance(400);
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    assert.equal(sim.current(), undefined, "a burst is not cut in two by the pull");
    assert.equal(sim.state.name, "pending");
    sim.advance(600);
    assert.deepEqual(sim.current(), { kind: "status", paths: ["draft.md"] });
    sim.finish(statusOk([modified("draft.md")]));
    assert.equal(sim.current()?.kind, "commit");
    sim.finish(committed("c1", [modified("draft.md")]));
    assert.deepEqual(
      sim.operations.at(-2),
      { kind: "status" },
      "a whole-tree look before the pull",
    );
    assert.deepEqual(sim.kinds(), ["status", "commit", "status", "pull"]);
  });

  test("a pull waits for local activity to settle, but not for ever behind a file that keeps changing", () => {
    const sim = new EngineSimulator();
    sim.operationMs = 100;
    sim.responder = (request) => (request.kind === "status" ? statusOk([]) : undefined);
    sim.send({ type: "changesObserved", paths: ["app.log"] });
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    for (let t = 0; t < 30_000 && !sim.operationsOf("pull").length; t += 500) {
      sim.advance(500);
      sim.send({ type: "changesObserved", paths: ["app.log"] });
    }
    const pullAt = sim.operationTimes[sim.kinds().indexOf("pull")] ?? Infinity;
    // Patience: two commit cycles (maxCommitDelay 10 s) plus one quiet period (1 s).
    assert.ok(
      pullAt - T0 >= 20_000,
      `the pull waited while the file was written (${pullAt - T0} ms)`,
    );
    assert.ok(pullAt - T0 <= 21_500, `but not for ever (${pullAt - T0} ms)`);
    assert.ok(sim.operationsOf("status").length <= 6, "one look per commit cycle, no spinning");
  });

  test("local changes the watcher has not reported yet are found before a pull and pass the guard after their quiet period", () => {
    const sim = new EngineSimulator(testConfig({ scopedStatusMaxPaths: 500 }));
    sim.statusBeforePull = undefined;
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    assert.deepEqual(sim.current(), { kind: "status" });
    assert.equal(sim.state.name, "pulling");
    const gone = Array.from({ length: 60 }, (_, i) => deleted(`data/${i}.txt`));
    sim.finish(statusOk(gone, 200));
    assert.equal(sim.current(), undefined, "no commit of a look that may be half a burst");
    assert.equal(sim.snapshot().pendingCount, 60);
    sim.send({ type: "changesObserved", paths: gone.map((e) => e.path) });
    const more = Array.from({ length: 90 }, (_, i) => deleted(`data/${60 + i}.txt`));
    sim.send({ type: "changesObserved", paths: more.map((e) => e.path) });
    sim.advance(1000);
    assert.equal(sim.operationsOf("status")[1]?.paths?.length, 150, "the whole burst in one look");
    sim.finish(statusOk([...gone, ...more], 200));
    assert.equal(sim.state.name, "paused", "150 of 200: the guard sees the whole burst");
    assert.equal(sim.operationsOf("pull").length, 0);
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
    assert.deepEqual(sim.kinds(), ["status", "pull", "status"]);
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
    const notice = sim.effects.find((e) => e.type === "notify" && e.kind === "conflict");
    assert.ok(notice && notice.type === "notify");
    assert.match(notice.body, /^plan\.md \(yours kept as .*\)\. See `autosync conflicts`/);
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
    // The startup status found the tree clean and no change came: the pulls need no look.
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
