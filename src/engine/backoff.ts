import type { EngineConfig } from "./engine-config.js";

/**
 * mulberry32: a tiny seeded PRNG whose whole state is one 32-bit number, so the engine state
 * stays plain data and a test with the same seed sees the same jitter.
 */
export function nextRandom(rng: number): { value: number; rng: number } {
  const next = (rng + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const value = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  return { value, rng: next };
}

/** The first re-push after a rejection waits up to this long, doubling per rejection in a row. */
export const CONTENTION_FIRST_MS = 100;
export const CONTENTION_MAX_MS = 500;

/**
 * Delay before the pull and re-push after rejected push number `rejections` in a row (1 for the
 * first): uniform in 0..window, the window doubling from CONTENTION_FIRST_MS up to
 * CONTENTION_MAX_MS, so machines that lost the same race do not retry in lockstep.
 */
export function contentionDelay(rejections: number, random: number): number {
  const doublings = Math.min(Math.max(0, rejections - 1), 10);
  const window = Math.min(CONTENTION_MAX_MS, CONTENTION_FIRST_MS * 2 ** doublings);
  return Math.round(window * random);
}

/**
 * Delay before retry number `attempt` (0 for the first): doubling from `initialBackoffMs`, capped
 * at `maxBackoffMs`, plus up to `jitter` × that delay so machines that lost the same remote at
 * the same moment do not all come back in the same millisecond.
 */
export function backoffDelay(
  attempt: number,
  retry: EngineConfig["retry"],
  random: number,
): number {
  const initial = Math.max(1, retry.initialBackoffMs);
  const cap = Math.max(initial, retry.maxBackoffMs);
  // 2 ** 40 already exceeds any sane cap; avoids Infinity for long outages.
  const base = Math.min(cap, initial * 2 ** Math.min(attempt, 40));
  const jitter = Math.min(1, Math.max(0, retry.jitter));
  return Math.round(base + base * jitter * random);
}
