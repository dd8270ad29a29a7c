import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { execa } from "execa";
import type { OperationResult } from "../../../src/engine/operation.js";
import { isConflictCopy } from "../../../src/operations/conflict-copy-name.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import type { RepoOperations } from "../../../src/operations/repo-operations.js";
import type { CommandRunner } from "../../../src/runtime/command-runner.js";
import { waitFor } from "../../support/wait-for.js";
import {
  assertNotMidMerge,
  commitAll,
  commitAndPush,
  expectOutcome,
  gitWorld,
  pullRequest,
  treeOf,
  type Clone,
  type GitWorld,
} from "./git-repos.js";

/** A name that is an option, holds a space, a newline and non-ASCII letters. */
const FILE = "-drafts ü\nnotes.md";
const MACHINES = ["alpha", "beta", "gamma", "delta"] as const;
type Machine = (typeof MACHINES)[number];

interface Contention {
  world: GitWorld;
  zed: Clone;
  clones: Record<Machine, Clone>;
  mailboxes: Record<Machine, string>;
}

/**
 * zed pushed FILE first; alpha, beta, gamma and delta each committed their own version of it and were
 * rejected: their heads wait in their mailboxes on the remote.
 */
async function contention(t: TestContext): Promise<Contention> {
  const world = await gitWorld(t);
  const zed = await world.clone("zed");
  await commitAndPush(zed, { [FILE]: "base\n" });
  const clones = {} as Record<Machine, Clone>;
  for (const name of MACHINES) clones[name] = await world.clone(name);
  await commitAndPush(zed, { [FILE]: "zed\n" });
  const mailboxes = {} as Record<Machine, string>;
  for (const name of MACHINES) {
    const clone = clones[name];
    await writeFile(join(clone.dir, FILE), `${name}\n`);
    await commitAll(clone.ops);
    await expectOutcome(clone.ops, { kind: "push" }, "rejected");
    const mailbox = (await readFile(join(clone.dir, ".git", "autosync-mailbox"), "utf8")).trim();
    mailboxes[name] = mailbox;
  }
  return { world, zed, clones, mailboxes };
}

const pull = (clone: Clone, extra: { takeOver?: boolean } = {}) =>
  clone.ops.run({ ...pullRequest(clone.dir.split("/").at(-1)), ...extra });

async function remoteRef(world: GitWorld, ref: string): Promise<string> {
  return (await world.git(world.remote, "rev-parse", "--verify", "-q", ref).catch(() => "")).trim();
}

/** Every version ever written of FILE, as the tree holds them: the path and its copies. */
async function versionsIn(clone: Clone): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const name of await readdir(clone.dir)) {
    if (name === FILE || (isConflictCopy(name) && name.startsWith("-drafts ü\nnotes ("))) {
      versions.set(name, await readFile(join(clone.dir, name), "utf8"));
    }
  }
  return versions;
}

function assertDeferred(result: OperationResult, to: string) {
  assert.ok(result.kind === "pull" && result.outcome === "up-to-date", JSON.stringify(result));
  assert.equal(result.deferredTo, to);
  assert.equal(result.needsPush, false);
}

/** The merger's pull: everything merged, one push owed. */
async function mergeAll(clone: Clone, extra: { takeOver?: boolean } = {}) {
  const result = await pull(clone, extra);
  assert.ok(result.kind === "pull" && result.outcome === "updated", JSON.stringify(result));
  assert.equal(result.deferredTo, undefined);
  assert.equal(result.needsPush, true);
  await assertNotMidMerge(clone);
  assert.equal(await clone.git("status", "--porcelain"), "");
  return result;
}

async function fastForwards(clone: Clone) {
  const result = await pull(clone);
  assert.ok(result.kind === "pull" && result.outcome === "updated", JSON.stringify(result));
  assert.equal(result.needsPush, false, "its head is in main: nothing to push");
  assert.deepEqual(result.conflicts, []);
  assert.equal(result.mergedMailboxes, undefined, "a fast-forward merged no mailbox");
  assert.equal(result.mailboxPushes, true, "every pull tells the engine of the mailboxes");
}

