import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import { BRZ_SERVER_ENV } from "../../../src/runtime/brz-server.js";
import {
  processRunner,
  runCommand,
  type CommandOptions,
  type CommandResult,
} from "../../../src/runtime/command-runner.js";
import { reapOnExit } from "../../support/exit-reaper.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { waitFor } from "../../support/wait-for.js";

// Real brz: the client (processRunner with the bzr recipe's env) against what `brz` run as a
// process of its own prints for the same argv, in the same branches.
let temp: { dir: string; cleanup: () => Promise<void> };
let env: Record<string, string>;
let one: string;
let two: string;
const PLUGIN_DIR = join(process.cwd(), "recipes", "brz-server");

before(async () => {
  temp = await makeTempDir("autosync-brzserver-");
  process.env.HOME = temp.dir;
  process.env.BRZ_EMAIL = "autosync test <test@example.invalid>";
  const loaded = await loadRecipe("bzr", { baseDir: process.cwd() });
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics));
  env = { ...loaded.recipe.env };
  assert.equal(env[BRZ_SERVER_ENV], "on", "the recipe turns the server on");
  one = join(temp.dir, "one");
  two = join(temp.dir, "two");
  for (const root of [one, two]) {
    brz(temp.dir, "init", "-q", root);
    await writeFile(join(root, "f.txt"), "first\n");
    brz(root, "add", "-q");
    brz(root, "commit", "-q", "-m", "first");
  }
});
after(() => temp.cleanup());

