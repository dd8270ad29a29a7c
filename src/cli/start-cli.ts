/** The CLI proper, loaded by main.ts once the Node.js version is known to be new enough. */
import { ExitCode } from "./exit-codes.js";
import { runCli } from "./run-cli.js";

const debug = process.argv.includes("--debug");
// A terminal that went away (EIO) or a reader that quit (EPIPE, `autosync run | head`) must not
// crash a daemon in the middle of a merge: output is lost, syncing and clean-up go on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "EIO") throw error;
  });
}
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
