import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  AUTOSYNC_MAIN,
  nodeBinary,
  treeDigest,
  type SyncFixture,
  type WorkingCopy,
} from "../../support/sync-fixture.js";
import { waitFor } from "../../support/wait-for.js";
import {
  CONFLICT_BASE as BASE,
  CONFLICT_FILE as FILE,
  conflictOn,
} from "../../support/conflict-scenario.js";

/**
 * `autosync conflicts` and `autosync resolve` against conflicts made by real daemons, on git,
 * hg and brz (needs `npm run build`: the commands run as the real binary).
 */

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function autosync(fixture: SyncFixture, copy: WorkingCopy, args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      nodeBinary(),
      [AUTOSYNC_MAIN, ...args, "--config", copy.configPath],
      { cwd: copy.path, env: { ...fixture.env, NO_COLOR: "1" }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface ListedConflict {
  repo: string;
  path: string;
  base: { revision: string; exists: boolean } | null;
  versions: {
    path: string;
    role: "file" | "copy";
    host: string;
    time: string;
    revision: string | null;
    size: number;
    text: boolean;
  }[];
}

async function listed(fixture: SyncFixture, copy: WorkingCopy): Promise<ListedConflict[]> {
  const run = await autosync(fixture, copy, ["conflicts", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as { conflicts: ListedConflict[] }).conflicts;
}

async function head(fixture: SyncFixture, copy: WorkingCopy): Promise<string> {
  if (fixture.dvcs === "git") return fixture.run("git", ["rev-parse", "HEAD"], copy.path);
  if (fixture.dvcs === "hg")
    return fixture.run("hg", ["log", "-r", ".", "--template", "{node}"], copy.path);
  return fixture.run("brz", ["revision-info"], copy.path);
}

async function lastMessage(fixture: SyncFixture, copy: WorkingCopy): Promise<string> {
  if (fixture.dvcs === "git") return fixture.run("git", ["log", "-1", "--format=%B"], copy.path);
  if (fixture.dvcs === "hg")
    return fixture.run("hg", ["log", "-r", ".", "--template", "{desc}"], copy.path);
  return fixture.run("brz", ["log", "-l1", "--long"], copy.path);
}

/** The working copy's files and revision, to show a refused command changed nothing. */
async function snapshotOf(fixture: SyncFixture, copy: WorkingCopy) {
  return { tree: [...(await treeDigest(copy.path))], head: await head(fixture, copy) };
}

for (const dvcs of ["git", "hg", "bzr"] as const) {
  describe(`conflict desk (${dvcs}, real daemons)`, () => {
    test("every machine lists the conflict with each machine's version; resolve --keep HOST settles it everywhere", async (t) => {
      const { fixture } = await conflictOn(t, dvcs, 3);
      const [a, b, c] = [fixture.copy(0), fixture.copy(1), fixture.copy(2)];

      for (const copy of [a, b, c]) {
        const conflicts = await listed(fixture, copy);
        assert.equal(conflicts.length, 1, `${copy.host}: ${JSON.stringify(conflicts)}`);
        const conflict = conflicts[0]!;
        assert.equal(conflict.path, FILE);
        assert.deepEqual(
          conflict.versions.map((version) => [version.role, version.host]).sort(),
          [
            ["copy", b.host],
            ["copy", c.host],
            ["file", a.host],
          ].sort(),
          `${copy.host} names the machine of each version`,
        );
        assert.ok(conflict.versions.every((version) => version.text && version.size > 0));
        assert.ok(conflict.versions.every((version) => version.revision !== null));
        assert.equal(conflict.base?.exists, true, "the ancestor is known");
      }

      const copyOfB = (await listed(fixture, a))[0]!.versions.find((v) => v.host === b.host)!;
      const shown = await autosync(fixture, a, ["conflicts", "show", copyOfB.path]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /common ancestor/);
      assert.match(shown.stdout, new RegExp(`^\\+two edited on ${b.host}$`, "m"));
      assert.match(shown.stdout, new RegExp(`^\\+one edited on ${a.host}$`, "m"));
      assert.match(shown.stdout, /^-two$/m);
      assert.ok(!shown.stdout.includes("\u001b["), "no colour when piped");

      const resolved = await autosync(fixture, c, ["resolve", FILE, "--keep", b.host]);
      assert.equal(resolved.code, 0, resolved.stderr);
      assert.match(resolved.stdout, new RegExp(`kept ${b.host}'s version`));
      const wanted = BASE.replace("two", `two edited on ${b.host}`);
      for (const copy of [a, b, c]) {
        await waitFor(
          `${copy.host} to hold ${b.host}'s version and no copy`,
          async () => {
            const tree = await treeDigest(copy.path);
            return (
              (await readFile(join(copy.path, FILE), "utf8")) === wanted &&
              [...tree.keys()].every((path) => !path.includes("(conflict "))
            );
          },
          { timeoutMs: 60_000 },
        );
        assert.deepEqual(await listed(fixture, copy), []);
      }
      const none = await autosync(fixture, a, ["conflicts"]);
      assert.match(none.stdout, /^Nothing is unresolved in notes\.$/m);
      assert.match(
        await lastMessage(fixture, c),
        new RegExp(`resolved the conflict on ${FILE}: kept ${b.host}'s version`),
      );
    });

    test("bad input changes nothing (unknown host, no conflict, a copy gone, outside, markers); --keep edited then settles it", async (t) => {
      const { fixture, procs } = await conflictOn(t, dvcs, 2);
      const [a, b] = [fixture.copy(0), fixture.copy(1)];
      await Promise.all(procs.map((proc) => proc.stop()));
      const before = await snapshotOf(fixture, a);
      const copyPath = (await listed(fixture, a))[0]!.versions.find((v) => v.role === "copy")!.path;
      const gone = copyPath.replace(/ \d{6}/, " 000000");
      const attempts: [string[], RegExp][] = [
        [["resolve", FILE, "--keep", "nosuchhost"], /no version of .* was written by nosuchhost/],
        [["resolve", "README.md", "--keep", "both"], /README\.md has no unresolved conflict/],
        [["resolve", gone, "--keep", "both"], /is no longer there/],
        [["resolve", join(fixture.dir, "elsewhere.md"), "--keep", "both"], /not inside any/],
        [["conflicts", "show", "README.md"], /has no unresolved conflict/],
        [["conflicts", "nosuchrepo"], /no repository named nosuchrepo/],
      ];
      for (const [args, message] of attempts) {
        const run = await autosync(fixture, a, args);
        assert.equal(run.code, 1, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
        assert.match(run.stderr, message);
        assert.equal(run.stderr.trim().split("\n").length, 1, `one line: ${run.stderr}`);
      }
      await writeFile(join(a.path, FILE), "<<<<<<< mine\nx\n=======\ny\n>>>>>>> theirs\n");
      const markers = await autosync(fixture, a, ["resolve", FILE, "--keep", "edited"]);
      assert.equal(markers.code, 1);
      assert.match(markers.stderr, /still holds conflict markers \(line 1\)/);
      await writeFile(join(a.path, FILE), BASE.replace("one", `one edited on ${a.host}`));
      assert.deepEqual(await snapshotOf(fixture, a), before, "the tree is unchanged");

      // Merged by hand, no markers left: the copies go, the file stays as edited.
      const merged = "title\none edited on alpha\ntwo edited on beta\nthree\n";
      await writeFile(join(a.path, FILE), merged);
      const edited = await autosync(fixture, a, ["resolve", copyPath, "--keep", "edited"]);
      assert.equal(edited.code, 0, edited.stderr);
      assert.equal(await readFile(join(a.path, FILE), "utf8"), merged);
      assert.deepEqual(await listed(fixture, a), []);
      assert.match(await lastMessage(fixture, a), /kept the version merged by hand on alpha/);
      assert.equal(b.host, "beta");
    });

    test("without a daemon: --keep both renames the copy without 'conflict' and the other machine stops listing it", async (t) => {
      const { fixture, procs } = await conflictOn(t, dvcs, 2);
      const [a, b] = [fixture.copy(0), fixture.copy(1)];
      await Promise.all(procs.map((proc) => proc.stop()));
      const both = await autosync(fixture, b, ["resolve", FILE, "--keep", "both"]);
      assert.equal(both.code, 0, both.stderr);
      const renamed = "notes é 1 (beta).md";
      assert.equal(
        await readFile(join(b.path, renamed), "utf8"),
        BASE.replace("two", "two edited on beta"),
      );
      assert.deepEqual(await listed(fixture, b), []);
      // The other machine gets the renamed copy with its next pull.
      const procA = await fixture.start(a);
      await waitFor(
        "alpha to receive the renamed copy",
        async () => (await readFile(join(a.path, renamed), "utf8").catch(() => "")) !== "",
        { timeoutMs: 60_000 },
      );
      assert.deepEqual(await listed(fixture, a), []);
      await procA.stop();
      assert.match(await lastMessage(fixture, b), /kept both versions/);
    });
  });
}
