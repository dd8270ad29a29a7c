import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../src/runtime/clock.js";
import { createBatcher } from "../../../src/runtime/watcher/watcher.js";

/** A batcher on a fake clock; the delivery chain is a promise, so let it run after each step. */
function batcher() {
  const clock = new FakeClock();
  const batches: string[][] = [];
  const batch = createBatcher(
    {
      root: "/w",
      backend: "native",
      skipDirs: [],
      isIgnored: (path) => path.endsWith(".swp"),
      onChanges: (paths) => batches.push(paths),
      onRescanNeeded: () => {},
      onError: () => {},
      rescanIntervalMs: 60_000,
      clock,
    },
    25,
  );
  const settle = async (ms: number) => {
    clock.advance(ms);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { clock, batches, batch, settle };
}

test("a single save after a quiet moment is delivered at once, not after a window", async () => {
  const { batches, batch, settle } = batcher();
  batch.add(["/w/notes.md", "/w/.notes.md.swp"]);
  batch.add(["/w/notes.md"]);
  await settle(0);
  assert.deepEqual(batches, [["notes.md"]], "the events of one tick are one batch");
});

test("events right after a delivery wait for the window: a burst arrives in few batches", async () => {
  const { batches, batch, settle } = batcher();
  batch.add(["/w/f0"]);
  await settle(0);
  for (let i = 1; i <= 100; i++) {
    batch.add([`/w/f${i}`]);
    await settle(1);
  }
  await settle(25);
  assert.equal(batches.flat().length, 101, "every file is delivered once");
  assert.ok(batches.length <= 6, `${batches.length} batches for 100 ms of events`);
  // A quiet window later, the next event goes at once again.
  const before = batches.length;
  await settle(25);
  batch.add(["/w/later"]);
  await settle(0);
  assert.deepEqual(batches.slice(before), [["later"]]);
});
