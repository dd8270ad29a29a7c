import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  EngineSimulator,
  added,
  committed,
  deleted,
  healthyRepo,
  modified,
  pulled,
  statusOk,
  testConfig,
} from "../../support/engine-simulator.js";
import type { StatusEntry } from "../../../src/engine/status-entry.js";
import type { OperationResult } from "../../../src/engine/operation.js";
import { checkDeletions } from "../../../src/engine/deletion-guard.js";

const deletions = (count: number, dir = "docs"): StatusEntry[] =>
  Array.from({ length: count }, (_, i) => deleted(`${dir}/file-${i}.txt`));

const MB = 1024 * 1024;

describe("deletion guard", () => {
  test("mass deletion pauses the repository with an error naming the counts and the resume command", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["docs"] });
    sim.advance(1000);
    sim.finish(statusOk(deletions(412), 600));
    assert.equal(sim.current(), undefined, "no commit");
    assert.equal(sim.state.name, "paused");
    const error = sim.eventsOf("error")[0];
    assert.match(error?.message ?? "", /412 of 600 tracked files would be deleted/);
    assert.match(error?.hint ?? "", /autosync resume --allow-deletions notes/);
    assert.ok(sim.effects.some((e) => e.type === "notify" && e.kind === "error"));
    assert.deepEqual(sim.snapshot().problem, { message: error?.message, hint: error?.hint });
    assert.equal(sim.snapshot().pausedBy, "deletions");

    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    sim.send({ type: "changesObserved", paths: ["docs/new.txt"] });
    sim.send({ type: "syncRequested" });
    sim.advance(3_600_000);
    assert.deepEqual(sim.kinds(), ["status"], "no pull into it, no commit, while paused");
  });

  test("deletions below the share or below minFiles are committed", () => {
    const guard = { maxShare: 0.5, minFiles: 100 };
    assert.deepEqual(checkDeletions(deletions(300), 600, guard), { ok: true }, "exactly half");
    assert.deepEqual(checkDeletions(deletions(99), 120, guard), { ok: true }, "under minFiles");
    assert.equal(checkDeletions(deletions(301), 600, guard).ok, false);
    assert.equal(
      checkDeletions(deletions(150), undefined, guard).ok,
      false,
      "no count: be careful",
    );
  });

  test("a moved directory is not a mass deletion", () => {
    const entries = [
      ...deletions(200, "photos"),
      ...Array.from({ length: 200 }, (_, i) => added(`archive/photos/file-${i}.txt`)),
    ];
    assert.deepEqual(checkDeletions(entries, 300, { maxShare: 0.5, minFiles: 100 }), { ok: true });
  });

  test("deleting every tracked file trips the guard below 100 files", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a", "b", "c"] });
    sim.advance(1000);
    sim.finish(statusOk(deletions(3), 3));
    assert.equal(sim.state.name, "paused");
    assert.match(sim.eventsOf("error")[0]?.message ?? "", /all 3 tracked files would be deleted/);
    assert.equal(checkDeletions(deletions(1), 1, { maxShare: 0.5, minFiles: 100 }).ok, true);
  });

  test("resume with allowDeletions commits the deletions once", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["docs"] });
    sim.advance(1000);
    sim.finish(statusOk(deletions(412), 600));
    sim.send({ type: "resumeRequested", allowDeletions: true });
    assert.deepEqual(sim.current(), { kind: "status" }, "a whole-tree look at what is there now");
    sim.finish(statusOk(deletions(412), 600));
    assert.equal(sim.current()?.kind, "commit");
    sim.finish(committed("c1", deletions(412)));
    assert.equal(sim.current()?.kind, "pull");
    sim.finish(pulled("c1"));
    assert.equal(sim.current()?.kind, "push");

    sim.finish({ kind: "push", outcome: "pushed", head: "c1" });
    sim.send({ type: "changesObserved", paths: ["more"] });
    sim.advance(1000);
    sim.finish(statusOk(deletions(150, "more"), 188));
    assert.equal(sim.state.name, "paused", "the permission was for one commit only");
  });

  test("resume without allowDeletions looks again and pauses again", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["docs"] });
    sim.advance(1000);
    sim.finish(statusOk(deletions(412), 600));
    sim.send({ type: "resumeRequested", allowDeletions: false });
    sim.finish(statusOk(deletions(412), 600));
    assert.equal(sim.state.name, "paused");
    assert.equal(sim.operationsOf("commit").length, 0);
  });

  test("resume after the drive came back finds nothing to delete and syncs on", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["docs"] });
    sim.advance(1000);
    sim.finish(statusOk(deletions(412), 600));
    sim.responder = healthyRepo(() => []);
    sim.send({ type: "resumeRequested", allowDeletions: false });
    // The resume's whole-tree status found the tree clean: the pull needs no second look.
    assert.deepEqual(sim.kinds(), ["status", "status", "pull", "push"]);
    assert.equal(sim.state.name, "idle");
  });
});

