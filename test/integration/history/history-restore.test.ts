import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { lstat, readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { buildCommitMessage } from "../../../src/engine/commit-message.js";
import type { HistoryChange } from "../../../src/operations/history-change.js";
import { runAutosyncCli, type CliRun } from "../../support/autosync-cli.js";
import { SyncFixture, treeDigest, type Dvcs } from "../../support/sync-fixture.js";

const HOUR = 3_600_000;

function autosync(fixture: SyncFixture, cwd: string, args: string[]): Promise<CliRun> {
  return runAutosyncCli(args, { cwd, env: fixture.env, config: fixture.copy(0).configPath });
}

/** Commits everything in `dir` with `message` at a fixed time, as autosync (or a user) would. */
async function commitAt(fixture: SyncFixture, dir: string, message: string, ms: number) {
  const seconds = Math.floor(ms / 1000);
  if (fixture.dvcs === "git") {
    await fixture.run("git", ["add", "-A"], dir);
    const stamp = `@${seconds} +0000`;
    await new Promise<void>((resolve, reject) =>
      execFile(
        "git",
        ["commit", "--quiet", "-m", message],
        { cwd: dir, env: { ...fixture.env, GIT_AUTHOR_DATE: stamp, GIT_COMMITTER_DATE: stamp } },
        (error, _out, stderr) => (error ? reject(new Error(stderr)) : resolve()),
      ),
    );
  } else if (fixture.dvcs === "hg") {
    await fixture.run("hg", ["addremove", "--quiet", "--similarity", "100"], dir);
    await fixture.run("hg", ["commit", "--quiet", "-m", message, "--date", `${seconds} 0`], dir);
  } else {
    await fixture.run("brz", ["add", "--quiet"], dir);
    const stamp = new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19);
    await fixture.run(
      "brz",
      ["commit", "--quiet", "-m", message, "--commit-time", `${stamp} +0000`],
      dir,
    );
  }
}

async function move(fixture: SyncFixture, dir: string, from: string, to: string) {
  const tool = { git: "git", hg: "hg", bzr: "brz" }[fixture.dvcs];
  await fixture.run(
    tool,
    fixture.dvcs === "hg" ? ["mv", "--", from, to] : ["mv", "--", from, to],
    dir,
  );
}

async function remove(fixture: SyncFixture, dir: string, path: string) {
  const tool = { git: "git", hg: "hg", bzr: "brz" }[fixture.dvcs];
  await fixture.run(tool, ["rm", "--quiet", "--", path], dir);
}

async function put(dir: string, path: string, content: string) {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
}

function json(run: CliRun): HistoryChange[] {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as HistoryChange[];
}

const SPACE = "notes/a b.md";
const DASH = "-dash.txt";
const UNICODE = "ünï €.txt";
const RENAMED = "renamed – ✓.md";

/**
 * A history made on one working copy with autosync's own commit messages from two machines
 * (the same user identity everywhere, as usual) and one commit by hand:
 *   t1 alpha: add SPACE v1, DASH, UNICODE     t2 beta: SPACE v2
 *   t3 alpha: rename SPACE → RENAMED           t4 by hand: RENAMED v3
 *   t5 alpha: delete DASH
 */
async function makeHistory(dvcs: Dvcs, t: { after(fn: () => unknown): void }) {
  const fixture = await SyncFixture.create(t, {
    dvcs,
    copies: 1,
    prefix: `autosync-hist-${dvcs}-`,
  });
  const dir = fixture.copy(0).path;
  const base = Date.now() + 24 * HOUR;
  const times = [1, 2, 3, 4, 5].map((k) => base + k * HOUR);
  await put(dir, SPACE, "v1\n");
  await put(dir, DASH, "dash\n");
  await put(dir, UNICODE, "unicode\n");
  await commitAt(
    fixture,
    dir,
    buildCommitMessage("alpha", [
      { path: SPACE, action: "added" },
      { path: DASH, action: "added" },
      { path: UNICODE, action: "added" },
    ]),
    times[0] as number,
  );
  await put(dir, SPACE, "v2\n");
  await commitAt(
    fixture,
    dir,
    buildCommitMessage("beta", [{ path: SPACE, action: "modified" }], "my words"),
    times[1] as number,
  );
  await move(fixture, dir, SPACE, RENAMED);
  await commitAt(
    fixture,
    dir,
    buildCommitMessage("alpha", [{ path: RENAMED, action: "renamed", from: SPACE }]),
    times[2] as number,
  );
  await put(dir, RENAMED, "v3\n");
  await commitAt(fixture, dir, "edited by hand", times[3] as number);
  await remove(fixture, dir, DASH);
  await commitAt(
    fixture,
    dir,
    buildCommitMessage("alpha", [{ path: DASH, action: "deleted" }]),
    times[4] as number,
  );
  return { fixture, dir, times, config: fixture.copy(0).configPath };
}

