import { parseArgs } from "node:util";
import { displayPath } from "../../config/display-path.js";
import { formatDiagnostic } from "../../config/format-diagnostic.js";
import { loadConfig } from "../../config/load-config.js";
import { doctorMessages as messages } from "../../messages/doctor-messages.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      options: {
        config: { type: "string", short: "c" },
        json: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    io.stderr.write(messages.usage((error as Error).message));
    return ExitCode.usage;
  }
  const { config: configPath, json } = parsed.values;
  // Missing roots are the doctor's to report, line by line, not a reason to refuse the config.
  const loaded = await loadConfig({
    ...(configPath !== undefined ? { configPath } : {}),
    cwd: io.cwd,
    env: io.env,
    rootChecks: "warning",
  });
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === "error");
    io.stderr.write(`${messages.configInvalid(errors.length || loaded.diagnostics.length)}\n`);
    for (const diagnostic of loaded.diagnostics)
      io.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
    return ExitCode.failure;
  }
  // The checks load channel clients and the ignore filter: only when the doctor runs.
  const { runDoctor } = await import("../../doctor/run-doctor.js");
  const { doctorReport, formatDoctorText } = await import("../../doctor/doctor-report.js");
  const results = await runDoctor(loaded.config, {
    env: io.env,
    configWarnings: loaded.diagnostics.filter((d) => d.severity === "warning"),
  });
  const file =
    loaded.config.file === undefined ? undefined : displayPath(loaded.config.file, io.cwd);
  const report = doctorReport(results, file);
  io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorText(results, file));
  return report.ok ? ExitCode.ok : ExitCode.failure;
}

export const doctorCommand: CliCommand = {
  name: "doctor",
  summary: "Check repositories, remotes, channels and this machine; say what to fix",
  help: messages.help,
  run,
};