async function assertAllKept(c: Contention, alsoKept: readonly string[] = []) {
  const everyone = [c.zed, ...MACHINES.map((name) => c.clones[name])];
  await expectOutcome(c.zed.ops, pullRequest("zed"), "updated");
  const reference = await treeOf(everyone[0]!);
  for (const clone of everyone) {
    await assertNotMidMerge(clone);
    assert.deepEqual(await treeOf(clone), reference);
  }
  const kept = [...(await versionsIn(c.zed)).values()].sort();
  assert.deepEqual(
    kept,
    ["alpha\n", "beta\n", "delta\n", "gamma\n", "zed\n", ...alsoKept].sort(),
    "every version kept",
  );
}

test("a push whose main is rejected still puts the clone's head in its mailbox", async (t) => {
  const c = await contention(t);
  for (const name of MACHINES) {
    const mailbox = c.mailboxes[name];
    assert.match(mailbox, new RegExp(`^${name}-[0-9a-f]{6}$`));
    await execa("git", ["check-ref-format", `refs/heads/synced/${mailbox}`]);
    assert.equal(
      await remoteRef(c.world, `refs/heads/synced/${mailbox}`),
      (await c.clones[name].git("rev-parse", "HEAD")).trim(),
    );
  }
  assert.equal(
    await remoteRef(c.world, "refs/heads/main"),
    (await c.zed.git("rev-parse", "HEAD")).trim(),
  );
  // Two working copies of one host get two mailboxes.
  const twin = await c.world.clone("twin", { host: "alpha" });
  await commitAndPush(twin, { "twin.md": "t\n" });
  const twinMailbox = (await readFile(join(twin.dir, ".git", "autosync-mailbox"), "utf8")).trim();
  assert.match(twinMailbox, /^alpha-[0-9a-f]{6}$/);
  assert.notEqual(twinMailbox, c.mailboxes.alpha);
});

test("the lowest mailbox merges main and every other mailbox; the others defer, then fast-forward", async (t) => {
  const c = await contention(t);
  const { alpha, beta, gamma, delta } = c.clones;
  const betaHead = await beta.git("rev-parse", "HEAD");
  assertDeferred(await pull(beta), c.mailboxes.alpha);
  assertDeferred(await pull(gamma), c.mailboxes.alpha);
  assertDeferred(await pull(delta), c.mailboxes.alpha);
  assert.equal(await beta.git("rev-parse", "HEAD"), betaHead, "a deferring clone merges nothing");

  const merged = await mergeAll(alpha);
  assert.ok(merged.kind === "pull" && merged.outcome === "updated");
  assert.equal(merged.conflicts.length, 4, JSON.stringify(merged.conflicts));
  assert.equal(merged.mergedMailboxes, true, "the engine learns it merged others' heads");
  // Each mailbox's version is kept under its own host's name; main's stays at the path.
  const copies = merged.conflicts.map((conflict) => conflict.copyPath ?? "");
  for (const name of MACHINES) {
    const copy = copies.find((path) => path.includes(`(conflict ${name} `));
    assert.ok(copy, `a copy named for ${name}: ${copies.join(" | ")}`);
    assert.equal(await readFile(join(alpha.dir, copy), "utf8"), `${name}\n`);
  }
  assert.equal(await readFile(join(alpha.dir, FILE), "utf8"), "zed\n");
  await expectOutcome(alpha.ops, { kind: "push" }, "pushed");

  await fastForwards(beta);
  await fastForwards(gamma);
  await fastForwards(delta);
  await assertAllKept(c);
});

