import type { EngineState } from "./engine-state.js";
import { SAMPLE_SIZE, pendingCount } from "./pending-changes.js";
import type { RepoSnapshot } from "./repo-snapshot.js";

function earliest(times: (number | undefined)[]): number | undefined {
  const defined = times.filter((time): time is number => time !== undefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}

/** Due time of the next quiet period that ends in an action of this type. */
function nextActionAt(s: EngineState, type: "commit" | "push" | "pull"): number | undefined {
  return earliest(
    s.config.pipeline.map((rule, index) =>
      rule.actions.some((action) => action.type === type) ? s.quiet[index]?.dueAt : undefined,
    ),
  );
}

/** What the UI, `autosync status` and the control socket print for one repository. */
export function toSnapshot(s: EngineState, path: string): RepoSnapshot {
  const problem = s.paused
    ? { message: s.paused.message, ...(s.paused.hint ? { hint: s.paused.hint } : {}) }
    : s.unhealthy
      ? { message: `${s.unhealthy.problem}: ${s.unhealthy.detail}` }
      : s.lastFailure
        ? {
            message: s.lastFailure.message,
            ...(s.lastFailure.hint ? { hint: s.lastFailure.hint } : {}),
          }
        : s.pullBackoff
          ? { message: s.pullBackoff.message }
          : s.offline
            ? { message: `remote unreachable: ${s.offline.reason}` }
            : undefined;
  const nextCommitAt = nextActionAt(s, "commit");
  const nextPushAt = nextActionAt(s, "push");
  const nextPullAt = earliest([nextActionAt(s, "pull"), s.intervalAt]);
  const retryAt =
    s.offline && !s.paused
      ? s.offline.retryAt
      : (s.unhealthy?.recheckAt ?? (s.paused ? undefined : s.pullBackoff?.retryAt));
  return {
    repo: s.config.repo,
    path,
    state: s.name,
    stateSince: s.since,
    ...(s.inFlight ? { running: s.inFlight.op } : {}),
    pendingCount: pendingCount(s.pending),
    pendingSample: s.pending.paths.slice(0, SAMPLE_SIZE),
    ...(nextCommitAt !== undefined ? { nextCommitAt } : {}),
    ...(nextPushAt !== undefined ? { nextPushAt } : {}),
    ...(nextPullAt !== undefined ? { nextPullAt } : {}),
    ...(s.lastCommit ? { lastCommit: s.lastCommit } : {}),
    ...(s.lastPush ? { lastPush: s.lastPush } : {}),
    ...(s.lastPull ? { lastPull: s.lastPull } : {}),
    ...(s.lastConflict ? { lastConflict: s.lastConflict } : {}),
    ...(problem ? { problem } : {}),
    ...(s.paused ? { pausedBy: s.paused.reason } : {}),
    ...(retryAt !== undefined ? { retryAt } : {}),
    ...(s.commitPrompt ? { commitPrompt: s.commitPrompt } : {}),
    ...(s.mailboxWait ? { mailboxWait: { ...s.mailboxWait } } : {}),
  };
}
