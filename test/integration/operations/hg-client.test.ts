import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { OperationResult } from "../../../src/engine/operation.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import { HG_CLIENT_ENV, hgClientRunner } from "../../../src/operations/hg-client.js";
import { readHgParents } from "../../../src/operations/hg-dirstate.js";
import type { RepoOperations } from "../../../src/operations/repo-operations.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import type { Recipe } from "../../../src/recipes/recipe.js";
import { processRunner, type CommandRunner } from "../../../src/runtime/command-runner.js";
import { chgServers, endChgServersOnExit } from "../../support/chg-servers.js";
import { makeTempDir } from "../../support/temp-dir.js";

// Real hg and chg: a central repository and two clones per test. Each test gives chg a socket
// of its own (CHGSOCKNAME), so its servers are found, killed and never shared with others.
let home: { dir: string; cleanup: () => Promise<void> };
let recipe: Recipe;
const hasChg = existsSync("/usr/bin/chg") || existsSync("/usr/local/bin/chg");

before(async () => {
  home = await makeTempDir("autosync-hgclient-home-");
  process.env.HOME = home.dir;
  process.env.HGRCPATH = join(home.dir, "hgrc");
  process.env.HGUSER = "autosync test <test@example.invalid>";
  const loaded = await loadRecipe("hg", { baseDir: process.cwd() });
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics));
  recipe = loaded.recipe;
});
after(() => home.cleanup());

function hg(cwd: string, ...args: string[]): string {
  return execFileSync("hg", args, { cwd, encoding: "utf8", env: { ...process.env, HGPLAIN: "1" } });
}

/** Records the program of every command, then runs it for real. */
function recording(programs: string[]): CommandRunner {
  return {
    run(argv, options) {
      programs.push(argv[0] ?? "");
      return processRunner.run(argv, options);
    },
  };
}

