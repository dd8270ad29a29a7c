import type { EngineState, PendingChanges } from "./engine-state.js";
import type { StepContext } from "./step-context.js";

/**
 * How long after a pull the watcher's reports of the files that pull wrote count as its echo.
 * The watcher batches for 25 ms and a loaded machine delivers later still; a user's own edit of
 * such a file within this window is no risk (see `isEchoOnly`), so the window is generous.
 */
export const PULL_ECHO_WINDOW_MS = 2000;

/**
 * A pull that merged wrote files, and the watcher reports them like edits. Those reports start a
 * "commit after changes" quiet period like any other, and a pull queued meanwhile (the next
 * announcement) used to wait for that period to end: a full commitDelay per pull for writes the
 * engine made itself, which in a fleet of four machines was most of the time between the last
 * edit and convergence. The pull remembers what it wrote; reports of only those paths are marked
 * as its echo (`PendingChanges.echo`). Paths reported while the pull ran (the watcher is faster
 * than the pull's own last commands) were reported into an empty `pending` — a pull starts
 * only once nothing is pending — so they are its echo when it wrote them all.
 */
export function rememberPullWrites(ctx: StepContext, changedPaths: readonly string[]): void {
  const { s } = ctx;
  if (changedPaths.length === 0 || changedPaths.length > s.config.scopedStatusMaxPaths) {
    // Too many to list: pending would be a whole-tree one anyway, never an echo.
    delete s.pullWrites;
    return;
  }
  s.pullWrites = { paths: changedPaths, until: ctx.now + PULL_ECHO_WINDOW_MS };
  if (isListedOnly(s.pending) && s.pending.paths.length > 0 && wroteAll(s, s.pending.paths)) {
    s.pending = { ...s.pending, echo: true };
  }
}

/** `pending` after the watcher reported `paths`, `added` being `addPending`'s result. */
export function withEcho(
  ctx: StepContext,
  before: PendingChanges,
  added: PendingChanges,
  paths: readonly string[],
): PendingChanges {
  const { s } = ctx;
  const echo =
    (before.echo === true || !hasAnything(before)) &&
    s.pullWrites !== undefined &&
    ctx.now <= s.pullWrites.until &&
    wroteAll(s, paths);
  // addPending builds a new value without `echo`: any other report ends the echo.
  return echo && isListedOnly(added) ? { ...added, echo: true } : added;
}

/**
 * Everything pending is a pull's echo, so a pull need not wait for the quiet period: there is no
 * burst of the user's to keep whole. The pull still looks first, through a status scoped to these
 * paths, so status stays the truth: if one of them differs from what was pulled, the user edited
 * it right after the pull, and that edit gets its quiet period (the pull waits behind it) rather
 * than being committed halfway through an editor's save.
 */
export function isEchoOnly(pending: PendingChanges): boolean {
  return pending.echo === true && isListedOnly(pending) && pending.paths.length > 0;
}

function isListedOnly(pending: PendingChanges): boolean {
  return !pending.wholeTree && pending.unlisted === 0;
}

function hasAnything(pending: PendingChanges): boolean {
  return pending.paths.length > 0 || pending.unlisted > 0 || pending.wholeTree;
}

/**
 * Every path is one the pull wrote, or a folder it wrote into: the watcher reports a new folder
 * again once it settles (runtime/watcher/new-directories.ts).
 */
function wroteAll(s: EngineState, paths: readonly string[]): boolean {
  const written = s.pullWrites?.paths ?? [];
  const wrote = new Set(written);
  return paths.every(
    (path) => wrote.has(path) || written.some((file) => file.startsWith(`${path}/`)),
  );
}