test("after the merger's push a deferring clone with a clean tree fast-forwards without a status", async (t) => {
  const c = await contention(t);
  const { alpha, beta, gamma, delta } = c.clones;
  assertDeferred(await pull(beta), c.mailboxes.alpha);
  await mergeAll(alpha);
  await expectOutcome(alpha.ops, { kind: "push" }, "pushed");
  // beta's head is in main now, but not where its remote-tracking ref was: a fast-forward all
  // the same, which a clean tree takes without looking at the tree (git refuses, touching
  // nothing, to overwrite a change).
  const ran: string[] = [];
  const recorded = createOperations({
    root: beta.dir,
    recipe: c.world.recipe,
    host: "beta",
    runner: {
      run: (argv, options) => {
        ran.push(argv.slice(1, 3).join(" "));
        return c.world.runner.run(argv, options);
      },
    },
  });
  const result = await recorded.run({ ...pullRequest("beta"), treeClean: true });
  assert.ok(result.kind === "pull" && result.outcome === "updated", JSON.stringify(result));
  assert.equal(result.needsPush, false);
  assert.deepEqual(result.conflicts, []);
  assert.ok(ran.includes("merge --ff-only"), ran.join(" | "));
  assert.ok(!ran.some((command) => command.startsWith("status")), ran.join(" | "));
  assert.ok(!ran.some((command) => command.startsWith("ls-files")), ran.join(" | "));
  await fastForwards(gamma);
  await fastForwards(delta);
  await assertAllKept(c);
});

test("a clone that committed after its mailbox went out mails the new head, then defers", async (t) => {
  const c = await contention(t);
  const { alpha, beta, gamma, delta } = c.clones;
  // beta's head moved on since its rejected push: the mailbox still holds the old one.
  await writeFile(join(beta.dir, "-later ✓.md"), "committed after the push\n");
  await commitAll(beta.ops);
  const betaHead = (await beta.git("rev-parse", "HEAD")).trim();
  assert.notEqual(await remoteRef(c.world, `refs/heads/synced/${c.mailboxes.beta}`), betaHead);

  assertDeferred(await pull(beta), c.mailboxes.alpha);
  assert.equal(
    await remoteRef(c.world, `refs/heads/synced/${c.mailboxes.beta}`),
    betaHead,
    "the new head is in beta's mailbox",
  );
  assert.equal((await beta.git("rev-parse", "HEAD")).trim(), betaHead, "beta merged nothing");
  assert.notEqual(
    await remoteRef(c.world, "refs/heads/main"),
    betaHead,
    "main was not touched by the mail",
  );

  await mergeAll(alpha);
  await expectOutcome(alpha.ops, { kind: "push" }, "pushed");
  await fastForwards(beta);
  await fastForwards(gamma);
  await fastForwards(delta);
  await assertAllKept(c);
  assert.equal(
    await readFile(join(c.zed.dir, "-later ✓.md"), "utf8"),
    "committed after the push\n",
  );
});

test("the merger looks once more before its push: a late mailbox and a moved main are merged too", async (t) => {
  const c = await contention(t);
  const { alpha, beta, gamma, delta } = c.clones;
  const late = await c.world.clone("epsilon");
  await late.git("reset", "--quiet", "--hard", "HEAD~1"); // from before zed's version, as the others
  await writeFile(join(late.dir, FILE), "epsilon\n");
  await commitAll(late.ops);
  // While alpha merges its first mailbox, epsilon's rejected push mails its head and zed
  // pushes another version of main.
  let arrived = false;
  const merger = createOperations({
    root: alpha.dir,
    recipe: c.world.recipe,
    host: "alpha",
    runner: {
      run: async (argv, options) => {
        if (!arrived && argv[1] === "merge" && argv.some((arg) => arg.includes("/synced/"))) {
          arrived = true;
          await expectOutcome(late.ops, { kind: "push" }, "rejected");
          await commitAndPush(c.zed, { "zed-again.md": "main moved on\n" });
        }
        return c.world.runner.run(argv, options);
      },
    },
  });
  const merged = await merger.run(pullRequest("alpha"));
  assert.ok(merged.kind === "pull" && merged.outcome === "updated", JSON.stringify(merged));
  assert.ok(arrived, "the late arrivals came during the merges");
  const copies = merged.conflicts.map((conflict) => conflict.copyPath ?? "");
  assert.ok(
    copies.some((path) => path.includes("(conflict epsilon ")),
    `epsilon's version is kept: ${copies.join(" | ")}`,
  );
  assert.equal(await readFile(join(alpha.dir, "zed-again.md"), "utf8"), "main moved on\n");
  await assertNotMidMerge(alpha);
  await expectOutcome(merger, { kind: "push" }, "pushed");
  // Everyone's head is in main now: each of them fast-forwards, nobody merges again.
  for (const clone of [beta, gamma, delta, late]) await fastForwards(clone);
  await assertAllKept(c, ["epsilon\n"]);
});

