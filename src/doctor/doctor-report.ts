import { doctorMessages as messages } from "../messages/doctor-messages.js";
import type { CheckResult, CheckStatus } from "./check-result.js";

/** `autosync doctor --json`; docs/doctor.md documents it. */
export interface DoctorReport {
  /** True when no check found a problem (warnings allowed): exit code 0. */
  ok: boolean;
  config: string | null;
  counts: Record<CheckStatus, number>;
  checks: {
    subject: string;
    check: string;
    status: CheckStatus;
    message: string;
    fix: string | null;
    failure: string | null;
  }[];
}

export function countStatuses(results: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts = { ok: 0, warning: 0, problem: 0 };
  for (const result of results) counts[result.status]++;
  return counts;
}

export function doctorReport(
  results: readonly CheckResult[],
  config: string | undefined,
): DoctorReport {
  const counts = countStatuses(results);
  return {
    ok: counts.problem === 0,
    config: config ?? null,
    counts,
    checks: results.map((result) => ({
      subject: result.subject,
      check: result.check,
      status: result.status,
      message: result.message,
      fix: result.fix ?? null,
      failure: result.failure ?? null,
    })),
  };
}

/**
 * One line per check: status, subject and check, what was found, and for a warning or a problem
 * the fix after ` → `; a summary line last. Columns line up for a terminal; grep still works.
 */
export function formatDoctorText(
  results: readonly CheckResult[],
  config: string | undefined,
): string {
  const subjectWidth = Math.max(0, ...results.map((result) => result.subject.length));
  const checkWidth = Math.max(0, ...results.map((result) => result.check.length));
  const lines = results.map((result) => {
    const fix = result.fix !== undefined && result.status !== "ok" ? ` → ${result.fix}` : "";
    return (
      `${result.status.padEnd(7)}  ${result.subject.padEnd(subjectWidth)}  ` +
      `${result.check.padEnd(checkWidth)}  ${result.message}${fix}`
    );
  });
  const header = config === undefined ? [] : [messages.header(config)];
  return [...header, ...lines, messages.summary(countStatuses(results)), ""].join("\n");
}