describe("unhealthy root", () => {
  test("a missing root means no commit and no pull, one error, and a recheck until it is back", () => {
    const sim = new EngineSimulator(testConfig({ timers: { pullIntervalMs: 30_000 } }));
    sim.send({ type: "started" });
    sim.finish({
      kind: "status",
      outcome: "unhealthy",
      problem: "missing",
      detail: "/media/usb/notes",
    });
    assert.equal(sim.state.name, "error");
    const error = sim.eventsOf("error")[0];
    assert.match(error?.message ?? "", /root is missing/);
    assert.match(
      error?.message ?? "",
      /will not commit or pull: a missing root looks like every file was deleted/,
    );
    assert.match(error?.hint ?? "", /looks again every 30 s/);

    sim.responder = () => ({
      kind: "status",
      outcome: "unhealthy",
      problem: "missing",
      detail: "/media/usb/notes",
    });
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    sim.advance(120_000);
    assert.ok(
      sim.kinds().every((k) => k === "status"),
      "only health probes, never commit or pull",
    );
    assert.equal(sim.eventsOf("error").length, 1, "reported once, not on every recheck");
    assert.ok(sim.operationsOf("status").length >= 5);

    sim.responder = healthyRepo(() => [added("back.md")]);
    sim.advance(30_000);
    assert.equal(sim.state.name, "idle");
    assert.match(sim.eventsOf("info").at(-1)?.message ?? "", /back/);
    const kinds = sim.kinds();
    const recovered = kinds.indexOf("commit") - 1;
    // The recovery's whole-tree status and commit left the tree clean: no second look.
    assert.deepEqual(kinds.slice(recovered, recovered + 4), ["status", "commit", "pull", "push"]);
  });

  test("an unhealthy result during a push stops the queue", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "started" });
    sim.finish(statusOk([]));
    sim.finish({
      kind: "pull",
      outcome: "unhealthy",
      problem: "marker-missing",
      detail: ".git is gone",
    });
    assert.equal(sim.current(), undefined, "the startup push does not run");
    assert.match(sim.eventsOf("error")[0]?.message ?? "", /metadata directory is missing/);
  });
});

describe("large files", () => {
  test("a large file is warned about once and skipped", () => {
    const sim = new EngineSimulator(
      testConfig({ largeFiles: { maxBytes: 50 * MB, action: "skip" } }),
    );
    const video = added("video.mp4", 700 * MB);
    sim.responder = healthyRepo(() => [video, modified("notes.md")]);
    sim.send({ type: "changesObserved", paths: ["video.mp4", "notes.md"] });
    sim.advance(1000);
    assert.deepEqual(sim.operationsOf("commit")[0]?.entries, [modified("notes.md")]);
    const warning = sim.eventsOf("warning")[0];
    assert.match(
      warning?.message ?? "",
      /video\.mp4 is 700\.0 MB \(limit 50\.0 MB\): not committed/,
    );

    sim.responder = healthyRepo(() => [video]);
    sim.send({ type: "changesObserved", paths: ["video.mp4"] });
    sim.advance(1000);
    assert.equal(sim.eventsOf("warning").length, 1, "same path and size: no second warning");
    assert.equal(sim.operationsOf("commit").length, 1, "nothing else to commit");

    sim.responder = healthyRepo(() => [added("video.mp4", 800 * MB)]);
    sim.send({ type: "changesObserved", paths: ["video.mp4"] });
    sim.advance(1000);
    assert.equal(sim.eventsOf("warning").length, 2, "a new size warns again");
  });

  test("a skipped large file is kept out of the pull's pre-merge commit until it is small again", () => {
    const sim = new EngineSimulator(
      testConfig({ largeFiles: { maxBytes: 50 * MB, action: "skip" } }),
    );
    sim.responder = healthyRepo(() => [added("video.mp4", 700 * MB)]);
    sim.send({ type: "changesObserved", paths: ["video.mp4"] });
    sim.advance(1000);
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    assert.deepEqual(sim.operationsOf("pull")[0]?.skipPaths, ["video.mp4"]);

    sim.responder = healthyRepo(() => [modified("video.mp4", 1 * MB)]);
    sim.send({ type: "changesObserved", paths: ["video.mp4"] });
    sim.advance(1000);
    assert.deepEqual(sim.operationsOf("commit")[0]?.entries, [modified("video.mp4", 1 * MB)]);
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "pc" });
    assert.equal(sim.operationsOf("pull")[1]?.skipPaths, undefined);
  });

  test("a large file is committed with a warning when configured", () => {
    const sim = new EngineSimulator(
      testConfig({ largeFiles: { maxBytes: 50 * MB, action: "commit" } }),
    );
    sim.responder = healthyRepo(() => [added("disk.img", 60 * MB)]);
    sim.send({ type: "changesObserved", paths: ["disk.img"] });
    sim.advance(1000);
    assert.deepEqual(sim.operationsOf("commit")[0]?.entries, [added("disk.img", 60 * MB)]);
    assert.match(sim.eventsOf("warning")[0]?.message ?? "", /committed anyway/);
  });
});

describe("names the DVCS cannot store", () => {
  test("a name with a line break is reported once as a warning with a fix, and not committed", () => {
    const sim = new EngineSimulator();
    const name = "new\nline.txt";
    sim.send({ type: "changesObserved", paths: [name, "ok.md"] });
    sim.advance(1000);
    sim.finish({ ...statusOk([added("ok.md")]), unstorable: [name] } as OperationResult);
    const warnings = sim.eventsOf("warning");
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0]?.message ?? "", /"new\\nline\.txt" cannot be committed/);
    assert.match(warnings[0]?.hint ?? "", /rename/);
    const commit = sim.current();
    assert.ok(commit?.kind === "commit", JSON.stringify(commit));
    assert.deepEqual(
      commit.entries.map((entry) => entry.path),
      ["ok.md"],
    );
    sim.finish(committed("c1", [added("ok.md")]));

    sim.send({ type: "changesObserved", paths: [name] });
    sim.advance(1000);
    sim.finish({ ...statusOk([]), unstorable: [name] } as OperationResult);
    assert.equal(sim.eventsOf("warning").length, 1, "the same name is not warned about again");
  });
});
