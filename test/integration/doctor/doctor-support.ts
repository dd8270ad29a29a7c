import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { runCli } from "../../../src/cli/run-cli.js";
import { resolveConfigObject } from "../../../src/config/load-config.js";
import type { ResolvedConfig } from "../../../src/config/resolved-config.js";
import type { CheckResult } from "../../../src/doctor/check-result.js";

export interface DoctorSetup {
  /** Each repository as the config names it. */
  repositories: { path: string; name: string; recipe?: "git" | "hg" | "bzr" }[];
  channels?: Record<string, unknown>;
  /** Desktop notices on (default off: the test machine has no desktop session). */
  desktop?: boolean;
  /** Overrides of the pidfile and control socket paths. */
  pidfile?: string;
  controlSocket?: string;
}

/** A config object for the doctor's tests: pidfile and socket in `dir`, no desktop popups. */
export function configObject(dir: string, setup: DoctorSetup): Record<string, unknown> {
  return {
    version: 1,
    host: "doctor-test",
    repositories: setup.repositories.map(({ path, name, recipe }) => ({
      path,
      name,
      ...(recipe ? { recipe } : {}),
    })),
    ...(setup.channels ? { channels: setup.channels } : {}),
    notify: { desktop: { enabled: setup.desktop ?? false } },
    pidfile: setup.pidfile ?? join(dir, "autosync.pid"),
    controlSocket: setup.controlSocket ?? join(dir, "autosync.sock"),
  };
}

export async function resolvedConfig(dir: string, setup: DoctorSetup): Promise<ResolvedConfig> {
  const result = await resolveConfigObject(configObject(dir, setup), {
    cwd: dir,
    env: process.env,
  });
  if (!result.ok) throw new Error(`test config invalid: ${JSON.stringify(result.diagnostics)}`);
  return result.config;
}

/** Writes the config as autosync.config.json in `dir` and returns its path. */
export async function writeConfig(dir: string, setup: DoctorSetup): Promise<string> {
  const file = join(dir, "autosync.config.json");
  await writeFile(file, `${JSON.stringify(configObject(dir, setup), null, 2)}\n`);
  return file;
}

function sink(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}

/** `autosync doctor …` in-process, as main.ts runs it. */
export async function doctorCli(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await runCli(["doctor", ...args], {
    stdout: out.stream,
    stderr: err.stream,
    env: process.env,
    cwd,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** The line for one check of one subject; fails the test when there is none or several. */
export function line(results: readonly CheckResult[], subject: string, check: string): CheckResult {
  const found = results.filter((result) => result.subject === subject && result.check === check);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${subject}/${check} line, got ${JSON.stringify(results, null, 2)}`,
    );
  }
  return found[0] as CheckResult;
}

/**
 * Every file and folder below `dir` with its content hash, mode, size and modification time:
 * equal snapshots mean nothing was created, removed, rewritten or even touched.
 */
export async function snapshotTree(dir: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const walk = async (relative: string): Promise<void> => {
    const names = await readdir(join(dir, relative));
    for (const name of names.sort()) {
      const path = join(relative, name);
      const info = await stat(join(dir, path));
      if (info.isDirectory()) {
        entries.set(`${path}/`, `${info.mode}`);
        await walk(path);
      } else {
        const hash = createHash("sha256")
          .update(await readFile(join(dir, path)))
          .digest("hex");
        entries.set(path, `${info.mode} ${info.size} ${info.mtimeMs} ${hash}`);
      }
    }
  };
  await walk("");
  return entries;
}

/** The repository checks a healthy clone passes, in the order the report prints them. */
export const REPOSITORY_CHECKS = [
  "dvcs",
  "working-copy",
  "upstream",
  "identity",
  "remote",
  "push",
  "disk-space",
] as const;

/** Asserts a text report of only ok lines, with one for each of `checks` of `subject`. */
export function assertAllOk(stdout: string, subject: string, checks: readonly string[]): void {
  const lines = stdout.trimEnd().split("\n").slice(1, -1);
  assert.ok(lines.length > 0 && lines.every((text) => text.startsWith("ok")), stdout);
  for (const check of checks) {
    assert.ok(
      lines.some((text) => new RegExp(`^ok\\s+${subject}\\s+${check}\\s`).test(text)),
      `no ok line for ${subject} ${check}:\n${stdout}`,
    );
  }
}
