import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { EventBus } from "../../../src/events/event-bus.js";
import { FakeClock } from "../../../src/runtime/clock.js";
import { watcherErrorEvent } from "../../../src/runtime/daemon.js";
import { plainLine, startLogOutput } from "../../../src/runtime/log-output.js";
import { WatcherError } from "../../../src/runtime/watcher/watcher.js";

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

const clock = new FakeClock(Date.UTC(2026, 10, 25, 13, 45, 1, 250));

describe("log output", () => {
  test("a plain line is the UTC time to the second, the repository and what happened", () => {
    const bus = new EventBus(clock);
    const event = bus.publish({
      type: "committed",
      repo: "notes",
      head: "a1b2c3d4e5f6",
      message: "x",
      counts: { modified: 3 },
      files: 3,
    });
    assert.equal(plainLine(event), "2026-11-25T13:45:01Z notes committed 3 files (a1b2c3d)");
  });

  test("a newline inside a path cannot forge a second log line", () => {
    const bus = new EventBus(clock);
    const event = bus.publish({
      type: "changesDetected",
      repo: "notes",
      count: 1,
      sample: ["evil\n2026-01-01T00:00:00Z notes pushed deadbee"],
    });
    assert.equal(plainLine(event).split("\n").length, 1);
  });

  test("json writes every AutosyncEvent as is, one per line, all on stdout, earlier ones included", () => {
    const bus = new EventBus(clock);
    bus.publish({ type: "info", message: "before the logger" });
    const out = capture();
    const err = capture();
    const stop = startLogOutput(bus, { format: "json", stdout: out.stream, stderr: err.stream });
    bus.publish({ type: "error", repo: "notes", message: "boom", hint: "fix it" });
    bus.publish({
      type: "stateChanged",
      repo: "notes",
      from: "idle",
      to: "pending",
      durationMs: 5,
    });
    stop();
    bus.publish({ type: "info", message: "after stop" });
    const lines = out.text().trimEnd().split("\n");
    assert.equal(lines.length, 3);
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(events[1], {
      type: "error",
      repo: "notes",
      message: "boom",
      hint: "fix it",
      seq: 2,
      time: clock.now(),
    });
    assert.equal(events[2]?.type, "stateChanged");
    assert.equal(err.text(), "");
  });

  test("plain sends warnings and errors to stderr and the rest to stdout", () => {
    const bus = new EventBus(clock);
    const out = capture();
    const err = capture();
    startLogOutput(bus, { format: "plain", stdout: out.stream, stderr: err.stream });
    bus.publish({ type: "pushed", repo: "notes", head: "0123456789" });
    bus.publish({ type: "warning", repo: "notes", message: "careful" });
    bus.publish({ type: "error", message: "broken", hint: "do this" });
    assert.equal(out.text(), "2026-11-25T13:45:01Z notes pushed 0123456\n");
    assert.equal(
      err.text(),
      "2026-11-25T13:45:01Z notes warning: careful\n2026-11-25T13:45:01Z error: broken — do this\n",
    );
  });
});

describe("watcher problems as events", () => {
  const repository = {
    name: "notes",
    path: "/home/u/notes",
    watcher: { backend: "native" as const, rescanIntervalMs: 300_000 },
  };

  test("the watch limit is an error that gives the sysctl fix and how to persist it", () => {
    const event = watcherErrorEvent(
      new WatcherError("watch-limit", "No space left on device", true, repository.path),
      repository,
    );
    assert.equal(event.type, "error");
    if (event.type !== "error") return;
    assert.match(event.message, /inotify watch limit/);
    assert.match(event.message, /rescanning it every 300 s/);
    assert.match(event.hint ?? "", /sudo sysctl fs\.inotify\.max_user_watches=524288/);
    assert.match(event.hint ?? "", /\/etc\/sysctl\.d\//);
  });

  test("lost events are a warning; a watcher that could not start at all is an error", () => {
    const lost = watcherErrorEvent(
      new WatcherError("overflow", "queue overflow", false, "/r"),
      repository,
    );
    assert.equal(lost.type, "warning");
    const failed = watcherErrorEvent(new WatcherError("failed", "ENOENT", true, "/r"), repository);
    assert.equal(failed.type, "error");
  });
});
