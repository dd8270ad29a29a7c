import type { ChannelFailure } from "../channels/channel.js";

/** `problem` makes `autosync doctor` exit 1; `warning` is worth knowing but syncing works. */
export type CheckStatus = "ok" | "warning" | "problem";

/** The names `autosync doctor` prints and `--json` reports (docs/doctor.md lists each). */
export type CheckName =
  | "config"
  | "dvcs"
  | "working-copy"
  | "upstream"
  | "identity"
  | "remote"
  | "push"
  | "disk-space"
  | "watch-limit"
  | "mqtt"
  | "xmpp"
  | "desktop"
  | "pidfile"
  | "socket"
  | "instance";

/** One line of the doctor's report. */
export interface CheckResult {
  /** A repository's name, `mqtt` / `xmpp` for a channel, `machine` for this machine. */
  subject: string;
  check: CheckName;
  status: CheckStatus;
  message: string;
  /** What to do about a warning or problem, as one line. */
  fix?: string;
  /** For a channel that could not connect: the step that failed. */
  failure?: ChannelFailure;
}

export function ok(subject: string, check: CheckName, message: string): CheckResult {
  return { subject, check, status: "ok", message };
}

type Found = { message: string; fix: string };

function flagged(status: "warning" | "problem") {
  return (subject: string, check: CheckName, found: Found): CheckResult => ({
    subject,
    check,
    status,
    ...found,
  });
}

export const warning = flagged("warning");
export const problem = flagged("problem");
