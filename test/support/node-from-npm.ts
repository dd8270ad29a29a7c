import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

/**
 * npm with a clean environment: the npm_* variables `npm test` exports (local prefix, user
 * agent, cache) would make a child npm act on this repository instead of where it is told.
 */
export function npmEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  return {
    ...env,
    // Stable across runs so a rerun downloads nothing; the registry is asked only when empty.
    npm_config_cache: join(tmpdir(), "autosync-test-npm-cache"),
    // What is cached is used without asking the registry whether it changed.
    npm_config_prefer_offline: "true",
    npm_config_update_notifier: "false",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_loglevel: "error",
    ...overrides,
  };
}

/**
 * The directory holding a `node` binary of exactly `version`, from the npm registry's
 * node-<platform>-<arch> package (what the `node` package itself installs), cached under the
 * temp dir: a 30-50 MB download per version from an empty cache, nothing on a rerun.
 */
export async function nodeFromNpm(version: string): Promise<string> {
  const name = `node-${process.platform}-${process.arch}`;
  const cached = join(tmpdir(), "autosync-test-node", `${name}-${version}`);
  const binDir = join(cached, "node_modules", name, "bin");
  if (existsSync(join(binDir, "node"))) return binDir;
  // Installed beside the cache entry, then renamed into place: an interrupted download never
  // leaves a half-written binary that a rerun would trust.
  await mkdir(dirname(cached), { recursive: true });
  const partial = await mkdtemp(`${cached}.partial-`);
  try {
    await promisify(execFile)(
      "npm",
      ["install", "--prefix", partial, "--no-save", "--ignore-scripts", `${name}@${version}`],
      { env: npmEnv(), timeout: 300_000 },
    );
    // Another test run may have finished the same download meanwhile: keep the one in place
    // (renaming onto a full directory fails) rather than pull it from under that run.
    await rename(partial, cached).catch((error: unknown) => {
      if (!existsSync(join(binDir, "node"))) throw error;
    });
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return binDir;
}