function killAll(pids: readonly number[]) {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

interface World {
  a: string;
  b: string;
  socketDir: string;
  programs: string[];
  ops(root: string, env?: Record<string, string>, host?: string): RepoOperations;
}

async function makeWorld(t: { after: (fn: () => Promise<void>) => void }): Promise<World> {
  const temp = await makeTempDir("autosync-hgclient-");
  const socketDir = join(temp.dir, "chg");
  await mkdir(socketDir);
  const interrupted = endChgServersOnExit(socketDir);
  t.after(async () => {
    killAll(await chgServers(socketDir));
    await temp.cleanup();
    interrupted.release();
  });
  const remote = join(temp.dir, "remote");
  const a = join(temp.dir, "a");
  const b = join(temp.dir, "b");
  hg(temp.dir, "init", remote);
  hg(temp.dir, "clone", "-q", remote, a);
  await writeFile(join(a, "seed.txt"), "seed\n");
  hg(a, "add", "-q", "seed.txt");
  hg(a, "commit", "-q", "-m", "seed");
  hg(a, "push", "-q");
  hg(temp.dir, "clone", "-q", remote, b);
  const programs: string[] = [];
  const ops = (root: string, env: Record<string, string> = {}, host = "tester") =>
    createOperations({
      root,
      host,
      recipe: { ...recipe, env: { ...recipe.env, CHGSOCKNAME: join(socketDir, "s"), ...env } },
      runner: recording(programs),
    });
  return { a, b, socketDir, programs, ops };
}

async function commitAndPush(ops: RepoOperations) {
  const status = await ops.run({ kind: "status" });
  assert.ok(status.kind === "status" && status.outcome === "ok", JSON.stringify(status));
  const committed = await ops.run({ kind: "commit", entries: status.entries, message: "m" });
  assert.equal(committed.outcome, "committed", JSON.stringify(committed));
  const pushed = await ops.run({ kind: "push" });
  assert.equal(pushed.outcome, "pushed", JSON.stringify(pushed));
}

async function pull(ops: RepoOperations): Promise<OperationResult> {
  const result = await ops.run({ kind: "pull", commitMessage: "local", host: "b", nowMs: 0 });
  assert.ok(
    result.kind === "pull" && (result.outcome === "updated" || result.outcome === "up-to-date"),
    JSON.stringify(result),
  );
  return result;
}

/**
 * Takes HGUSER away for one test (it overrides every hgrc), so the identity is the user's
 * hgrc (HGRCPATH, empty: none) or the fallback. Returns the hgrc's path; emptied afterwards.
 */
function userHgrcOnly(t: { after: (fn: () => Promise<void>) => void }): string {
  const rc = process.env.HGRCPATH ?? "";
  const saved = process.env.HGUSER;
  delete process.env.HGUSER;
  t.after(async () => {
    process.env.HGUSER = saved;
    await writeFile(rc, "");
  });
  return rc;
}

const NAMES = ["with space.txt", "-leading-dash", "ünïcødé ✓.md", "--", "glob:*"];

describe(
  "hg commands through chg",
  { concurrency: 1, skip: !hasChg && "chg not installed" },
  () => {
    test("the recipe's hg commands run through chg; odd names round-trip", async (t) => {
      const w = await makeWorld(t);
      assert.equal(recipe.env[HG_CLIENT_ENV], "chg", "on by default");
      for (const name of NAMES) await writeFile(join(w.a, name), `content of ${name}\n`);
      await commitAndPush(w.ops(w.a));
      const pulled = await pull(w.ops(w.b));
      assert.ok(pulled.kind === "pull" && pulled.outcome === "updated");
      assert.deepEqual([...pulled.changedPaths].sort(), [...NAMES].sort());
      for (const name of NAMES) {
        assert.equal(await readFile(join(w.b, name), "utf8"), `content of ${name}\n`);
      }
      assert.ok(w.programs.length > 0);
      assert.deepEqual(new Set(w.programs), new Set(["chg"]), "no command fell back to hg");
      assert.ok((await chgServers(w.socketDir)).length > 0, "a server answered");
    });

    test("each command's environment reaches the shared server (HGUSER per commit)", async (t) => {
      const w = await makeWorld(t);
      // No ui.username anywhere: commits take the recipe's identityEnv (HGUSER) of each host.
      userHgrcOnly(t);
      for (const host of ["first", "second"]) {
        await writeFile(join(w.a, "seed.txt"), `${host}\n`);
        await commitAndPush(w.ops(w.a, {}, host));
        assert.equal(
          hg(w.a, "log", "-r", ".", "-T", "{author}"),
          `autosync ${host} <autosync@${host}>`,
        );
      }
      assert.deepEqual(new Set(w.programs), new Set(["chg"]));
    });

    test("a changed identity and a re-pointed default path reach the cached server", async (t) => {
      const w = await makeWorld(t);
      const opsA = w.ops(w.a);
      const rc = userHgrcOnly(t);
      for (const who of ["One <1@example.invalid>", "Two <2@example.invalid>"]) {
        // The user's hgrc changes between two commands of the same server.
        await writeFile(rc, `[ui]\nusername = ${who}\n`);
        await writeFile(join(w.a, "seed.txt"), `${who}\n`);
        await commitAndPush(opsA);
        assert.equal(hg(w.a, "log", "-r", ".", "-T", "{author}"), who);
      }
      const other = join(w.socketDir, "..", "other");
      hg(w.a, "clone", "-q", "-U", join(w.socketDir, "..", "remote"), other);
      await writeFile(join(w.a, ".hg", "hgrc"), `[paths]\ndefault = ${other}\n`);
      await writeFile(join(w.a, "seed.txt"), "to the other remote\n");
      await commitAndPush(opsA);
      assert.equal(
        hg(other, "log", "-r", "tip", "-T", "{node}"),
        hg(w.a, "log", "-r", ".", "-T", "{node}"),
      );
      assert.deepEqual(new Set(w.programs), new Set(["chg"]));
    });

    test("an identity configured after a fallback commit is used at the next commit", async (t) => {
      const w = await makeWorld(t);
      const rc = userHgrcOnly(t);
      const opsA = w.ops(w.a, {}, "machine");
      await writeFile(join(w.a, "seed.txt"), "before\n");
      await commitAndPush(opsA);
      assert.equal(
        hg(w.a, "log", "-r", ".", "-T", "{author}"),
        "autosync machine <autosync@machine>",
      );
      await writeFile(rc, "[ui]\nusername = Me <me@example.invalid>\n");
      await writeFile(join(w.a, "seed.txt"), "after\n");
      await commitAndPush(opsA);
      assert.equal(hg(w.a, "log", "-r", ".", "-T", "{author}"), "Me <me@example.invalid>");
    });

    test("a chg server killed with -9 is replaced; nothing is lost", async (t) => {
      const w = await makeWorld(t);
      const opsA = w.ops(w.a);
      await writeFile(join(w.a, "one.txt"), "one\n");
      await commitAndPush(opsA);
      const servers = await chgServers(w.socketDir);
      assert.ok(servers.length > 0);
      killAll(servers);
      await writeFile(join(w.a, "two.txt"), "two\n");
      await commitAndPush(opsA);
      await pull(w.ops(w.b));
      assert.equal(await readFile(join(w.b, "two.txt"), "utf8"), "two\n");
      assert.equal(hg(w.a, "status"), "");
    });

    test("without chg installed the commands run with hg, and chg is not tried again", async (t) => {
      const w = await makeWorld(t);
      const missing = join(w.socketDir, "no-such-chg");
      const opsA = w.ops(w.a, { [HG_CLIENT_ENV]: missing });
      await writeFile(join(w.a, "one.txt"), "one\n");
      await commitAndPush(opsA);
      assert.equal(w.programs[0], missing);
      assert.deepEqual(new Set(w.programs.slice(1)), new Set(["hg"]));
      assert.equal(hg(w.a, "log", "-r", ".", "-T", "{files}"), "one.txt");
    });

    test("when chg cannot start a server, each command runs with hg", async (t) => {
      const w = await makeWorld(t);
      // A socket directory chg can never create.
      const opsA = w.ops(w.a, { CHGSOCKNAME: "/dev/null/chg/server" });
      await writeFile(join(w.a, "one.txt"), "one\n");
      await commitAndPush(opsA);
      assert.ok(w.programs.includes("chg"));
      assert.ok(w.programs.includes("hg"));
      assert.equal(w.programs.filter((p) => p === "chg").length, w.programs.length / 2);
      assert.equal(hg(w.a, "log", "-r", ".", "-T", "{files}"), "one.txt");
    });

    test("a failing command is named as the recipe has it, with hg's exit code and message", async (t) => {
      const w = await makeWorld(t);
      const runner = hgClientRunner(processRunner, "chg");
      const failed = await runner.run(["hg", "log", "--rev", "nosuchrevision"], {
        cwd: w.a,
        env: { ...recipe.env, CHGSOCKNAME: join(w.socketDir, "s") },
      });
      assert.equal(failed.exitCode, 255);
      assert.match(failed.stderr, /abort: unknown revision 'nosuchrevision'/);
      assert.deepEqual(failed.argv, ["chg", "log", "--rev", "nosuchrevision"]);
      assert.match(failed.shortMessage, /^chg log --rev nosuchrevision failed \(exit 255\)/);
    });

    test(`${HG_CLIENT_ENV}=hg turns chg off`, async (t) => {
      const w = await makeWorld(t);
      await writeFile(join(w.a, "one.txt"), "one\n");
      await commitAndPush(w.ops(w.a, { [HG_CLIENT_ENV]: "hg" }));
      assert.deepEqual(new Set(w.programs), new Set(["hg"]));
    });
  },
);

const SLOW_V2 = "storage.dirstate-v2.slow-path=allow";

describe("the working copy's parents read from .hg/dirstate", () => {
  for (const format of ["v1", "v2"]) {
    test(`${format}: what hg says, p2 set only while a merge is pending`, async (t) => {
      const temp = await makeTempDir("autosync-hgdirstate-");
      t.after(temp.cleanup);
      const flag = `format.use-dirstate-v2=${format === "v2"}`;
      const a = join(temp.dir, "a");
      hg(temp.dir, "init", "--config", flag, "--config", SLOW_V2, a);
      // Without Rust, hg 6 needs leave to use dirstate-v2 from Python.
      const h = (...args: string[]) => hg(a, "--config", SLOW_V2, ...args);
      assert.equal(
        (await readFile(join(a, ".hg", "requires"), "utf8")).includes("dirstate-v2"),
        format === "v2",
      );
      const meta = join(a, ".hg");
      const empty = await readHgParents(meta);
      assert.ok(empty === undefined || (empty.p1 === undefined && empty.p2 === undefined));
      await writeFile(join(a, "f.txt"), "base\n");
      h("commit", "-q", "-A", "-m", "base");
      const base = h("log", "-r", ".", "-T", "{node}");
      assert.deepEqual(await readHgParents(meta), { p1: base, p2: undefined });
      await writeFile(join(a, "f.txt"), "one\n");
      h("commit", "-q", "-m", "one");
      const one = h("log", "-r", ".", "-T", "{node}");
      h("update", "-q", "-r", base);
      await writeFile(join(a, "g.txt"), "two\n");
      h("commit", "-q", "-A", "-m", "two");
      const two = h("log", "-r", ".", "-T", "{node}");
      h("merge", "-q", "-r", one);
      assert.deepEqual(await readHgParents(meta), { p1: two, p2: one });
      h("commit", "-q", "-m", "merged");
      const merged = h("log", "-r", ".", "-T", "{node}");
      assert.deepEqual(await readHgParents(meta), { p1: merged, p2: undefined });
    });
  }
});
