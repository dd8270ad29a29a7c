#!/usr/bin/env node
import { ExitCode } from "./exit-codes.js";
import { runCli } from "./run-cli.js";

const debug = process.argv.includes("--debug");
runCli(
  process.argv.slice(2).filter((arg) => arg !== "--debug"),
  { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() },
).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug, not a user mistake: say so briefly; the stack only with --debug.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`autosync: internal error: ${message}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write("Run again with --debug for details, and please report it.\n");
    process.exitCode = ExitCode.failure;
  },
);