test("take-over: when the elected merger never comes, a deferring clone merges everything", async (t) => {
  const c = await contention(t);
  const { alpha, beta, gamma, delta } = c.clones;
  assertDeferred(await pull(beta), c.mailboxes.alpha);
  await mergeAll(beta, { takeOver: true });
  await expectOutcome(beta.ops, { kind: "push" }, "pushed");
  // alpha, the merger that never came, gamma and delta find their heads in main.
  await fastForwards(alpha);
  await fastForwards(gamma);
  await fastForwards(delta);
  await assertAllKept(c);
});

test("a clone whose fetch refspec brings no mailboxes keeps the serial rounds", async (t) => {
  const c = await contention(t);
  const { beta } = c.clones;
  await beta.git(
    "config",
    "--replace-all",
    "remote.origin.fetch",
    "+refs/heads/main:refs/remotes/origin/main",
  );
  await beta.git("update-ref", "-d", `refs/remotes/origin/synced/${c.mailboxes.beta}`);
  const result = await pull(beta);
  assert.ok(result.kind === "pull" && result.outcome === "updated", JSON.stringify(result));
  assert.equal(result.deferredTo, undefined);
  assert.equal(result.conflicts.length, 1, "main merged, no mailbox");
  await expectOutcome(beta.ops, { kind: "push" }, "pushed");
  await assertNotMidMerge(beta);
});

test("a mailbox the remote refuses does not make a push of main look rejected", async (t) => {
  const world = await gitWorld(t);
  const a = await world.clone("a");
  await commitAndPush(a, { "seed.md": "s\n" });
  const hook = join(world.remote, "hooks", "update");
  await writeFile(
    hook,
    '#!/bin/sh\ncase "$1" in refs/heads/synced/*) echo "no mailboxes here" >&2; exit 1;; esac\nexit 0\n',
    { mode: 0o755 },
  );
  const mailboxBefore = (
    await world.git(world.remote, "for-each-ref", "refs/heads/synced/")
  ).trim();
  await writeFile(join(a.dir, "two.md"), "2\n");
  await commitAll(a.ops);
  const pushed = await expectOutcome(a.ops, { kind: "push" }, "pushed");
  assert.ok(pushed.kind === "push" && pushed.outcome === "pushed");
  assert.equal(
    await remoteRef(world, "refs/heads/main"),
    (await a.git("rev-parse", "HEAD")).trim(),
  );
  assert.equal(
    (await world.git(world.remote, "for-each-ref", "refs/heads/synced/")).trim(),
    mailboxBefore,
    "the hook refused the mailbox",
  );
});

/**
 * Operations over `clone` whose runner stops for good at the first command `stopAt` matches:
 * that command and everything after never run, as after a kill -9 just before it.
 */
function killedBefore(world: GitWorld, clone: Clone, stopAt: (argv: readonly string[]) => boolean) {
  let killed = false;
  const runner: CommandRunner = {
    run: (argv, options) => {
      if (killed || stopAt(argv)) {
        killed = true;
        return new Promise(() => {});
      }
      return world.runner.run(argv, options);
    },
  };
  const ops: RepoOperations = createOperations({
    root: clone.dir,
    recipe: world.recipe,
    runner,
    host: clone.dir.split("/").at(-1),
  });
  return { ops, wasKilled: () => killed };
}

