import { PassThrough } from "node:stream";
import { runCli } from "../../src/cli/run-cli.js";

/** Runs a CLI command in-process and returns its exit code and everything it wrote. */
export async function runCliCaptured(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(args, { stdout, stderr, env: options.env, cwd: options.cwd });
  return { code, stdout: out, stderr: err };
}
