import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import type { CliIo } from "../../../src/cli/command.js";
import { runCli } from "../../../src/cli/run-cli.js";
import { defaultCloneDir } from "../../../src/cli/commands/clone.js";
import { AUTOSYNC_MAIN, nodeBinary } from "../../support/sync-fixture.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { waitFor } from "../../support/wait-for.js";

const exec = promisify(execFile);

/**
 * `autosync clone`, `add` and `remove` against real git, hg and brz repositories in a temp
 * home: the config they create or edit is the one `autosync run` would find there.
 */
let root: string;
let home: string;
let cleanup: () => Promise<void>;
const previousEnv = { ...process.env };

before(async () => {
  const temp = await makeTempDir("autosync-clone-");
  root = temp.dir;
  cleanup = temp.cleanup;
  home = join(root, "home");
  await mkdir(home, { recursive: true });
  // cosmiconfig finds the user config dir through process.env: the whole file runs in this home.
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = join(home, ".config");
  process.env.GIT_CONFIG_NOSYSTEM = "1";
  process.env.GIT_CONFIG_GLOBAL = join(home, ".gitconfig");
  process.env.HGRCPATH = "";
  process.env.BRZ_EMAIL = "Test <test@example.invalid>";
  await writeFile(
    join(home, ".gitconfig"),
    "[user]\n\tname = Test\n\temail = test@example.invalid\n",
  );
});

after(async () => {
  process.env = previousEnv;
  await cleanup();
});

async function sh(cwd: string, file: string, ...args: string[]): Promise<string> {
  return (await exec(file, args, { cwd, env: process.env })).stdout;
}

/** A remote with one commit; git: bare. */
async function makeRemote(kind: "git" | "hg" | "bzr", name: string): Promise<string> {
  const dir = await makeTempDir("autosync-clone-remote-");
  const path = join(dir.dir, name);
  remoteCleanups.push(dir.cleanup);
  if (kind === "git") {
    await sh(dir.dir, "git", "init", "-q", "--bare", "-b", "main", "--", path);
    const seed = join(dir.dir, "seed");
    await sh(dir.dir, "git", "clone", "-q", "--", path, seed);
    await writeFile(join(seed, "README.md"), "seed\n");
    await sh(seed, "git", "add", "README.md");
    await sh(seed, "git", "commit", "-q", "-m", "seed");
    await sh(seed, "git", "push", "-q", "origin", "HEAD:main");
  } else if (kind === "hg") {
    await sh(dir.dir, "hg", "init", "--", path);
    await writeFile(join(path, "README.md"), "seed\n");
    await sh(path, "hg", "add", "--quiet");
    await sh(path, "hg", "commit", "--quiet", "-u", "test", "-m", "seed");
  } else {
    await sh(dir.dir, "brz", "init", "--quiet", "--", path);
    await writeFile(join(path, "README.md"), "seed\n");
    await sh(path, "brz", "add", "--quiet");
    await sh(path, "brz", "commit", "--quiet", "-m", "seed");
  }
  return path;
}
const remoteCleanups: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(remoteCleanups.map((fn) => fn()));
});

function cli(cwd: string): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return {
    io: { stdout, stderr, env: { ...process.env, XDG_RUNTIME_DIR: join(root, "run") }, cwd },
    out: () => out,
    err: () => err,
  };
}

