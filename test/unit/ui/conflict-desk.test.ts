import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { access, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, test } from "node:test";
import { createElement } from "react";
import { cleanup, render } from "ink-testing-library";
import { conflictDesk } from "../../../src/conflicts/desk-service.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import { buildCommitMessage } from "../../../src/engine/commit-message.js";
import { applyAndCommit } from "../../../src/operations/user-change.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import { processRunner } from "../../../src/runtime/command-runner.js";
import { App } from "../../../src/ui/App.js";
import { MemoryDaemonView, snapshotOf } from "../../support/memory-daemon-view.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { waitFor } from "../../support/wait-for.js";

const run = promisify(execFile);
const COPY = "notes (conflict lap 2026-12-05 101010 abcdef).md";

/**
 * A real git repository holding what a keep-both pull leaves: `notes.md` with desk's version
 * (the remote side), lap's version in its conflict copy, and the common ancestor in history.
 */
async function repositoryWithConflict(t: { after(fn: () => unknown): void }) {
  const { dir, cleanup: remove } = await makeTempDir("autosync-desk-");
  t.after(remove);
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "Same Person",
    GIT_AUTHOR_EMAIL: "same@example.invalid",
    GIT_COMMITTER_NAME: "Same Person",
    GIT_COMMITTER_EMAIL: "same@example.invalid",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
  };
  const git = async (...args: string[]) => (await run("git", args, { cwd: dir, env })).stdout;
  await git("init", "-q", "-b", "main");
  await writeFile(join(dir, "notes.md"), "title\none\ntwo\n");
  await git("add", "-A");
  await git("commit", "-qm", "autosync desk: 1 added");
  await git("checkout", "-qb", "remote");
  await writeFile(join(dir, "notes.md"), "title\none on desk\ntwo\n");
  await git("commit", "-qam", "autosync desk: 1 modified");
  await git("checkout", "-q", "main");
  await writeFile(join(dir, "notes.md"), "title\none\ntwo on lap\n");
  await git("commit", "-qam", "autosync lap: 1 modified");
  await git("merge", "-q", "remote", "-m", "autosync: merge remote on lap").catch(() => "");
  await git("checkout", "--theirs", "notes.md");
  await writeFile(join(dir, COPY), "title\none\ntwo on lap\n");
  await git("add", "-A");
  await git("commit", "-qm", "autosync: merge remote on lap");
  return { dir, git };
}

/** A daemon view whose conflict desk is the real one over the repository above. */
async function deskView(t: { after(fn: () => unknown): void }) {
  const { dir, git } = await repositoryWithConflict(t);
  const loaded = await loadRecipe("git", { baseDir: dir });
  assert.ok(loaded.ok);
  const recipe = loaded.recipe;
  const source = { repo: "notes", root: dir, recipe, runner: processRunner, host: "lap" };
  const operations = createOperations({ root: dir, recipe, runner: processRunner, host: "lap" });
  const view = new MemoryDaemonView([snapshotOf("notes", { unresolvedConflicts: 1 })]);
  Object.assign(view, {
    conflictDesk: () =>
      conflictDesk(source, (changes, message) =>
        applyAndCommit(dir, operations, changes, message, (pending) =>
          buildCommitMessage("lap", pending),
        ),
      ),
  });
  return { dir, git, view };
}

/** Opens the desk on `view` with $VISUAL set to `editor` (for this test) and presses e. */
async function editFromDesk(
  t: { after(fn: () => unknown): void },
  view: Parameters<typeof App>[0]["view"],
  editor: string,
) {
  const saved = process.env.VISUAL;
  process.env.VISUAL = editor;
  t.after(() => {
    if (saved === undefined) delete process.env.VISUAL;
    else process.env.VISUAL = saved;
  });
  const app = render(createElement(App, { view, onQuit: () => {}, tickMs: 20 }));
  await frameContaining(app, "1 unresolved conflict");
  app.stdin.write("x");
  await frameContaining(app, "e edit, then keep yours");
  app.stdin.write("e");
  return app;
}

async function frameContaining(instance: ReturnType<typeof render>, text: string) {
  return waitFor(
    `a frame containing ${JSON.stringify(text)}`,
    () => {
      const frame = instance.lastFrame() ?? "";
      return frame.includes(text) ? frame : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 20 },
  );
}

afterEach(() => cleanup());

