import { join } from "node:path";
import type { ResolvedConfig } from "../config/resolved-config.js";
import { doctorMessages as messages } from "../messages/doctor-messages.js";
import { INSTANCE_LOCK_FILE, liveLockHolder } from "../runtime/instance-lock.js";
import { livePidfileHolder } from "../runtime/pidfile.js";
import { type CheckResult, ok, warning } from "./check-result.js";

/**
 * Whether an autosync already runs: this config's daemon (its pidfile names a live process) is
 * fine, the doctor is often run beside it; another daemon holding one of these repositories
 * (another config, another pidfile) means `autosync run` with this config would exit 3.
 */
export async function checkInstances(config: ResolvedConfig): Promise<CheckResult[]> {
  const running = await livePidfileHolder(config.pidfile);
  const results: CheckResult[] = [
    ok(
      "machine",
      "instance",
      running === undefined ? messages.notRunning : messages.running(running),
    ),
  ];
  for (const repository of config.repositories) {
    const lockFile = join(repository.path, repository.recipe.metadataDir, INSTANCE_LOCK_FILE);
    const holder = await liveLockHolder(lockFile);
    if (holder === undefined || holder.pid === running) continue;
    results.push(
      warning(
        repository.name,
        "instance",
        messages.servedByAnother(repository.path, lockFile, holder),
      ),
    );
  }
  return results;
}
