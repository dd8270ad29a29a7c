/** A subcommand: parses its own arguments and returns an exit code (see exit-codes.ts). */
export interface CliCommand {
  name: string;
  /** One line for `autosync --help`. */
  summary: string;
  /** Full text for `autosync <name> --help`. */
  help: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Streams and environment injected so tests run commands in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}
