import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildCommitMessage } from "../../../src/engine/commit-message.js";
import type { StatusEntry } from "../../../src/engine/status-entry.js";

describe("commit messages", () => {
  test("the message names the host, sums up the actions and lists each path with its action", () => {
    const entries: StatusEntry[] = [
      { path: "a.md", action: "added" },
      { path: "b.md", action: "added" },
      { path: "c.md", action: "added" },
      { path: "todo.txt", action: "modified" },
      { path: "new name.md", action: "renamed", from: "old name.md" },
      { path: "gone.txt", action: "deleted" },
    ];
    assert.equal(
      buildCommitMessage("laptop", entries),
      [
        "autosync laptop: 3 added, 1 modified, 1 renamed, 1 deleted",
        "",
        "added a.md",
        "added b.md",
        "added c.md",
        "modified todo.txt",
        "renamed old name.md → new name.md",
        "deleted gone.txt",
      ].join("\n"),
    );
  });

  test("a big batch lists the first paths and counts the rest", () => {
    const entries: StatusEntry[] = [
      ...Array.from({ length: 1990 }, (_, i) => ({
        path: `img/${i}.jpg`,
        action: "added" as const,
      })),
      ...Array.from({ length: 10 }, (_, i) => ({
        path: `old/${i}.txt`,
        action: "deleted" as const,
      })),
    ];
    const lines = buildCommitMessage("desk", entries).split("\n");
    assert.equal(lines[0], "autosync desk: 1,990 added, 10 deleted");
    assert.equal(lines.length, 2 + 20 + 1);
    assert.equal(lines.at(-1), "… and 1,980 more (1,970 added, 10 deleted)");
  });

  test("a file name with a newline cannot forge lines in the message", () => {
    const message = buildCommitMessage("laptop", [
      { path: "evil\nmodified fake.txt", action: "added" },
    ]);
    assert.equal(message.split("\n").length, 3);
    assert.match(message, /added "evil\\nmodified fake\.txt"$/);
  });

  test("a user's message comes first and the file list follows", () => {
    const message = buildCommitMessage("laptop", [{ path: "x", action: "modified" }], "Fix typo");
    assert.equal(message, "Fix typo\n\n(committed by autosync on laptop)\n\nmodified x");
  });
});