/** What a restarted daemon runs first: a whole-tree look, then (after any commit) pull, push. */
async function restartedSync(clone: Clone) {
  const status = await expectOutcome(clone.ops, { kind: "status" }, "ok");
  assert.ok(status.kind === "status" && status.outcome === "ok");
  assert.deepEqual(status.entries, [], "nothing half-done left in the tree");
  const pulled = await pull(clone);
  assert.ok(pulled.kind === "pull" && pulled.outcome !== "failed", JSON.stringify(pulled));
  if (pulled.kind === "pull" && pulled.outcome !== "offline" && pulled.outcome !== "unhealthy")
    if (pulled.needsPush) await expectOutcome(clone.ops, { kind: "push" }, "pushed");
  return pulled;
}

test("kill -9 between the merges of two mailboxes: committed state, nothing lost after restart", async (t) => {
  const c = await contention(t);
  const { alpha, beta, gamma, delta } = c.clones;
  const crash = killedBefore(
    c.world,
    alpha,
    (argv) =>
      argv.some((arg) => arg.endsWith(`synced/${c.mailboxes.delta}`)) && argv.includes("merge"),
  );
  void crash.ops.run(pullRequest("alpha"));
  await waitFor("alpha to reach delta's merge", () => crash.wasKilled(), { timeoutMs: 30_000 });
  // main and beta are merged and committed; delta's merge (then gamma's) never started.
  await assertNotMidMerge(alpha);
  assert.equal(await alpha.git("status", "--porcelain"), "");
  const log = await alpha.git("log", "--format=%s", "-3");
  assert.match(log, new RegExp(`synced/${c.mailboxes.beta}`));

  await restartedSync(alpha);
  // delta and gamma are still missing from main: the lower of them merges both.
  assertDeferred(await pull(gamma), c.mailboxes.delta);
  await mergeAll(delta);
  await expectOutcome(delta.ops, { kind: "push" }, "pushed");
  for (const clone of [alpha, beta, gamma]) await fastForwards(clone);
  await assertAllKept(c);
});

test("kill -9 after the merges, before the push: the restart pushes them", async (t) => {
  const c = await contention(t);
  const { alpha, beta, gamma, delta } = c.clones;
  const crash = killedBefore(c.world, alpha, (argv) => argv.includes("push"));
  await crash.ops.run(pullRequest("alpha"));
  void crash.ops.run({ kind: "push" });
  await waitFor("alpha to reach its push", () => crash.wasKilled(), { timeoutMs: 30_000 });
  await assertNotMidMerge(alpha);
  const restarted = await restartedSync(alpha);
  assert.ok(restarted.kind === "pull" && restarted.outcome === "up-to-date");
  assert.equal(restarted.needsPush, true);
  await fastForwards(beta);
  await fastForwards(gamma);
  await fastForwards(delta);
  await assertAllKept(c);
});

test("kill -9 while deferring: the restarted clone defers again, then fast-forwards", async (t) => {
  const c = await contention(t);
  const { alpha, beta, gamma, delta } = c.clones;
  assertDeferred(await pull(beta), c.mailboxes.alpha);
  // The wait lives only in the engine: a restart finds the tree as the deferral left it.
  const restartedBeta = {
    ...beta,
    ops: createOperations({
      root: beta.dir,
      recipe: c.world.recipe,
      runner: c.world.runner,
      host: "beta",
    }),
  };
  const again = await restartedSync(restartedBeta);
  assertDeferred(again, c.mailboxes.alpha);
  await mergeAll(alpha);
  await expectOutcome(alpha.ops, { kind: "push" }, "pushed");
  await fastForwards(restartedBeta);
  await fastForwards(gamma);
  await fastForwards(delta);
  await assertAllKept(c);
});
