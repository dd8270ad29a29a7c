import { execFile } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT, nodeBinary } from "./sync-fixture.js";

const TSX = import.meta.resolve("tsx");
const MAIN = join(REPO_ROOT, "src", "cli", "main.ts");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `autosync <command> --config CONFIG …args` as a child process run from source (no build
 * needed), in `cwd` with `env`. The config goes right after the command, before any `--`.
 */
export function runAutosyncCli(
  args: readonly string[],
  { cwd, env, config }: { cwd: string; env: NodeJS.ProcessEnv; config?: string },
): Promise<CliRun> {
  const [command = "", ...rest] = args;
  const argv = config === undefined ? [...args] : [command, "--config", config, ...rest];
  return new Promise((resolve) => {
    execFile(
      nodeBinary(),
      ["--import", TSX, MAIN, ...argv],
      { cwd, env, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
