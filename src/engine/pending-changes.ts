import type { PendingChanges } from "./engine-state.js";

export const NO_PENDING: PendingChanges = { paths: [], unlisted: 0, wholeTree: false };

/** Paths shown in snapshots and events: enough to recognise a burst, cheap to print. */
export const SAMPLE_SIZE = 5;

export function hasPending(pending: PendingChanges): boolean {
  return pending.paths.length > 0 || pending.unlisted > 0 || pending.wholeTree;
}

export function pendingCount(pending: PendingChanges): number {
  return pending.paths.length + pending.unlisted;
}

/**
 * Adds observed paths, keeping at most `cap` distinct ones: past the cap the status covers the
 * whole tree, so listing more would only cost memory and copying in every step.
 */
export function addPending(
  pending: PendingChanges,
  paths: readonly string[],
  cap: number,
): PendingChanges {
  const limit = Math.max(cap, SAMPLE_SIZE);
  if (pending.paths.length >= limit) {
    // Full: the status covers the whole tree, so only the count moves (no copy, no dedupe).
    return { paths: pending.paths, unlisted: pending.unlisted + paths.length, wholeTree: true };
  }
  const seen = new Set(pending.paths);
  const listed = [...pending.paths];
  let unlisted = pending.unlisted;
  let wholeTree = pending.wholeTree;
  for (const path of paths) {
    if (seen.has(path)) continue;
    if (listed.length < limit) {
      seen.add(path);
      listed.push(path);
    } else {
      unlisted += 1;
      wholeTree = true;
    }
  }
  return { paths: listed, unlisted, wholeTree };
}

/** Puts paths a status took back, when the commit they were for did not happen. */
export function mergePending(
  pending: PendingChanges,
  returned: PendingChanges,
  cap: number,
): PendingChanges {
  const merged = addPending(pending, returned.paths, cap);
  return {
    paths: merged.paths,
    unlisted: merged.unlisted + returned.unlisted,
    wholeTree: merged.wholeTree || returned.wholeTree,
  };
}
