export const REPO_STATES = [
  "idle",
  "pending",
  "committing",
  "pushing",
  "pulling",
  "offline",
  "conflict",
  "paused",
  "error",
] as const;

export type RepoStateName = (typeof REPO_STATES)[number];
