import { test } from "node:test";
import assert from "node:assert/strict";
import { parseGitStatus } from "../../../src/recipes/status-parsers/git-status-parser.js";
import { findStatusParser } from "../../../src/recipes/status-parsers/index.js";

const H = "0123456789abcdef0123456789abcdef01234567";

test("ordinary, untracked, renamed and unmerged records map to actions", () => {
  const out = [
    `1 .M N... 100644 100644 100644 ${H} ${H} notes with space.md`,
    `1 .D N... 100644 100644 000000 ${H} ${H} gone.md`,
    `1 D. N... 100644 000000 000000 ${H} ${H} staged-gone.md`,
    `1 A. N... 000000 100644 100644 ${H} ${H} staged-new.md`,
    `1 AD N... 000000 100644 000000 ${H} ${H} added-then-deleted.md`,
    `1 MM N... 100644 100644 100644 ${H} ${H} both.md`,
    `1 .T N... 100644 100644 120000 ${H} ${H} became-link`,
    `2 R. N... 100644 100644 100644 ${H} ${H} R100 new name.md`,
    "old name.md",
    `u UU N... 100644 100644 100644 100644 ${H} ${H} ${H} conflicted.md`,
    "? new\nline.txt",
    "? -dash",
    "! ignored.log",
    "",
  ].join("\0");
  assert.deepEqual(parseGitStatus(out), {
    entries: [
      { path: "notes with space.md", action: "modified" },
      { path: "gone.md", action: "deleted" },
      { path: "staged-gone.md", action: "deleted" },
      { path: "staged-new.md", action: "added" },
      { path: "added-then-deleted.md", action: "added" },
      { path: "both.md", action: "modified" },
      { path: "became-link", action: "modified" },
      { path: "new name.md", action: "renamed", from: "old name.md" },
      { path: "new\nline.txt", action: "added" },
      { path: "-dash", action: "added" },
    ],
    conflicted: ["conflicted.md"],
  });
});

test("a rename whose new name was deleted again is a deletion of the old name", () => {
  const out = `2 RD N... 100644 100644 000000 ${H} ${H} R100 new.md\0old.md\0`;
  assert.deepEqual(parseGitStatus(out).entries, [{ path: "old.md", action: "deleted" }]);
});

test("nested repositories and submodules are never entries", () => {
  const out = [
    "? vendor/",
    `1 .M S.M. 160000 160000 160000 ${H} ${H} submodule`,
    "? real.txt",
    "",
  ].join("\0");
  assert.deepEqual(parseGitStatus(out).entries, [{ path: "real.txt", action: "added" }]);
});

test("a record with a path of spaces keeps every space", () => {
  const out = `1 .M N... 100644 100644 100644 ${H} ${H}   three leading spaces \0`;
  assert.deepEqual(parseGitStatus(out).entries, [
    { path: "  three leading spaces ", action: "modified" },
  ]);
});

test("the registry finds the git parser by the recipe's name", () => {
  assert.equal(findStatusParser("git-porcelain-v2"), parseGitStatus);
  assert.equal(findStatusParser("toString"), undefined);
});