function brz(cwd: string, ...args: string[]): string {
  return execFileSync("brz", args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
}

const served = (argv: string[], cwd: string, options: Partial<CommandOptions> = {}) =>
  processRunner.run(argv, { cwd, env, timeoutMs: 60_000, ...options });

/** The same command as a process of its own: the server turned off. */
const direct = (argv: string[], cwd: string, options: Partial<CommandOptions> = {}) =>
  runCommand(argv, {
    cwd,
    env: { ...env, [BRZ_SERVER_ENV]: "off" },
    timeoutMs: 60_000,
    ...options,
  });

/** What a caller can see of a result, but its duration. */
function seen(result: CommandResult) {
  const { durationMs, ...rest } = result;
  assert.ok(durationMs >= 0);
  return rest;
}

/** The processes whose parent is `parent` and whose command line contains `text` (Linux). */
function childrenOf(parent: number, text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(join("/proc", entry, "stat"), "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = readFileSync(join("/proc", entry, "cmdline"), "utf8");
      if (ppid === parent && cmdline.includes(text)) found.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

const servers = () => childrenOf(process.pid, "autosync-serve");

/** Exists and is not a zombie (an orphan's zombie waits for whatever reaps in this container). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(join("/proc", String(pid), "stat"), "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describe("brz commands through the brz server (real brz)", { concurrency: 1 }, () => {
  test("stdout, stderr, exit codes 0, 1 and 3 and messages are brz's own", async () => {
    await writeFile(join(one, "f.txt"), "changed\n");
    const cases = [
      ["brz", "revision-info"],
      ["brz", "status", "--short"],
      ["brz", "diff"],
      ["brz", "no-such-command"],
      ["brz", "cat", "--", "missing.txt"],
    ];
    const codes: (number | undefined)[] = [];
    for (const argv of cases) {
      const got = await served(argv, one);
      assert.deepEqual(seen(got), seen(await direct(argv, one)), argv.join(" "));
      codes.push(got.exitCode);
    }
    assert.deepEqual(codes, [0, 0, 1, 3, 3]);
    assert.equal(servers().length, 1, "one server answered them");
    brz(one, "revert", "-q");
  });

  test("binary output, input, and names with spaces, a leading dash and non-ASCII", async () => {
    const bytes = Buffer.from([0xff, 0x00, 0x80, 0x0a, 0xc3, 0x28]);
    const name = "-x ü ✓ name.bin";
    await writeFile(join(one, name), bytes);
    const added = await served(["brz", "add", "--quiet", "--", name], one);
    assert.equal(added.exitCode, 0, added.stderr);
    const status = await served(["brz", "status", "--short"], one);
    assert.equal(status.stdout, `+N  ${name}\n`);
    const committed = await served(["brz", "commit", "--quiet", "--file", "/dev/stdin"], one, {
      input: "message from stdin ✓\n",
    });
    assert.equal(committed.exitCode, 0, committed.stderr);
    assert.match(brz(one, "log", "-r-1"), /message from stdin ✓/);
    const cat = await served(["brz", "cat", "--", name], one, { binaryOutput: true });
    assert.deepEqual(Buffer.from(cat.stdoutBytes ?? []), bytes);
    assert.deepEqual(
      seen(cat),
      seen(await direct(["brz", "cat", "--", name], one, { binaryOutput: true })),
    );
  });

  test("megabytes of output from commands in parallel arrive whole, each to its command", async () => {
    const files = await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        const bytes = randomBytes(n * 700_000);
        await writeFile(join(two, `big-${n}.bin`), bytes);
        return { name: `big-${n}.bin`, bytes };
      }),
    );
    brz(two, "add", "-q");
    brz(two, "commit", "-q", "-m", "big");
    const cats = await Promise.all(
      [...files, ...files].map((file) =>
        served(["brz", "cat", "--", file.name], two, { binaryOutput: true }),
      ),
    );
    cats.forEach((cat, i) => {
      const want = files[i % files.length]?.bytes;
      assert.ok(want && Buffer.from(cat.stdoutBytes ?? []).equals(want), `cat ${i}`);
    });
  });

  test("config a command writes is saved, and a changed identity is read by the next", async () => {
    const set = await served(["brz", "config", "autosync_probe=yes"], one);
    assert.equal(set.exitCode, 0, set.stderr);
    assert.equal(brz(one, "config", "autosync_probe").trim(), "yes");
    brz(one, "whoami", "--branch", "Changed <changed@example.invalid>");
    const saved = process.env.BRZ_EMAIL;
    delete process.env.BRZ_EMAIL;
    try {
      const who = await served(["brz", "whoami"], one);
      assert.equal(who.stdout.trim(), "Changed <changed@example.invalid>", who.stderr);
    } finally {
      process.env.BRZ_EMAIL = saved;
    }
  });

  test("commands in two branches run at once; a timeout stops the one that blocks", async () => {
    const before = servers();
    assert.equal(before.length, 1);
    const server = before[0] as number;
    // `brz serve` listens until it is stopped.
    const serve = ["brz", "serve", "--listen", "127.0.0.1", "--port", "0"];
    const blocking = served(serve, one, {
      timeoutMs: 3_000,
    });
    await waitFor(
      "the blocking command forked",
      () => childrenOf(server, "autosync-serve").length === 1,
    );
    const quick = await Promise.all([
      served(["brz", "revision-info"], two),
      served(["brz", "status", "--short"], two),
      served(["brz", "revision-info"], one),
    ]);
    for (const result of quick) assert.equal(result.exitCode, 0, result.shortMessage);
    assert.equal(quick[0]?.stdout, brz(two, "revision-info"));
    const stopped = await blocking;
    assert.equal(stopped.timedOut, true);
    assert.equal(stopped.failed, true);
    assert.match(stopped.shortMessage, /^brz serve .* failed \(timed out\)/);
    assert.deepEqual(childrenOf(server, "autosync-serve"), [], "no child left");
    // With killProcessGroup (the doctor's probes) the command's whole group gets SIGKILL.
    const grouped = await served(serve, one, { timeoutMs: 2_000, killProcessGroup: true });
    assert.equal(grouped.timedOut, true);
    assert.equal(grouped.signal, "SIGKILL");
    assert.deepEqual(childrenOf(server, "autosync-serve"), [], "no child left");
    assert.deepEqual(servers(), [server], "the server serves on");
  });

  test("a server killed between commands is replaced by the next command", async () => {
    const [server] = servers();
    assert.ok(server);
    process.kill(server, "SIGKILL");
    await waitFor("the server gone", () => !alive(server));
    const after = await served(["brz", "revision-info"], one);
    assert.equal(after.exitCode, 0, after.shortMessage);
    assert.equal(after.stdout, brz(one, "revision-info"));
    const now = servers();
    assert.equal(now.length, 1);
    assert.notEqual(now[0], server);
  });

  test("a command sent to a server that dies before forking it runs once, on a new server", async () => {
    const [server] = servers();
    assert.ok(server);
    const revno = () => Number(brz(one, "revno").trim());
    const before = revno();
    // Stopped, the server cannot read the request before it is killed.
    process.kill(server, "SIGSTOP");
    const committing = served(["brz", "commit", "--quiet", "--unchanged", "-m", "once"], one);
    // The request is written in the microtasks after the call; then the server goes.
    await new Promise((resolve) => setImmediate(resolve));
    process.kill(server, "SIGKILL");
    const result = await committing;
    assert.equal(result.exitCode, 0, result.shortMessage);
    assert.equal(revno(), before + 1, "committed exactly once");
    const now = servers();
    assert.equal(now.length, 1);
    assert.notEqual(now[0], server);
  });

  test("a server killed during a command fails that command, and it is not run again", async () => {
    const [server] = servers();
    assert.ok(server);
    const running = served(["brz", "serve", "--listen", "127.0.0.1", "--port", "0"], one);
    await waitFor(
      "the blocking command forked",
      () => childrenOf(server, "autosync-serve").length === 1,
    );
    const [child] = childrenOf(server, "autosync-serve");
    assert.ok(child);
    process.kill(server, "SIGKILL");
    const result = await running;
    assert.equal(result.failed, true);
    assert.equal(result.exitCode, undefined);
    assert.equal(result.timedOut, false);
    assert.match(result.shortMessage, /^brz serve .* failed \(brz server lost\)/);
    await waitFor("the orphaned command stopped", () => !alive(child));
    assert.deepEqual(servers(), [], "nothing started a server to run it again");
  });

  test("the process that started a server killed with -9: the server exits, no orphan", async (t) => {
    const runner = join(process.cwd(), "src", "runtime", "command-runner.ts");
    const script = [
      `import { processRunner } from ${JSON.stringify(runner)};`,
      `const result = await processRunner.run(["brz", "revision-info"], {`,
      `  cwd: ${JSON.stringify(one)}, env: ${JSON.stringify(env)} });`,
      `console.log(result.exitCode);`,
      `setInterval(() => {}, 1000);`,
    ].join("\n");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
    );
    const reaping = reapOnExit(child, { group: false });
    t.after(() => reaping.release());
    const printed = await new Promise<string>((resolve) =>
      child.stdout.once("data", (data: Buffer) => resolve(data.toString())),
    );
    assert.equal(printed.trim(), "0");
    const [server] = childrenOf(child.pid as number, "autosync-serve");
    assert.ok(server, "the command went to a server");
    child.kill("SIGKILL");
    await waitFor("the orphaned server to exit", () => !alive(server));
  });

  test("without a server that can start, brz runs as before, for good", async () => {
    // A brz whose plugin is disabled has no autosync-serve command.
    // Named brz (by another path), or it would not be sent to a server at all.
    await mkdir(join(temp.dir, "without-plugin"));
    const program = join(temp.dir, "without-plugin", "brz");
    await symlink(execFileSync("which", ["brz"], { encoding: "utf8" }).trim(), program);
    const disabled = { ...env, BRZ_DISABLE_PLUGINS: "autosync_server" };
    const before = servers();
    for (const argv of [
      [program, "revision-info"],
      [program, "no-such-command"],
    ]) {
      const got = await served(argv, one, { env: disabled });
      const want = await runCommand(argv, { cwd: one, env: disabled });
      assert.deepEqual(seen(got), seen(want));
    }
    assert.deepEqual(servers(), before, "no server of that program runs");
    const missing = ["/nonexistent/brz", "revision-info"];
    assert.deepEqual(
      seen(await served(missing, one)),
      seen(await runCommand(missing, { cwd: one, env })),
    );
  });
});

test("a program other than brz in the recipe runs as it is, never as a server", async () => {
  // A user's script in place of a recipe command: it logs every argv it is started with.
  const tool = join(temp.dir, "my-tool");
  const log = join(temp.dir, "my-tool.log");
  await writeFile(tool, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nprintf 'ran %s' "$1"\n`, {
    mode: 0o755,
  });
  const got = await served([tool, "status"], one);
  assert.equal(got.stdout, "ran status");
  assert.equal(got.failed, false);
  assert.equal(readFileSync(log, "utf8"), "status\n", "started once, with its own argv only");
});

describe("the brz server process (recipes/brz-server)", () => {
  /** Starts `brz autosync-serve` as autosync does; resolves each JSON line it writes. */
  function startServer(idleS: number) {
    const child = spawn("brz", ["autosync-serve", "--idle-timeout", String(idleS)], {
      cwd: "/",
      env: { ...process.env, ...env, BRZ_PLUGINS_AT: `autosync_server@${PLUGIN_DIR}` },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const reaping = reapOnExit(child, { group: false });
    const lines: string[] = [];
    let buffered = "";
    child.stdout.setEncoding("latin1");
    child.stdout.on("data", (text: string) => {
      buffered += text;
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      lines.push(...parts);
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    return { child, lines, exited, reaping };
  }

  test("exits after its idle timeout, counted from its last command", async () => {
    const server = startServer(2);
    await waitFor("ready", () => server.lines.includes('{"ready":1}'));
    const started = performance.now();
    server.child.stdin.write(
      `${JSON.stringify({ id: 1, argv: ["revision-info"], cwd: one, env: { ...process.env, ...env } })}\n`,
    );
    await waitFor("the command's exit", () =>
      server.lines.some((line) => line.startsWith('{"id":1,"exit":0')),
    );
    assert.equal(await server.exited, 0);
    const waited = performance.now() - started;
    assert.ok(waited >= 1_900, `exited ${waited.toFixed(0)} ms after the command`);
    server.reaping.release();
  });

  test("exits when its stdin closes (autosync is gone)", async () => {
    const server = startServer(600);
    await waitFor("ready", () => server.lines.includes('{"ready":1}'));
    server.child.stdin.end();
    assert.equal(await server.exited, 0);
    server.reaping.release();
  });
});
