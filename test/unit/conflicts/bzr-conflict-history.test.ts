import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { execa } from "execa";
import { findConflicts, readThreeWay } from "../../../src/conflicts/find-conflicts.js";
import { conflictCopyName } from "../../../src/operations/conflict-copy-name.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import { processRunner, type CommandRunner } from "../../../src/runtime/command-runner.js";
import { holdTreeLock } from "../../support/bzr-tree-lock.js";
import { makeTempDir } from "../../support/temp-dir.js";

/**
 * `autosync conflicts` over a brz history built by hand the way three daemons build it, while
 * another process holds the working tree's lock as the running daemon does for its status checks.
 */

const FILE = "notes é 1.md";
const BASE = "title\none\ntwo\nthree\n";
const ENV = { LC_ALL: "C.UTF-8", LANGUAGE: "C", BRZ_PROGRESS_BAR: "none" };

/**
 * alpha edits and pushes; beta and gamma each commit their edit, merge the parent branch, keep
 * the parent's version as the file and their own as a copy, and push; alpha pulls the end.
 */
async function threeWayConflict(t: { after(fn: () => unknown): void }) {
  const { dir, cleanup } = await makeTempDir("autosync-bzr-conflict-");
  t.after(cleanup);
  const brz = async (cwd: string, host: string, ...args: string[]) =>
    execa("brz", args, {
      cwd,
      env: { ...ENV, BRZ_EMAIL: `${host} <${host}@example.org>` },
      reject: false,
    });
  const at = (host: string) => join(dir, host);
  await brz(dir, "alpha", "init", "-q", "central");
  await brz(dir, "alpha", "branch", "-q", "central", "alpha");
  await writeFile(join(at("alpha"), FILE), BASE);
  await brz(at("alpha"), "alpha", "add", "-q");
  await brz(at("alpha"), "alpha", "commit", "-q", "-m", "autosync alpha: 1 added");
  await brz(at("alpha"), "alpha", "push", "-q", ":parent");
  for (const host of ["beta", "gamma"]) await brz(dir, host, "branch", "-q", "central", host);
  await writeFile(join(at("alpha"), FILE), BASE.replace("one", "one edited on alpha"));
  await brz(at("alpha"), "alpha", "commit", "-q", "-m", "autosync alpha: 1 modified");
  await brz(at("alpha"), "alpha", "push", "-q", ":parent");
  for (const [index, host] of ["beta", "gamma"].entries()) {
    const mine = BASE.replace("two", `two edited on ${host}`);
    await writeFile(join(at(host), FILE), mine);
    await brz(at(host), host, "commit", "-q", "-m", `autosync ${host}: 1 modified`);
    await brz(at(host), host, "merge", "-q", ":parent");
    await brz(at(host), host, "resolve", "--action=take-other", "--", FILE);
    const copy = conflictCopyName(
      FILE,
      host,
      Date.UTC(2026, 11, 5, 17, 1, 12 + index),
      Buffer.from(mine),
    );
    await writeFile(join(at(host), copy), mine);
    await brz(at(host), host, "add", "-q", "--", copy);
    await brz(at(host), host, "commit", "-q", "-m", `autosync: merge :parent on ${host}`);
    const pushed = await brz(at(host), host, "push", "-q", ":parent");
    assert.equal(pushed.exitCode, 0, pushed.stderr);
    await brz(at("alpha"), "alpha", "pull", "-q", ":parent");
  }
  return at("alpha");
}

/** Runs brz in `root` as alpha; fails the test when brz fails. */
async function brzOnAlpha(root: string, ...args: string[]): Promise<void> {
  const result = await execa("brz", args, {
    cwd: root,
    env: { ...ENV, BRZ_EMAIL: "alpha <alpha@example.org>" },
    reject: false,
  });
  assert.equal(result.exitCode, 0, result.stderr);
}

/** The real runner; the first time `shouldLock` says so, the tree is locked just before. */
function lockingOnce(root: string, shouldLock: (argv: readonly string[]) => boolean) {
  let locked = false;
  const runner: CommandRunner = {
    async run(argv, options) {
      if (!locked && shouldLock(argv)) {
        locked = true;
        await holdTreeLock(root, 1500);
      }
      return processRunner.run(argv, options);
    },
  };
  return { runner, locked: () => locked };
}

async function bzrSource(root: string, runner: CommandRunner) {
  const loaded = await loadRecipe("bzr", { baseDir: root });
  assert.ok(loaded.ok);
  return { repo: "notes", root, recipe: loaded.recipe, runner, host: "alpha" };
}

describe("conflicts over brz history (real brz)", () => {
  test("three machines' keep-both merges: each machine's version and the common ancestor", async (t) => {
    const root = await threeWayConflict(t);
    const source = await bzrSource(root, processRunner);
    const [conflict] = await findConflicts(source);
    assert.ok(conflict);
    assert.deepEqual(
      conflict.versions.map((version) => [version.role, version.host]),
      [
        ["file", "alpha"],
        ["copy", "beta"],
        ["copy", "gamma"],
      ],
    );
    assert.equal(conflict.base?.exists, true);
    const { ancestor } = await readThreeWay(source, conflict);
    assert.equal(ancestor?.toString("utf8"), BASE);
  });

  test("the tree's lock held by another process while a copy's history is read: the ancestor is still found", async (t) => {
    const root = await threeWayConflict(t);
    // The moment the daemon's `brz add --dry-run` met the copy's `brz log` in the failed run.
    const lock = lockingOnce(root, (argv) => argv.includes("log") && argv.at(-1) !== FILE);
    const source = await bzrSource(root, lock.runner);
    const [conflict] = await findConflicts(source);
    assert.ok(lock.locked(), "the lock was taken during the listing");
    assert.ok(conflict);
    assert.equal(conflict.base?.exists, true, "the ancestor is known");
    const { ancestor } = await readThreeWay(source, conflict);
    assert.equal(ancestor?.toString("utf8"), BASE);
  });

  test("the oldest copy was not made by a merge: the next copy's merge gives the ancestor", async (t) => {
    const root = await threeWayConflict(t);
    // Same bytes as the first version of the file, so it sorts first; added by a plain commit.
    const byHand = conflictCopyName(FILE, "delta", Date.UTC(2026, 11, 5, 17, 2), Buffer.from(BASE));
    await writeFile(join(root, byHand), BASE);
    await brzOnAlpha(root, "add", "-q", "--", byHand);
    await brzOnAlpha(root, "commit", "-q", "-m", "autosync alpha: 1 added");
    const source = await bzrSource(root, processRunner);
    const [conflict] = await findConflicts(source);
    assert.ok(conflict);
    assert.equal(conflict.versions[1]?.path, byHand, "the copy by hand is the oldest");
    assert.equal(conflict.base?.exists, true, "the ancestor is known");
    const { ancestor } = await readThreeWay(source, conflict);
    assert.equal(ancestor?.toString("utf8"), BASE);
  });

  test("the tree's lock held while the tracked files are listed: the listing waits for it", async (t) => {
    const root = await threeWayConflict(t);
    const lock = lockingOnce(root, (argv) => argv.includes("ls"));
    const conflicts = await findConflicts(await bzrSource(root, lock.runner));
    assert.ok(lock.locked());
    assert.equal(conflicts.length, 1);
    assert.equal(conflicts[0]?.versions.length, 3);
  });
});
