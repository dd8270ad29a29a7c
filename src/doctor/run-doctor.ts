import type { Diagnostic } from "../config/diagnostic.js";
import { diagnosticLocation, diagnosticMessage } from "../config/format-diagnostic.js";
import type { ResolvedConfig } from "../config/resolved-config.js";
import { doctorMessages as messages } from "../messages/doctor-messages.js";
import { type CommandRunner, processRunner } from "../runtime/command-runner.js";
import { runBounded, withDeadline } from "./bounded-tasks.js";
import type { CheckName, CheckResult } from "./check-result.js";
import { checkMqtt, checkXmpp } from "./channel-checks.js";
import { checkDesktop } from "./desktop-check.js";
import { checkInstances } from "./instance-check.js";
import { checkRepository } from "./repository-checks.js";
import { checkPidfilePlace, checkSocketPlace } from "./runtime-places-check.js";
import { checkWatchLimit, WATCH_LIMIT_FILE } from "./watch-limit-check.js";

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  runner?: CommandRunner;
  /** Each remote or server probe gives up after this. Default 10 s. */
  networkTimeoutMs?: number;
  /** Where the inotify watch limit is read (tests point it at a file of their own). */
  watchLimitFile?: string;
  platform?: NodeJS.Platform;
  /** Probes running at once. Default 4. */
  concurrency?: number;
  /** The config's warnings (validate's), reported as `config` lines. */
  configWarnings?: readonly Diagnostic[];
}

const DEFAULT_NETWORK_TIMEOUT_MS = 10_000;

/**
 * Every check of docs/doctor.md, read-only: nothing is created, locked, pushed or announced.
 * Probes run a few at a time, each bounded by a deadline, so the report comes in seconds even
 * with a black-holed host; lines come back in a fixed order (repositories, channels, machine).
 */
export async function runDoctor(
  config: ResolvedConfig,
  options: DoctorOptions,
): Promise<CheckResult[]> {
  const timeoutMs = options.networkTimeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS;
  const base = options.runner ?? processRunner;
  // A probe that times out must take git's helpers (git-remote-http, ssh) down with it.
  const runner: CommandRunner = {
    run: (argv, runOptions) => base.run(argv, { ...runOptions, killProcessGroup: true }),
  };
  // A last resort behind each command's own timeout (a repository runs several in a row): a
  // library that never settles must not hold the report.
  const bounded =
    (subject: string, check: CheckName, ms: number, task: () => Promise<CheckResult[]>) => () =>
      withDeadline(task(), ms, () => [
        { subject, check, status: "problem" as const, ...messages.checkTimedOut(ms) },
      ]);
  const channelOptions = { env: options.env, host: config.host, timeoutMs };
  const { mqtt, xmpp } = config.channels;

  const tasks: (() => Promise<CheckResult[]>)[] = [
    ...config.repositories.map((repository) =>
      bounded(repository.name, "remote", timeoutMs * 4, () =>
        checkRepository(repository, { runner, host: config.host, networkTimeoutMs: timeoutMs }),
      ),
    ),
    ...(mqtt
      ? [
          bounded("mqtt", "mqtt", timeoutMs * 2, async () => [
            await checkMqtt(mqtt, channelOptions),
          ]),
        ]
      : []),
    ...(xmpp
      ? [
          bounded("xmpp", "xmpp", timeoutMs * 2, async () => [
            await checkXmpp(xmpp, channelOptions),
          ]),
        ]
      : []),
    async () => [
      await checkWatchLimit(config.repositories, {
        limitFile: options.watchLimitFile ?? WATCH_LIMIT_FILE,
        env: options.env,
      }),
    ],
    async () => [
      checkDesktop(config.notify, options.env, options.platform ?? process.platform),
      await checkPidfilePlace(config.pidfile),
      await checkSocketPlace(config.controlSocket),
      ...(await checkInstances(config)),
    ],
  ];
  // A missing root is the working-copy line's to report, with its fix.
  const warnings = (options.configWarnings ?? []).filter(
    (diagnostic) => !/^repositories\[\d+\]\.path$/.test(diagnostic.keyPath),
  );
  const configLines: CheckResult[] = warnings.map((diagnostic) => ({
    subject: "config",
    check: "config",
    status: "warning",
    message: `${diagnosticMessage(diagnostic)} (${diagnosticLocation(diagnostic)})`,
    fix: messages.configWarningFix,
  }));
  const results = await runBounded(tasks, options.concurrency ?? 4);
  return [...configLines, ...results.flat()];
}
