import { Writable } from "node:stream";
import type { CliIo } from "../../../src/cli/command.js";

/** In-process CLI streams whose output the test reads back. */
export function captureIo(
  cwd: string,
  env: NodeJS.ProcessEnv,
): CliIo & { out(): string; err(): string } {
  let out = "";
  let err = "";
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  return {
    stdout: sink((text) => (out += text)),
    stderr: sink((text) => (err += text)),
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
