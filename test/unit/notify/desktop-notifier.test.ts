import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ResolvedNotify } from "../../../src/config/resolved-config.js";
import type { NoticeKind } from "../../../src/engine/pipeline.js";
import type { AutosyncEvent } from "../../../src/events/autosync-event.js";
import { EventBus } from "../../../src/events/event-bus.js";
import {
  DesktopNotifier,
  type DesktopNotice,
  desktopUnavailableReason,
} from "../../../src/notify/desktop-notifier.js";
import { FakeClock } from "../../../src/runtime/clock.js";
import { makeTempDir } from "../../support/temp-dir.js";

const allKinds: Record<NoticeKind, boolean> = {
  pushed: true,
  pulled: true,
  conflict: true,
  error: true,
  offline: true,
  online: true,
};

function config(overrides: Partial<ResolvedNotify["desktop"]> = {}): ResolvedNotify {
  return { desktop: { enabled: true, kinds: { ...allKinds }, coalesceMs: 10_000, ...overrides } };
}

describe("DesktopNotifier", () => {
  let binDir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir: binDir, cleanup } = await makeTempDir("autosync-notify-"));
    await writeFile(join(binDir, "notify-send"), "#!/bin/sh\nexit 0\n");
    await chmod(join(binDir, "notify-send"), 0o755);
  });
  after(() => cleanup());

  function make(notify = config(), env?: NodeJS.ProcessEnv, error?: Error) {
    const clock = new FakeClock();
    const bus = new EventBus(clock);
    const events: AutosyncEvent[] = [];
    bus.subscribe((event) => events.push(event));
    const sent: DesktopNotice[] = [];
    const notifier = new DesktopNotifier(notify, {
      bus,
      clock,
      platform: "linux",
      env: env ?? { PATH: binDir, DISPLAY: ":0" },
      send: (notice, callback) => {
        sent.push(notice);
        callback(error ?? null);
      },
    });
    return { notifier, clock, events, sent };
  }

  test("the first notice of a kind is shown at once with the exact node-notifier options", () => {
    const { notifier, sent } = make();
    notifier.notify("pushed", "autosync: pushed notes", "3 files");
    assert.deepEqual(sent, [
      { title: "autosync: pushed notes", message: "3 files", appName: "autosync", wait: false },
    ]);
  });

  test("a burst within the window becomes one more popup with a count and the latest body", () => {
    const { notifier, clock, sent } = make();
    notifier.notify("pushed", "autosync: pushed notes", "first");
    for (const body of ["second", "third", "fourth"]) {
      clock.advance(1000);
      notifier.notify("pushed", "autosync: pushed notes", body);
    }
    assert.equal(sent.length, 1);
    clock.advance(7000);
    assert.deepEqual(sent.at(-1), {
      title: "autosync: 3 pushes",
      message: "Latest: fourth",
      appName: "autosync",
      wait: false,
    });
    clock.advance(60_000);
    assert.equal(sent.length, 2, "a quiet window shows nothing");
    notifier.notify("pushed", "autosync: pushed notes", "later");
    assert.equal(sent.length, 3, "after a quiet window the next notice shows at once");
  });

  test("a single extra notice in the window is counted in the singular", () => {
    const { notifier, clock, sent } = make(config({ coalesceMs: 500 }));
    notifier.notify("pulled", "t", "a");
    notifier.notify("pulled", "t", "b");
    clock.advance(500);
    assert.equal(sent[1]?.title, "autosync: 1 pull with changes");
  });

  test("kinds are coalesced separately", () => {
    const { notifier, sent } = make();
    notifier.notify("pushed", "p", "p");
    notifier.notify("conflict", "c", "c");
    notifier.notify("pushed", "p2", "p2");
    assert.deepEqual(
      sent.map((n) => n.title),
      ["p", "c"],
    );
  });

  test("a kind switched off, or notices switched off entirely, show nothing", () => {
    const off = make(config({ kinds: { ...allKinds, pulled: false } }));
    off.notifier.notify("pulled", "t", "b");
    off.notifier.notify("error", "e", "b");
    assert.deepEqual(
      off.sent.map((n) => n.title),
      ["e"],
    );
    const disabled = make(config({ enabled: false }));
    disabled.notifier.notify("error", "e", "b");
    assert.equal(disabled.sent.length, 0);
  });

  test("without notify-send it logs once that notices are unavailable and carries on", () => {
    const { notifier, sent, events } = make(config(), { PATH: "/nonexistent", DISPLAY: ":0" });
    notifier.notify("pushed", "t", "b");
    notifier.notify("error", "t", "b");
    notifier.notify("conflict", "t", "b");
    assert.equal(sent.length, 0);
    const infos = events.filter((e) => e.type === "info");
    assert.equal(infos.length, 1);
    assert.match(infos[0]?.type === "info" ? infos[0].message : "", /unavailable: notify-send/);
  });

  test("without a graphical session the reason says so", () => {
    assert.match(desktopUnavailableReason({ PATH: binDir }, "linux") ?? "", /no graphical session/);
    assert.equal(
      desktopUnavailableReason({ PATH: binDir, WAYLAND_DISPLAY: "wayland-0" }, "linux"),
      undefined,
    );
    assert.equal(desktopUnavailableReason({}, "darwin"), undefined);
  });

  test("a failing notifier is logged once as a warning and never throws", () => {
    const { notifier, clock, events } = make(
      config({ coalesceMs: 10 }),
      undefined,
      new Error("dbus gone"),
    );
    notifier.notify("pushed", "t", "b");
    clock.advance(100);
    notifier.notify("pushed", "t", "b");
    const warnings = events.filter((e) => e.type === "warning");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.type === "warning" ? warnings[0].message : "", /dbus gone/);
  });

  test("stop cancels pending coalesced popups", () => {
    const { notifier, clock, sent } = make();
    notifier.notify("pushed", "t", "a");
    notifier.notify("pushed", "t", "b");
    notifier.stop();
    clock.advance(60_000);
    assert.equal(sent.length, 1);
    assert.equal(clock.pendingTimers, 0);
  });
});