async function autosync(cwd: string, ...args: string[]) {
  const c = cli(cwd);
  const code = await runCli(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

/** A fresh folder below the home for one test, and a config file path in it. */
async function workspace(name: string): Promise<{ dir: string; config: string }> {
  const dir = join(home, name);
  await mkdir(dir, { recursive: true });
  return { dir, config: join(dir, "autosync.config.yaml") };
}

const COMMENTED = `# My sync setup — keep this comment.
version: 1

# Every repository:
defaults:
  recipe: git   # the default
  timers: { commitDelay: 3s }

repositories:
  # notes first
  - path: ./notes
    name: notes

controlSocket: ./control.sock
pidfile: ./autosync.pid
`;

async function withExistingConfig(name: string): Promise<{ dir: string; config: string }> {
  const space = await workspace(name);
  await sh(space.dir, "git", "init", "-q", "notes");
  await writeFile(space.config, COMMENTED);
  return space;
}

/** Lines of `before` appear in `after` in the same order: nothing the user wrote was lost. */
function assertKeepsLines(before: string, after: string): void {
  let at = 0;
  for (const line of before.split("\n")) {
    const found = after.indexOf(line, at);
    assert.ok(found >= 0, `line kept: ${JSON.stringify(line)}\n--- after:\n${after}`);
    at = found + line.length;
  }
}

describe("autosync clone", () => {
  test("clones a git remote into a new folder and creates the user config when there is none", async () => {
    const remote = await makeRemote("git", "notes.git");
    const space = await workspace("first machine");
    const result = await autosync(space.dir, "clone", remote, "my notes ü");
    assert.equal(result.code, 0, result.err);
    const dir = join(space.dir, "my notes ü");
    assert.equal(await readFile(join(dir, "README.md"), "utf8"), "seed\n");
    const configFile = join(home, ".config", "autosync", "config.yaml");
    const text = await readFile(configFile, "utf8");
    assert.match(text, /^repositories:\n {2}- path: ~\/first machine\/my notes ü$/m);
    assert.match(text, /^# Check it with `autosync validate`/m, "the starter's comments");
    assert.match(result.out, /Cloned .* into .*my notes ü\./);
    assert.match(result.out, /Next: `autosync run`/);
    const validate = await autosync(space.dir, "validate");
    assert.equal(validate.code, 0, validate.out);
    assert.match(validate.out, /config\.yaml: valid config/);
    // A second clone goes into the same, now existing, config.
    const again = await autosync(space.dir, "clone", remote);
    assert.equal(again.code, 0, again.err);
    assert.equal(await readFile(join(space.dir, "notes", "README.md"), "utf8"), "seed\n");
    assertKeepsLines(text, await readFile(configFile, "utf8"));
    assert.match(await readFile(configFile, "utf8"), /- path: ~\/first machine\/notes$/m);
  });

  test("an existing config keeps its comments and layout; only the new entry is added", async () => {
    const remote = await makeRemote("git", "papers.git");
    const space = await withExistingConfig("commented");
    const result = await autosync(space.dir, "clone", remote, "--config", space.config);
    assert.equal(result.code, 0, result.err);
    const text = await readFile(space.config, "utf8");
    assertKeepsLines(COMMENTED.replace("git   # the default", "git # the default"), text);
    assert.match(
      text,
      /# notes first\n {2}- path: \.\/notes\n {4}name: notes\n {2}- path: ~\/commented\/papers\n/,
    );
    assert.ok(existsSync(join(space.dir, "papers", ".git")));
  });

  test("hg and brz remotes are cloned with their own tools, the recipe written beside the path", async () => {
    const space = await withExistingConfig("other kinds");
    const hgRemote = await makeRemote("hg", "hg remote");
    const hg = await autosync(
      space.dir,
      "clone",
      "--recipe",
      "hg",
      hgRemote,
      "hg copy",
      "-c",
      space.config,
    );
    assert.equal(hg.code, 0, hg.err);
    assert.ok(existsSync(join(space.dir, "hg copy", ".hg")));
    assert.equal(await readFile(join(space.dir, "hg copy", "README.md"), "utf8"), "seed\n");
    const bzrRemote = await makeRemote("bzr", "bzr remote");
    const bzr = await autosync(
      space.dir,
      "clone",
      "--recipe",
      "bzr",
      bzrRemote,
      "-c",
      space.config,
    );
    assert.equal(bzr.code, 0, bzr.err);
    assert.ok(existsSync(join(space.dir, "bzr remote", ".bzr")));
    const text = await readFile(space.config, "utf8");
    assert.match(text, /- path: ~\/other kinds\/hg copy\n {4}recipe: hg\n/);
    assert.match(text, /- path: ~\/other kinds\/bzr remote\n {4}recipe: bzr\n/);
    const validate = await autosync(space.dir, "validate", space.config);
    assert.equal(validate.code, 0, validate.out);
  });

  test("a remote whose name starts with a dash is a URL after --, never an option", async () => {
    const remote = await makeRemote("git", "-u.git");
    const space = await workspace("dashes");
    const remoteDir = join(remote, "..");
    const result = await autosync(
      remoteDir,
      "clone",
      "--config",
      join(space.dir, "c.yaml"),
      "--",
      "-u.git",
      join(space.dir, "-odd $HOME dir"),
    );
    assert.equal(result.code, 0, result.err);
    assert.equal(await readFile(join(space.dir, "-odd $HOME dir", "README.md"), "utf8"), "seed\n");
    // `$` is written as `$$`, so the path does not expand to the home directory.
    const validate = await autosync(
      space.dir,
      "validate",
      "--format",
      "json",
      join(space.dir, "c.yaml"),
    );
    assert.equal(validate.code, 0, validate.out);
    assert.match(
      await readFile(join(space.dir, "c.yaml"), "utf8"),
      /path: ~\/dashes\/-odd \$\$HOME dir/,
    );
  });

  describe("leaves nothing half-done", () => {
    async function assertUntouched(
      space: { dir: string; config: string },
      configBefore: string,
      result: { code: number; out: string; err: string },
      lines = 1,
    ): Promise<void> {
      assert.equal(result.code, 1, result.out);
      assert.equal(result.out, "");
      assert.equal(result.err.trimEnd().split("\n").length >= 1, true);
      if (lines === 1) assert.equal(result.err.trimEnd().split("\n").length, 1, result.err);
      assert.equal(await readFile(space.config, "utf8"), configBefore, "config byte-identical");
      const left = (await readdir(space.dir)).filter((name) => name !== "autosync.config.yaml");
      assert.deepEqual(
        left.filter((name) => name !== "notes" && name !== "full"),
        [],
        "no clone left",
      );
    }

    test("an unreachable URL", async () => {
      const space = await withExistingConfig("unreachable");
      const result = await autosync(
        space.dir,
        "clone",
        join(root, "no such remote.git"),
        "x y",
        "-c",
        space.config,
      );
      await assertUntouched(space, COMMENTED, result);
      assert.match(
        result.err,
        /^autosync clone: could not clone .*no such remote\.git: .*does not exist.*; nothing was cloned, the config is unchanged\n$/,
      );
    });

    test("a DIR that exists and is not empty", async () => {
      const remote = await makeRemote("git", "full.git");
      const space = await withExistingConfig("not empty");
      await mkdir(join(space.dir, "full"));
      await writeFile(join(space.dir, "full", "mine.txt"), "keep me\n");
      const result = await autosync(space.dir, "clone", remote, "full", "-c", space.config);
      await assertUntouched(space, COMMENTED, result);
      assert.match(result.err, /full exists and is not an empty directory/);
      assert.deepEqual(await readdir(join(space.dir, "full")), ["mine.txt"]);
    });

    test("an invalid config: refused before cloning, with validate's lines", async () => {
      const remote = await makeRemote("git", "inv.git");
      const space = await withExistingConfig("invalid");
      const broken = COMMENTED.replace("commitDelay: 3s", "commitDelay: soon");
      await writeFile(space.config, broken);
      const result = await autosync(space.dir, "clone", remote, "-c", space.config);
      await assertUntouched(space, broken, result, 2);
      const [first, ...rest] = result.err.trimEnd().split("\n");
      assert.match(
        first ?? "",
        /^autosync clone: autosync\.config\.yaml would be invalid \(1 error/,
      );
      const validate = await autosync(space.dir, "validate", space.config);
      assert.deepEqual(rest, validate.out.trimEnd().split("\n").slice(0, -1));
    });

    test("Ctrl+C during a slow clone removes the half-made clone (dist/cli/main.js: build first)", async (t) => {
      const space = await withExistingConfig("interrupted");
      // A git that starts writing the clone, then hangs like a slow network.
      const bin = join(space.dir, "..", "slow-bin");
      await mkdir(bin, { recursive: true });
      await writeFile(
        join(bin, "git"),
        '#!/bin/sh\nfor last; do :; done\nmkdir -p "$last" && echo partial > "$last/partial" && exec sleep 60\n',
        { mode: 0o755 },
      );
      const child = spawn(
        nodeBinary(),
        [AUTOSYNC_MAIN, "clone", "https://example.invalid/slow.git", "slow", "-c", space.config],
        {
          cwd: space.dir,
          env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` },
          stdio: "ignore",
        },
      );
      const exited = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => resolve(code)),
      );
      t.after(() => {
        child.kill("SIGKILL");
      });
      await waitFor(
        "the half-made clone on disk",
        async () =>
          (await readdir(space.dir)).some((name) => name.includes("autosync-clone")) &&
          (await readdir(space.dir, { recursive: true })).some((name) => name.endsWith("partial")),
      );
      child.kill("SIGINT");
      assert.equal(await exited, 130);
      assert.deepEqual(
        (await readdir(space.dir)).filter(
          (name) => name !== "notes" && name !== "autosync.config.yaml",
        ),
        [],
      );
      assert.equal(await readFile(space.config, "utf8"), COMMENTED);
    });

    test("a config that cannot be written", async (t) => {
      const remote = await makeRemote("git", "ro.git");
      const space = await withExistingConfig("read only");
      if (process.getuid?.() === 0) {
        // root writes through file modes: make the file immutable instead.
        try {
          await sh(space.dir, "chattr", "+i", space.config);
        } catch {
          t.skip("root without chattr: cannot make a file unwritable");
          return;
        }
        t.after(() => sh(space.dir, "chattr", "-i", space.config).then(() => {}));
      } else {
        await chmod(space.config, 0o444);
      }
      const result = await autosync(space.dir, "clone", remote, "-c", space.config);
      await assertUntouched(space, COMMENTED, result);
      assert.match(
        result.err,
        /^autosync clone: cannot write autosync\.config\.yaml \(E(ACCES|PERM)\); nothing changed\n$/,
      );
    });
  });
});

describe("autosync add and remove", () => {
  test("add takes an existing working copy (kind from its marker); remove drops it and keeps its files", async () => {
    const space = await withExistingConfig("add remove");
    const copy = join(space.dir, "hg wörk");
    await sh(space.dir, "hg", "init", "--", copy);
    await writeFile(join(copy, "file.txt"), "mine\n");
    const added = await autosync(space.dir, "add", "hg wörk", "-c", space.config);
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /is synced from now on/);
    const withCopy = await readFile(space.config, "utf8");
    assert.match(withCopy, /- path: ~\/add remove\/hg wörk\n {4}recipe: hg\n/);
    assertKeepsLines(COMMENTED.replace("git   # the default", "git # the default"), withCopy);

    const twice = await autosync(space.dir, "add", copy, "-c", space.config);
    assert.equal(twice.code, 1);
    assert.match(twice.err, /is already in autosync\.config\.yaml; nothing changed\n$/);
    assert.equal(await readFile(space.config, "utf8"), withCopy);

    const plain = join(space.dir, "plain");
    await mkdir(plain);
    const notCopy = await autosync(space.dir, "add", plain, "-c", space.config);
    assert.equal(notCopy.code, 1);
    assert.match(notCopy.err, /holds no \.git, \.hg or \.bzr/);

    const removed = await autosync(space.dir, "remove", copy, "-c", space.config);
    assert.equal(removed.code, 0, removed.err);
    assert.match(removed.out, /is no longer synced \(its files are untouched\)/);
    assert.equal(await readFile(join(copy, "file.txt"), "utf8"), "mine\n");
    assert.ok(existsSync(join(copy, ".hg")));
    const after = await readFile(space.config, "utf8");
    assert.doesNotMatch(after, /hg wörk/);
    assertKeepsLines(COMMENTED.replace("git   # the default", "git # the default"), after);

    const unknown = await autosync(space.dir, "remove", "photos", "-c", space.config);
    assert.equal(unknown.code, 1);
    assert.equal(
      unknown.err,
      "autosync remove: photos is not a repository in autosync.config.yaml; nothing changed\n",
    );
  });
});

test("the default folder is the one git, hg and brz would pick", () => {
  assert.equal(defaultCloneDir("git@host:me/notes.git", "git"), "notes");
  assert.equal(defaultCloneDir("https://host/me/notes.git/", "git"), "notes");
  assert.equal(defaultCloneDir("/srv/notes/.git", "git"), "notes");
  assert.equal(defaultCloneDir("ssh://host//srv/hg/notes", "hg"), "notes");
  assert.equal(defaultCloneDir("bzr+ssh://host/notes/", "bzr"), "notes");
  assert.equal(defaultCloneDir("https://host/", "git"), "host");
  assert.equal(defaultCloneDir("/", "git"), undefined);
});

// Last: it writes ~/autosync.config.yaml, which every later search from below the home finds.
test("the second-machine walk-through: init, then clone fills init's example entry", async () => {
  const remote = await makeRemote("git", "notes.git");
  const init = await autosync(home, "init");
  assert.equal(init.code, 0, init.err);
  const config = join(home, "autosync.config.yaml");
  const written = await readFile(config, "utf8");
  assert.match(written, /- path: ~\/notes$/m);
  const cloned = await autosync(home, "clone", remote);
  assert.equal(cloned.code, 0, cloned.err);
  assert.match(cloned.out, /already lists .*notes \(left as it is\)/);
  assert.equal(await readFile(config, "utf8"), written, "the entry was there: nothing to add");
  assert.equal(await readFile(join(home, "notes", "README.md"), "utf8"), "seed\n");
  const validate = await autosync(home, "validate");
  assert.equal(validate.code, 0, validate.out);
  assert.doesNotMatch(validate.out, /warning/);
});
