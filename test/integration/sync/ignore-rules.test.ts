import assert from "node:assert/strict";
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  SyncFixture,
  waitForContent,
  waitForRemote,
  writeFileIn,
} from "../../support/sync-fixture.js";

describe("ignore rules and nested repositories (git, real binary)", () => {
  test("files ignored by .gitignore at any level, info/exclude, global excludes or config patterns are never committed", async (t) => {
    const fixture = await SyncFixture.create(t, {
      seed: { ".gitignore": "*.log\nbuild/\n" },
      defaults: { ignore: { patterns: ["*.tmp", "scratch/"] } },
    });
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await writeFileIn(fixture.home, ".config/git/ignore", "*.globalignored\n");
    await appendFile(join(a.path, ".git/info/exclude"), "private-notes.txt\n");
    await fixture.startAll();

    const ignored = [
      "debug.log",
      "deep/er/trace.log",
      "build/output.bin",
      "sub/secret.txt",
      "sub/inner/secret.txt",
      "draft.tmp",
      "docs/draft.tmp",
      "scratch/idea.md",
      "docs/scratch/idea.md",
      "private-notes.txt",
      "x.globalignored",
    ];
    await writeFileIn(a.path, "sub/.gitignore", "secret.txt\n");
    for (const path of ignored) await writeFileIn(a.path, path, `ignored ${path}\n`);
    await writeFileIn(a.path, "sub/visible.txt", "visible\n");
    await writeFileIn(a.path, "docs/kept.md", "kept\n");

    await waitForContent(fixture, b, "docs/kept.md", "kept\n");
    await waitForContent(fixture, b, "sub/visible.txt", "visible\n");
    // A second round after the first commit, so a rule that only held for the first is caught.
    for (const path of ignored) await writeFileIn(a.path, path, `changed ${path}\n`);
    await writeFileIn(a.path, "docs/kept.md", "kept, round 2\n");
    await waitForContent(fixture, b, "docs/kept.md", "kept, round 2\n");

    const history = await fixture.remoteHistoryPaths();
    assert.ok(history.has("sub/.gitignore"), "the subdirectory's .gitignore itself is synced");
    const leaked = ignored.filter((path) => history.has(path));
    assert.deepEqual(leaked, [], `ignored files in the remote's history: ${leaked.join(", ")}`);
  });

  test("a nested repository inside the root is not committed, and does not block other changes", async (t) => {
    const fixture = await SyncFixture.create(t);
    const [a, b] = [fixture.copy(0), fixture.copy(1)];
    await fixture.startAll();

    // One nested clone with history, one freshly initialised repository without a commit
    // (`git add -A` refuses the latter outright, which must not stall the whole root).
    const withHistory = join(a.path, "vendor/lib");
    await fixture.run("git", ["init", "--quiet", withHistory]);
    await writeFileIn(withHistory, "lib.c", "int main;\n");
    await fixture.run("git", ["add", "lib.c"], withHistory);
    await fixture.run("git", ["commit", "--quiet", "-m", "lib"], withHistory);
    const empty = join(a.path, "experiments/new-repo");
    await fixture.run("git", ["init", "--quiet", empty]);
    await writeFileIn(empty, "wip.txt", "wip\n");
    await writeFileIn(a.path, "vendor/lib/more.c", "more\n");
    await writeFileIn(a.path, "notes.md", "outside the nested repositories\n");

    await waitForContent(fixture, b, "notes.md", "outside the nested repositories\n");
    await writeFileIn(a.path, "notes.md", "second edit\n");
    await writeFileIn(empty, "wip.txt", "wip 2\n");
    await waitForContent(fixture, b, "notes.md", "second edit\n");

    const history = await fixture.remoteHistoryPaths();
    const nested = [...history].filter(
      (path) => path.startsWith("vendor/lib") || path.startsWith("experiments/new-repo"),
    );
    assert.deepEqual(nested, [], `nested repository content in the remote's history: ${nested}`);
    const tree = await waitForRemote(fixture, "the remote", () => true);
    assert.ok(!tree.has("vendor/lib"), "no gitlink entry for the nested repository");
  });
});
