import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { access, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createOperations } from "../../../src/operations/create-operations.js";
import type { CommandRunner } from "../../../src/runtime/command-runner.js";
import { waitFor } from "../../support/wait-for.js";
import { commitAndPush, expectOutcome, gitWorld, pullRequest } from "./git-repos.js";

test("a deleted root is unhealthy and no command runs", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "x.md": "x" });
  const ran: string[][] = [];
  const counting: CommandRunner = {
    run: (argv, options) => {
      ran.push([...argv]);
      return world.runner.run(argv, options);
    },
  };
  const ops = createOperations({ root: a.dir, recipe: world.recipe, runner: counting });
  await rename(a.dir, `${a.dir}.moved`);
  for (const request of [{ kind: "status" } as const, { kind: "push" } as const, pullRequest()]) {
    const result = await expectOutcome(ops, request, "unhealthy");
    assert.ok(result.outcome === "unhealthy");
    assert.equal(result.problem, "missing");
  }
  assert.deepEqual(ran, []);
});

test("a root that is a file is unhealthy", async (t) => {
  const world = await gitWorld(t);
  const file = join(world.dir, "not-a-dir");
  await writeFile(file, "");
  const ops = createOperations({ root: file, recipe: world.recipe, runner: world.runner });
  const result = await expectOutcome(ops, { kind: "status" }, "unhealthy");
  assert.ok(result.outcome === "unhealthy");
  assert.equal(result.problem, "not-a-directory");
});

test("a root without its .git is unhealthy: marker-missing, nothing run, nothing deleted", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "x.md": "x" });
  const ran: string[][] = [];
  const counting: CommandRunner = {
    run: (argv, options) => {
      ran.push([...argv]);
      return world.runner.run(argv, options);
    },
  };
  const ops = createOperations({ root: a.dir, recipe: world.recipe, runner: counting });
  await rm(join(a.dir, ".git"), { recursive: true });
  const result = await expectOutcome(
    ops,
    { kind: "commit", entries: [{ path: "x.md", action: "deleted" }], message: "m" },
    "unhealthy",
  );
  assert.ok(result.outcome === "unhealthy");
  assert.equal(result.problem, "marker-missing");
  assert.match(result.detail, /\.git/);
  assert.deepEqual(ran, []);
  await access(join(a.dir, "x.md"));
});

test("stale locks are removed, and a commit blocked by one heals itself", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "x.md": "x" });
  const lock = join(a.dir, ".git", "index.lock");
  const refLock = join(a.dir, ".git", "refs", "heads", "main.lock");
  await writeFile(lock, "");
  await writeFile(refLock, "");
  const removed = await a.ops.recoverStaleLocks();
  assert.deepEqual(removed.sort(), [lock, refLock].sort());
  await writeFile(lock, "");
  await writeFile(join(a.dir, "x.md"), "changed");
  await expectOutcome(
    a.ops,
    { kind: "commit", entries: [{ path: "x.md", action: "modified" }], message: "m" },
    "committed",
  );
  await assert.rejects(access(lock));
});

test("a lock held open by a live process is kept", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "x.md": "x" });
  const lock = join(a.dir, ".git", "index.lock");
  await writeFile(lock, "");
  // A holder outside the repository, so only the open descriptor can tell it is live.
  const elsewhere = join(world.dir, "elsewhere");
  await mkdir(elsewhere);
  const holder = spawn("sh", ["-c", 'exec 3<"$1"; echo ready; exec sleep 60', "holder", lock], {
    cwd: elsewhere,
    stdio: ["ignore", "pipe", "inherit"],
  });
  t.after(() => {
    holder.kill("SIGKILL");
  });
  let output = "";
  holder.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await waitFor("the holder to open the lock", () => output.includes("ready"));
  assert.deepEqual(await a.ops.recoverStaleLocks(), []);
  await access(lock);
  holder.kill("SIGKILL");
  await new Promise((resolve) => holder.once("exit", resolve));
  assert.deepEqual(await a.ops.recoverStaleLocks(), [lock]);
});

test("locks are kept while a git process works inside the repository", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "x.md": "x" });
  const lock = join(a.dir, ".git", "index.lock");
  await writeFile(lock, "");
  // `git hash-object --stdin` waits for input with its cwd in the repository.
  const busy = spawn("git", ["hash-object", "--stdin"], {
    cwd: a.dir,
    stdio: ["pipe", "ignore", "ignore"],
  });
  t.after(() => {
    busy.kill("SIGKILL");
  });
  await waitFor("git to start", () => busy.pid !== undefined);
  await waitFor("git to run in the repository", async () => {
    const { readlink } = await import("node:fs/promises");
    return (await readlink(`/proc/${busy.pid}/cwd`).catch(() => "")) === a.dir;
  });
  assert.deepEqual(await a.ops.recoverStaleLocks(), []);
  busy.stdin.end();
  await new Promise((resolve) => busy.once("exit", resolve));
  assert.deepEqual(await a.ops.recoverStaleLocks(), [lock]);
});
