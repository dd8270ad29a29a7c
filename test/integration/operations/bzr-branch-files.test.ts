import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  localParentIsBranch,
  readBzrMergePending,
  readBzrTip,
} from "../../../src/operations/bzr-branch-files.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import type { Recipe } from "../../../src/recipes/recipe.js";
import { processRunner, type CommandRunner } from "../../../src/runtime/command-runner.js";
import { makeTempDir } from "../../support/temp-dir.js";

// Real brz: what the control files say must be what brz says, in every state the operations
// ask about (empty, committed, merge pending, conflicts, parent moved away or re-pointed).
let home: { dir: string; cleanup: () => Promise<void> };
let recipe: Recipe;

before(async () => {
  home = await makeTempDir("autosync-bzrfiles-home-");
  process.env.HOME = home.dir;
  process.env.BRZ_EMAIL = "autosync test <test@example.invalid>";
  const loaded = await loadRecipe("bzr", { baseDir: process.cwd() });
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics));
  recipe = loaded.recipe;
});
after(() => home.cleanup());

function brz(cwd: string, ...args: string[]): string {
  return execFileSync("brz", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C.UTF-8", BRZ_PROGRESS_BAR: "none" },
  });
}

function tipOf(root: string): string | undefined {
  const id = brz(root, "revision-info").trim().split(/\s+/).at(-1);
  return id === "null:" ? undefined : id;
}

/** brz's own answer: `P` or `C` lines in the short status. */
function brzSaysPending(root: string): boolean {
  return /^(P|C) {3}/m.test(brz(root, "status", "--short", "--versioned"));
}

async function twoBranches(t: { after: (fn: () => Promise<void>) => void }) {
  const temp = await makeTempDir("autosync-bzrfiles-");
  t.after(temp.cleanup);
  // Odd names on the way to the parent: a space, unicode, a leading dash.
  const central = join(temp.dir, "cen tral ✓", "-trunk");
  const mine = join(temp.dir, "mine");
  execFileSync("mkdir", ["-p", join(temp.dir, "cen tral ✓")]);
  brz(join(temp.dir, "cen tral ✓"), "init", "-q", "--", "-trunk");
  const seedTree = join(temp.dir, "seed");
  brz(temp.dir, "branch", "-q", "--", central, seedTree);
  await writeFile(join(seedTree, "f.txt"), "base\n");
  brz(seedTree, "add", "-q");
  brz(seedTree, "commit", "-q", "-m", "base");
  brz(seedTree, "push", "-q", ":parent");
  brz(temp.dir, "branch", "-q", "--", central, mine);
  return { temp: temp.dir, central, seedTree, mine, meta: join(mine, ".bzr") };
}

