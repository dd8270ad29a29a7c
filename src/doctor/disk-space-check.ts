import { statfs } from "node:fs/promises";
import { doctorMessages as messages } from "../messages/doctor-messages.js";
import { type CheckResult, ok, problem, warning } from "./check-result.js";

const MIB = 1024 * 1024;
/** Below this a commit or a merge of a few large files may fail half-way. */
export const LOW_SPACE_PROBLEM_BYTES = 100 * MIB;
export const LOW_SPACE_WARNING_BYTES = 1024 * MIB;

/** Free space, for this user, on the file system that holds the working copy. */
export async function checkDiskSpace(
  subject: string,
  root: string,
): Promise<CheckResult | undefined> {
  const stats = await statfs(root).catch(() => undefined);
  // No root: the working-copy check already says so.
  if (!stats) return undefined;
  const free = stats.bavail * stats.bsize;
  if (free < LOW_SPACE_PROBLEM_BYTES)
    return problem(subject, "disk-space", messages.diskLow(root, free));
  if (free < LOW_SPACE_WARNING_BYTES)
    return warning(subject, "disk-space", messages.diskLow(root, free));
  return ok(subject, "disk-space", messages.diskFree(root, free));
}
