import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EDITOR_SAVES } from "../../support/editor-saves.js";
import {
  SyncFixture,
  diffDigests,
  remoteDigest,
  waitForContent,
  waitForConvergence,
} from "../../support/sync-fixture.js";

/**
 * Each editor saves the same file three times with the user "typing" longer than the commit
 * delay, so quiet periods end while swap files, locks and auto-saves exist. Only the final
 * contents may ever be committed; none of the editor's side files may appear in any commit.
 */
describe("editor save patterns (git, real binary)", () => {
  for (const [editor, save] of Object.entries(EDITOR_SAVES)) {
    test(`${/^[aeiou]/.test(editor) ? "an" : "a"} ${editor} save commits exactly the final content and no temporary file`, async (t) => {
      const fixture = await SyncFixture.create(t, {
        seed: { "docs/plan.md": "v0\n" },
      });
      const [a, b] = [fixture.copy(0), fixture.copy(1)];
      await fixture.startAll();

      const temporaries = new Set<string>();
      for (const version of ["v1\n", "v2\n", "v3 final\n"]) {
        for (const name of await save(a.path, "docs/plan.md", version, { editingMs: 900 })) {
          temporaries.add(name);
        }
      }
      // A new file saved by the editor for the first time, at the top level.
      for (const name of await save(a.path, "new note.md", "fresh\n", { editingMs: 900 })) {
        temporaries.add(name);
      }

      await waitForContent(fixture, b, "docs/plan.md", "v3 final\n");
      await waitForContent(fixture, b, "new note.md", "fresh\n");
      assert.equal(await fixture.remoteFile("docs/plan.md"), "v3 final\n");

      const history = await fixture.remoteHistoryPaths();
      const leaked = [...temporaries].filter((name) => history.has(name));
      assert.deepEqual(leaked, [], `temporary files in the remote's history: ${leaked.join(", ")}`);

      // Emacs keeps its backup `plan.md~` after the save; autosync ignores `*~` by design
      // (src/runtime/editor-temp-patterns.ts), so it lives on the editing machine only.
      const lastingBackup = (path: string) => path.endsWith("~");
      const tree = await waitForConvergence(fixture, fixture.copies, 45_000, lastingBackup);
      const stray = [...tree.keys()].filter((path) => temporaries.has(path));
      assert.deepEqual(stray, [], "no temporary file reached copy B");
      const remote = remoteDigest(await fixture.remoteTree());
      assert.equal(diffDigests(tree, remote, ["B", "remote"]), "");
    });
  }
});