describe("brz facts from the control files", { concurrency: 1 }, () => {
  test("the tip is what brz revision-info says, also for an empty branch", async (t) => {
    const temp = await makeTempDir("autosync-bzrfiles-");
    t.after(temp.cleanup);
    const root = join(temp.dir, "b");
    brz(temp.dir, "init", "-q", root);
    assert.deepEqual(await readBzrTip(join(root, ".bzr")), { id: undefined });
    await writeFile(join(root, "a.txt"), "a\n");
    brz(root, "add", "-q");
    brz(root, "commit", "-q", "-m", "one");
    assert.deepEqual(await readBzrTip(join(root, ".bzr")), { id: tipOf(root) });
    assert.equal(await readBzrTip(join(temp.dir, "nowhere", ".bzr")), undefined, "ask brz");
  });

  test("a pending merge and recorded conflicts are seen as brz status shows them", async (t) => {
    const b = await twoBranches(t);
    assert.equal(await readBzrMergePending(b.meta), false);
    assert.equal(brzSaysPending(b.mine), false);
    await writeFile(join(b.seedTree, "f.txt"), "theirs\n");
    brz(b.seedTree, "commit", "-q", "-m", "theirs");
    await writeFile(join(b.mine, "f.txt"), "ours\n");
    brz(b.mine, "commit", "-q", "-m", "ours");
    try {
      brz(b.mine, "merge", "-q", b.seedTree);
    } catch {
      // exit 1: a text conflict, as wanted
    }
    assert.equal(brzSaysPending(b.mine), true);
    assert.equal(await readBzrMergePending(b.meta), true);
    brz(b.mine, "revert", "--no-backup");
    assert.equal(brzSaysPending(b.mine), false);
    assert.equal(await readBzrMergePending(b.meta), false);
  });

  test("a local parent is a branch until it moves away; a re-pointed parent is followed", async (t) => {
    const b = await twoBranches(t);
    assert.equal(await localParentIsBranch(b.mine, b.meta), true);
    const moved = `${b.central}-moved`;
    await rename(b.central, moved);
    assert.equal(await localParentIsBranch(b.mine, b.meta), false);
    brz(b.mine, "config", `parent_location=${moved}`);
    assert.equal(await localParentIsBranch(b.mine, b.meta), true);
    brz(b.mine, "config", "parent_location=bzr+ssh://example.invalid/x");
    assert.equal(await localParentIsBranch(b.mine, b.meta), false, "only brz can tell");
  });

  test("push counts one process with a local parent and never creates a moved-away one", async (t) => {
    const b = await twoBranches(t);
    const argv: string[][] = [];
    const runner: CommandRunner = {
      run(command, options) {
        argv.push([...command]);
        return processRunner.run(command, options);
      },
    };
    const ops = createOperations({ root: b.mine, recipe, runner });
    await writeFile(join(b.mine, "new.txt"), "new\n");
    const looked = await ops.run({ kind: "status" });
    assert.ok(looked.kind === "status" && looked.outcome === "ok");
    const committed = await ops.run({ kind: "commit", entries: looked.entries, message: "m" });
    assert.equal(committed.outcome, "committed", JSON.stringify(committed));
    argv.length = 0;
    const pushed = await ops.run({ kind: "push" });
    assert.equal(pushed.outcome, "pushed", JSON.stringify(pushed));
    assert.deepEqual(
      argv.map((a) => a[1]),
      ["push"],
    );
    assert.equal(tipOf(b.central), tipOf(b.mine));

    await rename(b.central, `${b.central}-moved`);
    await writeFile(join(b.mine, "new.txt"), "newer\n");
    await ops.run({
      kind: "commit",
      entries: [{ path: "new.txt", action: "modified" }],
      message: "m",
    });
    const offline = await ops.run({ kind: "push" });
    assert.equal(offline.outcome, "offline", JSON.stringify(offline));
    assert.throws(() => brz(b.temp, "revision-info", "-d", b.central), "no branch was created");
  });
});

describe(
  "brz status runs add --dry-run only when status shows unknown files",
  { concurrency: 1 },
  () => {
    function counting(argv: string[][]): CommandRunner {
      return {
        run(command, options) {
          argv.push([...command]);
          return processRunner.run(command, options);
        },
      };
    }

    test("an edited file: one process; a new one: the dry run finds it", async (t) => {
      const b = await twoBranches(t);
      const argv: string[][] = [];
      const ops = createOperations({ root: b.mine, recipe, runner: counting(argv) });
      await writeFile(join(b.mine, "f.txt"), "edited\n");
      const edited = await ops.run({ kind: "status" });
      assert.ok(edited.kind === "status" && edited.outcome === "ok");
      assert.deepEqual(
        edited.entries.map((e) => [e.path, e.action]),
        [["f.txt", "modified"]],
      );
      assert.deepEqual(
        argv.map((a) => a[1]),
        ["status"],
      );
      execFileSync("mkdir", [join(b.mine, "new dir")]);
      await writeFile(join(b.mine, "new dir", "-x ✓.txt"), "x\n");
      argv.length = 0;
      const added = await ops.run({ kind: "status" });
      assert.ok(added.kind === "status" && added.outcome === "ok");
      assert.deepEqual(added.entries.map((e) => [e.path, e.action]).sort(), [
        ["f.txt", "modified"],
        ["new dir/-x ✓.txt", "added"],
      ]);
      assert.deepEqual(
        argv.map((a) => a[1]),
        ["status", "add"],
      );
    });

    test("an unknown name with a newline cannot pose as a change", async (t) => {
      const b = await twoBranches(t);
      const ops = createOperations({ root: b.mine, recipe, runner: processRunner });
      // Printed by status as two lines, the second shaped like a modified file's.
      await writeFile(join(b.mine, "a\n M  f.txt"), "hostile\n");
      const looked = await ops.run({ kind: "status" });
      assert.ok(looked.kind === "status" && looked.outcome === "ok", JSON.stringify(looked));
      assert.deepEqual(looked.entries, []);
      assert.deepEqual(looked.unstorable, ["a\n M  f.txt"]);
    });
  },
);

