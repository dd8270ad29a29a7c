/**
 * The pipeline a recipe declares (and a config may override): triggers, a quiet period that
 * restarts on each trigger with a maximum wait, and actions. `commit`, `push` and `pull` are
 * built-in actions with their safety rules (rejected push pulls first, offline backs off).
 */
export type Trigger =
  | "change"
  | "committed"
  | "pushed"
  | "pulled"
  | "conflict"
  | "announcement"
  | "interval"
  | "startup"
  | "manual";

export type NoticeKind = "pushed" | "pulled" | "conflict" | "error" | "offline" | "online";

export type PipelineAction =
  | { type: "commit" }
  | { type: "push" }
  | { type: "pull" }
  | { type: "announce" }
  | { type: "notify"; kind: NoticeKind }
  /** A user command (argv, run in the repository root), e.g. a hook after a pull. */
  | { type: "run"; argv: readonly string[] };

export interface PipelineRule {
  on: readonly Trigger[];
  /** Quiet period after the last trigger; restarts on each trigger. Absent: act at once. */
  quietMs?: number;
  /** Act at the latest this long after the first trigger of a quiet period. */
  maxWaitMs?: number;
  actions: readonly PipelineAction[];
}