describe("conflict desk (x)", () => {
  test("each panel shows its count of unresolved conflicts", async () => {
    const view = new MemoryDaemonView([
      snapshotOf("notes", { unresolvedConflicts: 2 }),
      snapshotOf("photos", { unresolvedConflicts: 0 }),
    ]);
    const app = render(createElement(App, { view, onQuit: () => {}, tickMs: 20 }));
    const frame = await frameContaining(app, "2 unresolved conflicts");
    assert.match(frame, /no unresolved conflicts/);
  });

  test(
    "lists the conflict with the three-way view; a key named for a machine keeps its version after y",
    { timeout: 180_000 },
    async (t) => {
      const { dir, git, view } = await deskView(t);
      const app = render(createElement(App, { view, onQuit: () => {}, tickMs: 20 }));
      await frameContaining(app, "1 unresolved conflict");
      app.stdin.write("x");
      const desk = await frameContaining(app, "common ancestor");
      assert.match(desk, /notes\.md \(desk, lap\)/);
      assert.match(desk, /1 keep desk's {2}2 keep lap's/);
      assert.match(desk, /^\+one on desk$/m);
      app.stdin.write("j");
      await frameContaining(app, "+two on lap");

      app.stdin.write("2");
      await frameContaining(app, "y to confirm");
      assert.match(app.lastFrame() ?? "", /kept lap's version; desk's version goes/);
      // The confirmation changed nothing; any key but y cancels.
      assert.equal(await readFile(join(dir, "notes.md"), "utf8"), "title\none on desk\ntwo\n");
      app.stdin.write("n");
      await waitFor("the question to go", () => !(app.lastFrame() ?? "").includes("y to confirm"), {
        timeoutMs: 60_000,
      });
      assert.equal(await git("status", "--porcelain"), "");

      app.stdin.write("2");
      await frameContaining(app, "y to confirm");
      app.stdin.write("y");
      await frameContaining(app, "Nothing is unresolved in notes");
      assert.equal(await readFile(join(dir, "notes.md"), "utf8"), "title\none\ntwo on lap\n");
      assert.equal(await git("ls-files", "--", COPY), "");
      assert.match(
        await git("log", "-1", "--format=%B"),
        /^autosync lap: resolved the conflict on notes\.md: kept lap's version\n\ndesk's version/,
      );
    },
  );

  test(
    "e opens $VISUAL on the file, then keeps the hand-merged version after y",
    { timeout: 180_000 },
    async (t) => {
      const { dir, git, view } = await deskView(t);
      // An editor that merges: writes both machines' lines into the file it is given.
      const editor = join(dir, "..", `merge-editor-${process.pid}.sh`);
      await writeFile(editor, '#!/bin/sh\nprintf "title\\none on desk\\ntwo on lap\\n" > "$1"\n', {
        mode: 0o755,
      });
      t.after(() => rm(editor, { force: true }));
      const app = await editFromDesk(t, view, editor);
      await frameContaining(app, "kept the version merged by hand on lap");
      app.stdin.write("y");
      await frameContaining(app, "Nothing is unresolved in notes");
      assert.equal(
        await readFile(join(dir, "notes.md"), "utf8"),
        "title\none on desk\ntwo on lap\n",
      );
      assert.equal(await git("ls-files", "--", COPY), "");
    },
  );
  test(
    "while the editor is open the process goes on (the daemon in it keeps syncing)",
    { timeout: 180_000 },
    async (t) => {
      const { dir, view } = await deskView(t);
      const open = join(dir, "..", `editor-open-${process.pid}`);
      const go = join(dir, "..", `editor-go-${process.pid}`);
      // Writes the merge, says it is open, and stays open until the test answers (giving up
      // after 10 s: an editor run that blocked this process could never be answered).
      const editor = join(dir, "..", `waiting-editor-${process.pid}.sh`);
      await writeFile(
        editor,
        [
          "#!/bin/sh",
          'printf "title\\none on desk\\ntwo on lap\\n" > "$1"',
          `touch '${open}'`,
          "i=0",
          `while [ ! -e '${go}' ]; do i=$((i+1)); [ $i -gt 200 ] && exit 3; sleep 0.05; done`,
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
      t.after(() => Promise.all([editor, open, go].map((path) => rm(path, { force: true }))));
      const app = await editFromDesk(t, view, editor);
      // Only a running event loop gets here while the editor waits.
      await waitFor(
        "the editor to open",
        () =>
          access(open).then(
            () => true,
            () => false,
          ),
        {
          timeoutMs: 30_000,
        },
      );
      await writeFile(go, "");
      await frameContaining(app, "kept the version merged by hand on lap");
    },
  );
});
