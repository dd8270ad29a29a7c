import { engineMessages } from "../messages/engine-messages.js";
import type { StepContext } from "./step-context.js";
import { publish } from "./step-context.js";

/** Enough to never repeat a warning in practice, bounded for a daemon that runs for months. */
const REMEMBERED = 1_000;

/**
 * A file the DVCS cannot record (hg and brz refuse a name with a newline) is never committed
 * and would otherwise stay unsynced in silence: the user is told once per name and run.
 */
export function warnUnstorable(ctx: StepContext, paths: readonly string[] | undefined): void {
  if (!paths || paths.length === 0) return;
  const { s } = ctx;
  const warned = [...(s.warnedUnstorable ?? [])];
  for (const path of paths) {
    if (warned.includes(path)) continue;
    warned.push(path);
    publish(ctx, {
      type: "warning",
      repo: s.config.repo,
      message: engineMessages.unstorableName(path),
      hint: engineMessages.unstorableNameHint(),
    });
  }
  s.warnedUnstorable = warned.slice(-REMEMBERED);
}
