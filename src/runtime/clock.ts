/**
 * The only place the real time enters autosync. The engine never reads time itself: the
 * runtime passes `now` into every step and turns `startTimer` effects into timers here,
 * so tests swap in `FakeClock` and drive quiet periods in milliseconds.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = (() => {
  /** How to cancel each live timer: its Node timeout, or the immediate it handed over to. */
  const live = new Map<number, () => void>();
  let next = 1;
  return {
    now: () => Date.now(),
    setTimeout(callback, delayMs) {
      const id = next++;
      // Node counts a timer from the event loop's cached time, which lags Date.now() after
      // synchronous work in the same tick, so a timer can fire a few ms before now() reaches
      // its due time. The engine ignores a timer that comes before its due time (it cannot tell
      // it from a stale duplicate): an early timer was a quiet period that never ended. Re-arm
      // for the rest instead.
      const dueAt = Date.now() + Math.max(0, delayMs);
      const arm = (ms: number): void => {
        const timer = setTimeout(() => {
          const left = dueAt - Date.now();
          if (left > 0) return arm(left);
          // Timers run before the poll phase: after the loop was busy, a quiet period could
          // "end" while the watcher's events that restart it still wait in the poll queue (a
          // 2,000-file burst split into 4 commits on a loaded CI box). setImmediate runs after
          // the poll phase, so those events reach the engine first.
          const immediate = setImmediate(() => {
            live.delete(id);
            callback();
          });
          live.set(id, () => clearImmediate(immediate));
        }, ms);
        live.set(id, () => clearTimeout(timer));
      };
      arm(Math.max(0, delayMs));
      return { id };
    },
    clearTimeout(handle) {
      live.get(handle.id)?.();
      live.delete(handle.id);
    },
  };
})();

/** A clock that only moves when told to; timers fire in due order during `advance`. */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly pending = new Map<number, { due: number; callback: () => void }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.pending.set(id, { due: this.current + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle.id);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let earliest: [number, { due: number; callback: () => void }] | undefined;
      for (const entry of this.pending) {
        if (entry[1].due <= target && (!earliest || entry[1].due < earliest[1].due)) {
          earliest = entry;
        }
      }
      if (!earliest) break;
      this.pending.delete(earliest[0]);
      this.current = earliest[1].due;
      earliest[1].callback();
    }
    this.current = target;
  }

  get pendingTimers(): number {
    return this.pending.size;
  }
}
