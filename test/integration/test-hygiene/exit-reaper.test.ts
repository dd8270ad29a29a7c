import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { chgServers } from "../../support/chg-servers.js";
import { reapOnExit } from "../../support/exit-reaper.js";
import { acceptsConnections } from "../../support/free-port.js";
import { nodeBinary, REPO_ROOT } from "../../support/sync-fixture.js";
import { waitFor } from "../../support/wait-for.js";

/**
 * A test process that dies before its cleanups run (the runner stopped by `timeout`, Ctrl-C or
 * CI, a crash) takes the daemons and brokers it started with it. SIGKILL of the test process
 * cannot be caught and is not covered.
 */

const SCRIPT = join(REPO_ROOT, "test/integration/test-hygiene/interrupted-test-process.ts");
const TSX = import.meta.resolve("tsx");

interface Found {
  group?: number;
  pid?: number;
  port?: number;
  dir?: string;
}

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

type Ending = "SIGTERM" | "SIGINT" | "SIGHUP" | "exit" | "drain" | "throw";

async function startTestProcess(
  t: { after(fn: () => unknown): void },
  kind: "daemon" | "hg-daemon" | "sleeper" | "mosquitto",
  ending: Ending,
): Promise<{ found: Found; ended: Promise<Ended>; signal(name: NodeJS.Signals): void }> {
  const end = ending.startsWith("SIG") ? "wait" : ending;
  const child = spawn(nodeBinary(), ["--import", TSX, SCRIPT, kind, end], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The stand-in is itself a child that must not outlive this test process.
  reapOnExit(child, { group: false });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  const ended = new Promise<Ended>((resolve) =>
    child.once("close", (code, signal) => {
      exited = true;
      resolve({ code, signal, stderr });
    }),
  );
  const line = await waitFor(
    `the ${kind} test process to report what it started`,
    () => {
      const newline = stdout.indexOf("\n");
      if (newline >= 0) return stdout.slice(0, newline);
      if (exited) throw new Error(`it exited early: ${stderr}`);
      return undefined;
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
  const found = JSON.parse(line) as Found;
  t.after(async () => {
    // Whether the test passed or not, nothing of it stays.
    child.kill("SIGKILL");
    if (found.group !== undefined) killQuietly(-found.group);
    if (found.pid !== undefined) killQuietly(found.pid);
    if (found.dir) await rm(found.dir, { recursive: true, force: true, maxRetries: 3 });
  });
  return { found, ended, signal: (name) => child.kill(name) };
}

function killQuietly(target: number): void {
  try {
    process.kill(target, "SIGKILL");
  } catch {
    // gone
  }
}

function groupExists(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function assertGroupGone(group: number | undefined): Promise<void> {
  assert.ok(group, "the test process reported its group");
  await waitFor(`process group ${group} to be gone`, () => !groupExists(group), {
    timeoutMs: 15_000,
  });
}

describe("a test process that ends before its cleanups leaves nothing running", () => {
  test("SIGTERM: the real autosync daemon's group is killed and the process dies of SIGTERM", async (t) => {
    const run = await startTestProcess(t, "daemon", "SIGTERM");
    assert.ok(groupExists(run.found.group!), "the daemon runs before the signal");
    run.signal("SIGTERM");
    const ended = await run.ended;
    assert.equal(ended.signal, "SIGTERM", ended.stderr);
    await assertGroupGone(run.found.group);
  });

  test("SIGTERM: an hg daemon's chg servers, in a session of their own, exit too", async (t) => {
    const run = await startTestProcess(t, "hg-daemon", "SIGTERM");
    const dir = run.found.dir!;
    const servers = await chgServers(dir);
    t.after(() => servers.forEach(killQuietly));
    assert.ok(servers.length > 0, "the daemon's hg commands started a chg server");
    run.signal("SIGTERM");
    assert.equal((await run.ended).signal, "SIGTERM");
    await assertGroupGone(run.found.group);
    await waitFor("the chg servers to exit", async () => (await chgServers(dir)).length === 0, {
      timeoutMs: 15_000,
    });
  });

  for (const signal of ["SIGINT", "SIGHUP"] as const) {
    test(`${signal}: a detached group is killed and the process dies of ${signal}`, async (t) => {
      const run = await startTestProcess(t, "sleeper", signal);
      assert.ok(groupExists(run.found.group!), "the group runs before the signal");
      run.signal(signal);
      const ended = await run.ended;
      assert.equal(ended.signal, signal, ended.stderr);
      await assertGroupGone(run.found.group);
    });
  }

  test("process.exit(0) while the real daemon runs: its group is killed", async (t) => {
    const run = await startTestProcess(t, "daemon", "exit");
    const ended = await run.ended;
    assert.equal(ended.code, 0, ended.stderr);
    await assertGroupGone(run.found.group);
  });

  test("a normal end (nothing left to wait for) with a detached group running: it is killed", async (t) => {
    const run = await startTestProcess(t, "sleeper", "drain");
    const ended = await run.ended;
    assert.equal(ended.code, 0, ended.stderr);
    await assertGroupGone(run.found.group);
  });

  test("an uncaught exception: a detached group is killed and the crash still exits 1", async (t) => {
    const run = await startTestProcess(t, "sleeper", "throw");
    const ended = await run.ended;
    assert.equal(ended.code, 1);
    assert.match(ended.stderr, /a test file crashed/);
    await assertGroupGone(run.found.group);
  });

  test("SIGTERM: a mosquitto started by the test helper stops listening", async (t) => {
    const run = await startTestProcess(t, "mosquitto", "SIGTERM");
    const port = run.found.port!;
    assert.equal(await acceptsConnections(port), true, "the broker listens before the signal");
    run.signal("SIGTERM");
    assert.equal((await run.ended).signal, "SIGTERM");
    await waitFor(
      `nothing listening on port ${port}`,
      async () => !(await acceptsConnections(port)),
      { timeoutMs: 15_000 },
    );
  });
});