describe("a fast-forward brz pull reports its changed paths from brz pull's own report", () => {
  test("the same paths as brz status between the two revisions, without asking it", async (t) => {
    const b = await twoBranches(t);
    await writeFile(join(b.seedTree, "renamed from.txt"), "r\n");
    await writeFile(join(b.seedTree, "gone.txt"), "g\n");
    brz(b.seedTree, "add", "-q");
    brz(b.seedTree, "commit", "-q", "-m", "more");
    brz(b.seedTree, "push", "-q", ":parent");
    const argv: string[][] = [];
    const runner: CommandRunner = {
      run(command, options) {
        argv.push([...command]);
        return processRunner.run(command, options);
      },
    };
    const ops = createOperations({ root: b.mine, recipe, runner });
    await pull(ops);
    const before = tipOf(b.mine);

    await writeFile(join(b.seedTree, "f.txt"), "edited\n");
    execFileSync("mkdir", ["-p", join(b.seedTree, "new dir", "-sub ✓")]);
    await writeFile(join(b.seedTree, "new dir", "-sub ✓", "x y.txt"), "x\n");
    brz(b.seedTree, "add", "-q");
    brz(b.seedTree, "mv", "-q", "--", "renamed from.txt", "renamed to.txt");
    brz(b.seedTree, "rm", "-q", "--", "gone.txt");
    brz(b.seedTree, "commit", "-q", "-m", "changes");
    brz(b.seedTree, "push", "-q", ":parent");

    argv.length = 0;
    const pulled = await pull(ops);
    const after = tipOf(b.mine);
    assert.notEqual(after, before);
    const asked = brz(
      b.mine,
      "status",
      "--short",
      "--no-pending",
      "--no-classify",
      "--revision",
      `revid:${before}..revid:${after}`,
    );
    const expected = new Set<string>();
    for (const line of asked.split("\n").filter(Boolean)) {
      for (const name of line.slice(4).split(" => ")) expected.add(name);
    }
    assert.deepEqual([...pulled.changedPaths].sort(), [...expected].sort());
    assert.ok(!argv.some((a) => a[1] === "status" && a.includes("--revision")), "no second status");
  });
});

async function pull(ops: ReturnType<typeof createOperations>) {
  const result = await ops.run({ kind: "pull", commitMessage: "local", host: "b", nowMs: 0 });
  assert.ok(result.kind === "pull" && result.outcome === "updated", JSON.stringify(result));
  return result;
}

describe("brz commit identity", () => {
  test("an identity configured after a fallback commit is used at the next commit", async (t) => {
    const b = await twoBranches(t);
    const saved = process.env.BRZ_EMAIL;
    delete process.env.BRZ_EMAIL;
    t.after(() => {
      process.env.BRZ_EMAIL = saved;
    });
    const ops = createOperations({ root: b.mine, recipe, runner: processRunner, host: "machine" });
    const commitEdit = async (text: string) => {
      await writeFile(join(b.mine, "f.txt"), text);
      const entries = [{ path: "f.txt", action: "modified" as const }];
      const committed = await ops.run({ kind: "commit", entries, message: text });
      assert.equal(committed.outcome, "committed", JSON.stringify(committed));
      return /^committer: (.*)$/m.exec(brz(b.mine, "log", "--limit", "1"))?.[1];
    };
    assert.equal(await commitEdit("before\n"), "autosync machine <autosync@machine>");
    brz(b.mine, "whoami", "Me <me@example.invalid>");
    assert.equal(await commitEdit("after\n"), "Me <me@example.invalid>");
  });
});
