import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { systemClock } from "../../../src/runtime/clock.js";

/**
 * The engine ignores a timer that arrives before its due time by `now()` (it cannot tell it from
 * a stale duplicate), so a timer that fires early is a quiet period that never ends. Node counts
 * timers from the event loop's cached time, which lags Date.now() after synchronous work in an
 * I/O callback: exactly where the runner steps the engine after a git command.
 */
test("a system clock timer never fires before now() + delay, even when set late in a busy tick", async () => {
  const delayMs = 200;
  const lateBy = await Promise.all(
    Array.from(
      { length: 12 },
      () =>
        new Promise<number>((resolve, reject) => {
          execFile("true", [], (error) => {
            if (error) return reject(error);
            // Synchronous work in the callback, like parsing a large status.
            const spinUntil = Date.now() + 20;
            while (Date.now() < spinUntil);
            const dueAt = systemClock.now() + delayMs;
            systemClock.setTimeout(() => resolve(systemClock.now() - dueAt), delayMs);
          });
        }),
    ),
  );
  assert.ok(
    lateBy.every((ms) => ms >= 0),
    `timers fired before their due time by ${lateBy.map((ms) => -ms).join(", ")} ms`,
  );
});

test("a cleared system clock timer does not fire", async () => {
  let fired = false;
  const handle = systemClock.setTimeout(() => {
    fired = true;
  }, 20);
  systemClock.clearTimeout(handle);
  await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 60));
  assert.equal(fired, false);
});
