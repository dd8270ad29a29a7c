import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { conflictMessages } from "../messages/conflict-messages.js";
import { isConflictCopy } from "../operations/conflict-copy-name.js";
import {
  conflictFor,
  findConflicts,
  type Conflict,
  type ConflictSource,
} from "./find-conflicts.js";
import { planResolution, type Keep, type Resolution } from "./resolution.js";

/**
 * The resolution of the conflict a root-relative path names (the file or one of its copies), or
 * the one line that says why there is none. Used by `autosync resolve` and the conflict desk.
 */
export async function planForPath(
  source: ConflictSource,
  path: string,
  keep: Keep,
  shown: string = path,
): Promise<{ conflict: Conflict; plan: Resolution } | string> {
  const conflict = conflictFor(await findConflicts(source), path);
  if (!conflict)
    return isConflictCopy(path)
      ? conflictMessages.copyGone(shown)
      : conflictMessages.noConflict(shown);
  const fileContent = await readFile(join(source.root, conflict.path)).catch(() => undefined);
  const plan = planResolution(conflict, keep, {
    host: source.host,
    ...(fileContent ? { fileContent } : {}),
    exists: (candidate) => existsSync(join(source.root, candidate)),
  });
  return typeof plan === "string" ? plan : { conflict, plan };
}
