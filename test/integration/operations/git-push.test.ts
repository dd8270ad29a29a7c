import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { commitAll, expectOutcome, gitWorld } from "./git-repos.js";

test("the first push from a clone of an empty remote creates the branch and sets the upstream", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await expectOutcome(a.ops, { kind: "push" }, "up-to-date");
  await writeFile(join(a.dir, "first.md"), "first");
  await commitAll(a.ops);
  const pushed = await expectOutcome(a.ops, { kind: "push" }, "pushed");
  assert.ok(pushed.kind === "push" && pushed.outcome === "pushed");
  const branch = (await a.git("symbolic-ref", "--short", "HEAD")).trim();
  assert.equal((await world.git(world.remote, "rev-parse", branch)).trim(), pushed.head);
  assert.equal(
    (await a.git("rev-parse", "--abbrev-ref", "@{upstream}")).trim(),
    `origin/${branch}`,
  );
  await expectOutcome(a.ops, { kind: "push" }, "up-to-date");
});

test("a push behind the remote is rejected, not forced", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await writeFile(join(a.dir, "base.md"), "base");
  await commitAll(a.ops);
  await expectOutcome(a.ops, { kind: "push" }, "pushed");
  const b = await world.clone("b");
  await writeFile(join(a.dir, "from-a.md"), "a");
  await commitAll(a.ops);
  await expectOutcome(a.ops, { kind: "push" }, "pushed");
  await writeFile(join(b.dir, "from-b.md"), "b");
  await commitAll(b.ops);
  await expectOutcome(b.ops, { kind: "push" }, "rejected");
  assert.equal(
    (await world.git(world.remote, "rev-parse", "main")).trim(),
    (await a.git("rev-parse", "HEAD")).trim(),
  );
});

test("a remote on a missing path is offline, and pushes again once it is back", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await writeFile(join(a.dir, "x.md"), "x");
  await commitAll(a.ops);
  const unplugged = join(world.dir, "unplugged.git");
  await rename(world.remote, unplugged);
  const push = await expectOutcome(a.ops, { kind: "push" }, "offline");
  assert.ok(push.outcome === "offline");
  assert.match(push.reason, /does not appear to be a git repository/);
  const pull = await expectOutcome(
    a.ops,
    { kind: "pull", commitMessage: "m", host: "a", nowMs: 0 },
    "offline",
  );
  assert.ok(pull.outcome === "offline");
  await rename(unplugged, world.remote);
  await expectOutcome(a.ops, { kind: "push" }, "pushed");
});

test("a closed port on loopback is offline, quickly", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await writeFile(join(a.dir, "x.md"), "x");
  await commitAll(a.ops);
  const port = await closedPort();
  await a.git("remote", "set-url", "origin", `git://127.0.0.1:${port}/remote.git`);
  const started = Date.now();
  const push = await expectOutcome(a.ops, { kind: "push" }, "offline");
  assert.ok(push.outcome === "offline");
  assert.match(push.reason, /Connection refused|unable to connect/i);
  assert.ok(Date.now() - started < 10_000);
});

test("a push refused by a reachable remote fails with the command and its stderr", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await writeFile(join(a.dir, "x.md"), "x");
  await commitAll(a.ops);
  const hook = join(world.remote, "hooks", "pre-receive");
  await writeFile(hook, "#!/bin/sh\necho 'policy says no' >&2\nexit 1\n", { mode: 0o755 });
  const push = await expectOutcome(a.ops, { kind: "push" }, "failed");
  assert.ok(push.outcome === "failed");
  assert.equal(push.command?.argv[1], "push");
  assert.match(push.command?.stderrTail ?? "", /policy says no/);
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