for (const dvcs of ["git", "hg", "bzr"] as const) {
  describe(`history and restore (${dvcs})`, { concurrency: false }, () => {
    test("history names the machine from the message, the author for a hand commit, newest first", async (t) => {
      const { fixture, dir, times } = await makeHistory(dvcs, t);
      const changes = json(await autosync(fixture, dir, ["history", "--json"]));
      assert.deepEqual(
        changes.map((c) => [c.host, c.time]),
        [
          ["alpha", new Date(Math.floor((times[4] as number) / 1000) * 1000).toISOString()],
          [null, new Date(Math.floor((times[3] as number) / 1000) * 1000).toISOString()],
          ["alpha", new Date(Math.floor((times[2] as number) / 1000) * 1000).toISOString()],
          ["beta", new Date(Math.floor((times[1] as number) / 1000) * 1000).toISOString()],
          ["alpha", new Date(Math.floor((times[0] as number) / 1000) * 1000).toISOString()],
          [null, changes[5]?.time],
        ],
      );
      assert.match(changes[1]?.author ?? "", /Autosync Test/);
      assert.deepEqual(changes[0]?.files, [{ path: DASH, action: "deleted" }]);
      assert.deepEqual(changes[2]?.files, [{ path: RENAMED, action: "renamed", from: SPACE }]);
      assert.deepEqual(
        changes[4]?.files.map((f) => [f.path, f.action]).sort(),
        [
          [DASH, "added"],
          [SPACE, "added"],
          [UNICODE, "added"],
        ].sort(),
      );
      assert.match(changes[3]?.message ?? "", /^my words\n/);

      const text = await autosync(fixture, dir, ["history"]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /by hand, Autosync Test.*edited by hand/);
      assert.match(text.stdout, new RegExp(`renamed +${SPACE} → ${RENAMED}`));

      const beta = json(await autosync(fixture, dir, ["history", "--host", "beta", "--json"]));
      assert.deepEqual(
        beta.map((c) => c.host),
        ["beta"],
      );
      assert.equal(
        json(await autosync(fixture, dir, ["history", "--limit", "2", "--json"])).length,
        2,
      );
      const since = new Date((times[3] as number) - 1000).toISOString();
      assert.equal(
        json(await autosync(fixture, dir, ["history", "--since", since, "--json"])).length,
        2,
      );
    });

    test("history of a renamed file shows the versions under its old name; a deleted file its deletion", async (t) => {
      const { fixture, dir } = await makeHistory(dvcs, t);
      const versions = json(await autosync(fixture, dir, ["history", RENAMED, "--json"]));
      assert.deepEqual(
        versions.map((c) => c.files[0]),
        [
          { path: RENAMED, action: "modified" },
          { path: RENAMED, action: "renamed", from: SPACE },
          { path: SPACE, action: "modified" },
          { path: SPACE, action: "added" },
        ],
      );
      const dash = json(await autosync(fixture, dir, ["history", "--json", "--", DASH]));
      assert.deepEqual(
        dash.map((c) => c.files[0]?.action),
        ["deleted", "added"],
      );
      // An absolute path from outside the repository works like a relative one inside it.
      const unicode = json(
        await autosync(fixture, fixture.dir, ["history", join(dir, UNICODE), "--json"]),
      );
      assert.deepEqual(
        unicode.map((c) => c.host),
        ["alpha"],
      );
    });

    test("restore brings back a modified file by revision and a deleted one by time, as new pushed changes", async (t) => {
      const { fixture, dir, times } = await makeHistory(dvcs, t);
      const before = json(await autosync(fixture, dir, ["history", "--json"]));
      const v2 = before[3]?.shortId ?? "";
      const restored = await autosync(fixture, dir, ["restore", RENAMED, "--at", v2]);
      assert.equal(restored.code, 0, restored.stderr);
      assert.match(restored.stdout, /committed and pushed/);
      assert.equal(await readFile(join(dir, RENAMED), "utf8"), "v2\n");

      const at = new Date((times[2] as number) + 60_000).toISOString();
      const back = await autosync(fixture, dir, ["restore", "--at", at, "--", DASH]);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(await readFile(join(dir, DASH), "utf8"), "dash\n");

      const after = json(await autosync(fixture, dir, ["history", "--json"]));
      assert.equal(after.length, before.length + 2);
      assert.deepEqual(
        after.slice(0, 2).map((c) => [c.host, c.files]),
        [
          ["alpha", [{ path: DASH, action: "added" }]],
          ["alpha", [{ path: RENAMED, action: "modified" }]],
        ],
      );
      assert.match(after[1]?.message ?? "", new RegExp(`restored ${RENAMED} as of .* \\(${v2}\\)`));
      // Nothing left uncommitted, nothing left unpushed: a second copy gets the same content.
      const other = join(fixture.dir, "verify");
      if (dvcs === "git") await fixture.run("git", ["clone", "--quiet", fixture.remote, other]);
      else if (dvcs === "hg") await fixture.run("hg", ["clone", "--quiet", fixture.remote, other]);
      else await fixture.run("brz", ["branch", "--quiet", fixture.remote, other]);
      assert.equal(await readFile(join(other, RENAMED), "utf8"), "v2\n");
      assert.equal(await readFile(join(other, DASH), "utf8"), "dash\n");
    });

    test("uncommitted changes are committed before the restore; --to writes beside the file", async (t) => {
      const { fixture, dir } = await makeHistory(dvcs, t);
      const first = json(await autosync(fixture, dir, ["history", RENAMED, "--json"])).at(-1);
      await writeFile(join(dir, RENAMED), "unsaved work\n");
      const run = await autosync(fixture, dir, ["restore", RENAMED, "--at", first?.id ?? ""]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /committed the uncommitted changes/);
      assert.equal(await readFile(join(dir, RENAMED), "utf8"), "v1\n");
      const versions = json(await autosync(fixture, dir, ["history", RENAMED, "--json"]));
      assert.equal(versions.length, 6);
      // The unsaved work is in history: restorable in its turn.
      const work = versions[1]?.shortId ?? "";
      const beside = await autosync(fixture, dir, [
        "restore",
        RENAMED,
        "--at",
        work,
        "--to",
        "old copy.md",
      ]);
      assert.equal(beside.code, 0, beside.stderr);
      assert.equal(await readFile(join(dir, "old copy.md"), "utf8"), "unsaved work\n");
      assert.equal(await readFile(join(dir, RENAMED), "utf8"), "v1\n");
    });

    test("every bad input is one line, exit 1 or 2, and leaves the tree and history unchanged", async (t) => {
      const { fixture, dir } = await makeHistory(dvcs, t);
      await writeFile(join(dir, "uncommitted.txt"), "keep me\n");
      const changes = json(await autosync(fixture, dir, ["history", "--json"]));
      const tree = await treeDigest(dir);
      const addedAt = changes[4]?.shortId ?? "";
      const cases: [string[], number, RegExp][] = [
        [["restore", RENAMED, "--at", "zzzz"], 1, /no revision "zzzz"/],
        [
          ["restore", RENAMED, "--at", "1990-01-01 00:00"],
          1,
          /before the repository's first change/,
        ],
        [
          ["restore", RENAMED, "--at", "2 hours ago"],
          1,
          /before the repository's first change|did not exist/,
        ],
        [["restore", "never.txt", "--at", addedAt], 1, /never existed/],
        [
          ["restore", join(fixture.dir, "outside.txt"), "--at", addedAt],
          1,
          /not inside a configured repository/,
        ],
        [["restore", RENAMED, "--at", addedAt, "--to", UNICODE], 1, /already exists/],
        [["restore", `${fixture.metadataDir}/config`, "--at", addedAt], 1, /metadata/],
        [["restore", RENAMED], 2, /--at REV\|WHEN is required/],
        [["restore", RENAMED, "--at"], 2, /needs a value/],
        [["history", "--since", "soon"], 2, /is not a time/],
        [["history", "--limit", "0"], 2, /whole number/],
        [["history", join(fixture.dir, "outside.txt")], 1, /not inside a configured repository/],
      ];
      for (const [args, code, message] of cases) {
        const run = await autosync(fixture, dir, args);
        assert.equal(run.code, code, `${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, message, args.join(" "));
        assert.equal(run.stderr.trimEnd().split("\n").length, 1, `one line: ${run.stderr}`);
        assert.deepEqual(await treeDigest(dir), tree, args.join(" "));
      }
      // The deleted file's deletion revision holds no version of it.
      const deletion = changes[0]?.shortId ?? "";
      const absent = await autosync(fixture, dir, ["restore", "--at", deletion, "--", DASH]);
      assert.equal(absent.code, 1);
      assert.match(absent.stderr, /did not exist in/);
      assert.deepEqual(await treeDigest(dir), tree);
      assert.equal(
        json(await autosync(fixture, dir, ["history", "--json"])).length,
        changes.length,
      );
      assert.ok((await lstat(join(dir, "uncommitted.txt"))).isFile());
    });
  });
}
