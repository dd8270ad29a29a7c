import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { runCli } from "../../../src/cli/run-cli.js";
import { AUTOSYNC_MAIN, nodeBinary, REPO_ROOT } from "../../support/sync-fixture.js";
import { reapOnExit } from "../../support/exit-reaper.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { waitFor } from "../../support/wait-for.js";

/** The README's first command, performing by itself: edits, rename, delete and a conflict. */
test(
  "autosync demo --script converges both copies with nothing lost and exits 0",
  { timeout: 240_000 },
  async (t) => {
    const temp = await makeTempDir("autosync-demo-test-");
    t.after(temp.cleanup);
    // HOME in the temp dir: the demo must not depend on (or touch) the machine's git config.
    const home = join(temp.dir, "home");
    await mkdir(home, { recursive: true });
    await writeFile(join(home, ".gitconfig"), "");
    const demoDir = join(temp.dir, "demo");
    const child = spawn(
      nodeBinary(),
      [
        // The built binary when there is one (npm test builds first), else the source via tsx.
        ...(existsSync(AUTOSYNC_MAIN)
          ? [AUTOSYNC_MAIN]
          : ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts")]),
        "demo",
        "--script",
        "--dir",
        demoDir,
      ],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          HOME: home,
          XDG_CONFIG_HOME: join(home, ".config"),
          GIT_CONFIG_NOSYSTEM: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    t.after(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 0, `demo failed:\n${stdout}\n--- log ---\n${stderr.slice(-4000)}`);
    assert.match(stdout, /✓ conflict: shared\.md edited in both copies at once/);
    assert.match(stdout, /conflict copy: shared \(conflict (left|right) /);
    assert.match(stdout, /demo script: OK/);
    assert.equal(existsSync(demoDir), false, "the demo cleans up its directory without --keep");
  },
);

test("autosync demo --dir refuses a directory that is not empty and leaves it untouched", async (t) => {
  const temp = await makeTempDir("autosync-demo-dir-");
  t.after(temp.cleanup);
  await writeFile(join(temp.dir, "precious.txt"), "mine\n");
  const stderr = new PassThrough();
  let err = "";
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(["demo", "--dir", temp.dir, "--script"], {
    stdout: new PassThrough(),
    stderr,
    env: process.env,
    cwd: temp.dir,
  });
  assert.equal(code, 1);
  assert.match(err, /is not empty; pass an empty or new directory/);
  assert.deepEqual(await readdir(temp.dir), ["precious.txt"]);
  assert.equal(await readFile(join(temp.dir, "precious.txt"), "utf8"), "mine\n");
});

test("a demo whose terminal closes (SIGHUP, output gone) still removes its directory", async (t) => {
  const temp = await makeTempDir("autosync-demo-hup-");
  t.after(temp.cleanup);
  const home = join(temp.dir, "home");
  await mkdir(home, { recursive: true });
  await writeFile(join(home, ".gitconfig"), "");
  const demoDir = join(temp.dir, "demo");
  const child = spawn(
    nodeBinary(),
    [
      ...(existsSync(AUTOSYNC_MAIN)
        ? [AUTOSYNC_MAIN]
        : ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts")]),
      "demo",
      "--dir",
      demoDir,
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  reapOnExit(child, { group: false });
  t.after(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  await waitFor(
    "both daemons to be up",
    () => (stdout.match(/autosync started/g) ?? []).length >= 2,
    {
      timeoutMs: 60_000,
    },
  );
  assert.ok(existsSync(demoDir));
  // What a closed terminal does: the output goes away (further writes fail) and SIGHUP arrives.
  child.stdout.destroy();
  child.stderr.destroy();
  child.kill("SIGHUP");
  const code = await exited;
  assert.notEqual(code, null, "exited by itself, not killed by the signal");
  assert.equal(existsSync(demoDir), false, "the demo directory was removed");
});
