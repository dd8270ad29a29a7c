import { formatDiagnostic } from "../config/format-diagnostic.js";
import { loadConfig } from "../config/load-config.js";
import { runtimeMessages } from "../messages/runtime-messages.js";
import type { DaemonHandle } from "../runtime/daemon.js";
import type { CliIo } from "./command.js";

export type ReloadOutcome = { ok: true; message: string } | { ok: false; error: string };

/**
 * Re-reads `file` exactly as `autosync validate` reads it (a missing root is a warning there and
 * here: the health check pauses that repository) and hands the result to the daemon. A config
 * with errors is refused with validate's lines and logged; the daemon keeps what it runs.
 */
export async function reloadConfigFile(
  daemon: DaemonHandle,
  file: string,
  io: Pick<CliIo, "cwd" | "env">,
): Promise<ReloadOutcome> {
  const loaded = await loadConfig({
    configPath: file,
    cwd: io.cwd,
    env: io.env,
    rootChecks: "warning",
  });
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === "error").length;
    const error = [
      runtimeMessages.reloadRefused(errors),
      ...loaded.diagnostics.map(formatDiagnostic),
    ].join("\n");
    daemon.bus.publish({ type: "error", message: error });
    return { ok: false, error };
  }
  for (const warning of loaded.diagnostics.filter((d) => d.severity === "warning"))
    daemon.bus.publish({ type: "warning", message: formatDiagnostic(warning) });
  const report = await daemon.applyConfig(loaded.config);
  const failures = report.failed.map((failure) =>
    runtimeMessages.reloadRepositoryFailed(failure.repo, failure.message),
  );
  return { ok: true, message: [runtimeMessages.reloaded(report), ...failures].join("\n") };
}
