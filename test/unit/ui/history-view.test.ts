import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, test } from "node:test";
import { createElement } from "react";
import { cleanup, render } from "ink-testing-library";
import { formatLocalTime } from "../../../src/cli/format-history.js";
import { historyBrowser } from "../../../src/operations/history-browser.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import { buildCommitMessage } from "../../../src/engine/commit-message.js";
import { applyAndCommit } from "../../../src/operations/user-change.js";
import { loadRecipe } from "../../../src/recipes/load-recipe.js";
import { processRunner } from "../../../src/runtime/command-runner.js";
import { App } from "../../../src/ui/App.js";
import { MemoryDaemonView, snapshotOf } from "../../support/memory-daemon-view.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { frameContaining } from "../../support/ink-frame.js";
import { waitFor } from "../../support/wait-for.js";

const run = promisify(execFile);

/** A real git repository: desk adds `my notes.md`, lap edits it; both as the same person. */
async function repository(t: { after(fn: () => unknown): void }) {
  const { dir, cleanup: remove } = await makeTempDir("autosync-history-ui-");
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
  await git("config", "user.email", "same@example.invalid");
  await git("config", "user.name", "Same Person");
  await writeFile(join(dir, "my notes.md"), "one\ntwo\n");
  await git("add", "-A");
  await git("commit", "-qm", "autosync desk: 1 added\n\nadded my notes.md");
  await writeFile(join(dir, "my notes.md"), "one\ntwo on lap\n");
  await git("commit", "-qam", "autosync lap: 1 modified\n\nmodified my notes.md");
  return { dir, git };
}

afterEach(() => cleanup());

describe("history view (h)", () => {
  test("lists changes by machine; Enter shows the diff; r restores a version after y", async (t) => {
    const { dir, git } = await repository(t);
    const loaded = await loadRecipe("git", { baseDir: dir });
    assert.ok(loaded.ok);
    const recipe = loaded.recipe;
    const operations = createOperations({ root: dir, recipe, runner: processRunner, host: "lap" });
    const source = {
      repo: "notes",
      root: dir,
      recipe,
      runner: processRunner,
      host: "lap",
      formatTime: formatLocalTime,
    };
    const view = new MemoryDaemonView([snapshotOf("notes")]);
    Object.assign(view, {
      historyBrowser: () =>
        historyBrowser(source, (changes, message) =>
          applyAndCommit(dir, operations, changes, message, (pending) =>
            buildCommitMessage("lap", pending),
          ),
        ),
    });
    const app = render(createElement(App, { view, onQuit: () => {}, tickMs: 20 }));
    await frameContaining(app, "notes");
    app.stdin.write("h");
    await frameContaining(app, "History: notes");
    const list = await frameContaining(app, "desk  added");
    assert.match(list, /▶ \w+ +[\d-]+ [\d:]+ +lap +modified my notes\.md/);
    assert.match(list, /desk +added my notes\.md/);

    app.stdin.write("\r");
    const diff = await frameContaining(app, "+two on lap");
    assert.match(diff, /^-two$/m);
    app.stdin.write("\r");
    await waitFor("the diff to close", () => !(app.lastFrame() ?? "").includes("+two on lap"));

    // The older version (desk's): the confirmation names it and changes nothing.
    app.stdin.write("\u001B[B");
    await frameContaining(app, "▶");
    await waitFor("desk's row selected", () => /▶ .*desk/.test(app.lastFrame() ?? ""));
    app.stdin.write("r");
    await frameContaining(app, "? y/n");
    assert.match(app.lastFrame() ?? "", /restore my notes\.md to its version of .* desk\)\? y\/n/);
    app.stdin.write("n");
    await waitFor("the question to go", () => !(app.lastFrame() ?? "").includes("y/n"));
    assert.equal(await readFile(join(dir, "my notes.md"), "utf8"), "one\ntwo on lap\n");

    app.stdin.write("r");
    await frameContaining(app, "? y/n");
    app.stdin.write("y");
    await frameContaining(app, "restored my notes.md as of");
    assert.equal(await readFile(join(dir, "my notes.md"), "utf8"), "one\ntwo\n");
    assert.equal(await git("status", "--porcelain"), "");
    assert.match(await git("log", "-1", "--format=%s"), /^autosync lap: restored my notes\.md/);
    // The new change is at the top of the list, named for this machine.
    await waitFor("the restore in the list", () =>
      /▶ .*lap +modified my notes\.md/.test(app.lastFrame() ?? "") ? true : undefined,
    );

    app.stdin.write("\u001B");
    await waitFor("the view to close", () => !(app.lastFrame() ?? "").includes("History: notes"));
  });

  test("the help overlay lists h; the view fits the terminal width, without colour codes", async (t) => {
    const { dir } = await repository(t);
    const loaded = await loadRecipe("git", { baseDir: dir });
    assert.ok(loaded.ok);
    const view = new MemoryDaemonView([snapshotOf("notes")]);
    Object.assign(view, {
      historyBrowser: () =>
        historyBrowser(
          {
            repo: "notes",
            root: dir,
            recipe: loaded.recipe,
            runner: processRunner,
            host: "lap",
            formatTime: formatLocalTime,
          },
          () => Promise.reject(new Error("not in this test")),
        ),
    });
    const app = render(createElement(App, { view, onQuit: () => {}, tickMs: 20 }));
    await frameContaining(app, "notes");
    app.stdin.write("?");
    assert.match(await frameContaining(app, "Keys"), /h +history: changes by machine/);
    app.stdin.write("?");
    app.stdin.write("h");
    const frame = await frameContaining(app, "desk");
    for (const line of frame.split("\n")) assert.ok([...line].length <= 100, line);
    assert.ok(!frame.includes("\u001B["), "no colour codes without colour");
  });
});
