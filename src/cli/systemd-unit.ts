/**
 * One ExecStart argument, quoted the way systemd.service(5) "Command lines" reads it: inside
 * double quotes `\` and `"` are escaped; `%` starts a specifier (so `%%`) and `$` a variable
 * (so `$$`) even inside quotes.
 */
export function systemdQuote(argument: string): string {
  const escaped = argument
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/%/g, "%%")
    .replace(/\$/g, "$$$$")
    .replace(/\n/g, "\\n");
  return `"${escaped}"`;
}

export interface UnitOptions {
  /** Absolute argv: node, its flags, the CLI entry point. */
  command: readonly string[];
  configPath: string;
}

/** The user unit `autosync service install` writes. */
export function systemdUnit({ command, configPath }: UnitOptions): string {
  const argv = [...command, "run", "--no-tui", "--config", configPath];
  return [
    "# Written by `autosync service install`; `autosync service uninstall` removes it.",
    "[Unit]",
    "Description=autosync: keep version-controlled folders in sync",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${argv.map(systemdQuote).join(" ")}`,
    "Restart=on-failure",
    "RestartSec=10",
    // Exit 3: another autosync already serves these repositories; restarting cannot help.
    "RestartPreventExitStatus=3",
    // SIGTERM makes autosync finish the operation in flight (a push may take a while).
    "KillSignal=SIGTERM",
    "TimeoutStopSec=120",
    "StandardOutput=journal",
    "StandardError=journal",
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}
