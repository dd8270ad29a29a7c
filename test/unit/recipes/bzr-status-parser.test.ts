import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  isStorableInBzr,
  parseBzrAddDryRun,
  parseBzrConflicts,
  parseBzrStatus,
} from "../../../src/recipes/status-parsers/bzr-status-parser.js";

// Outputs as brz 3.3.2 prints them with LC_ALL=C.UTF-8.
describe("bzr status parser", () => {
  test("maps short status columns to actions and keeps odd names verbatim", () => {
    const stdout = [
      " D  -dash",
      ' M  ünï"q',
      "+N  back\\slash",
      "-D  removed.txt",
      "  * now-executable",
      " K  kind changed",
      "",
    ].join("\n");
    assert.deepEqual(parseBzrStatus(stdout), [
      { path: "-dash", action: "deleted" },
      { path: 'ünï"q', action: "modified" },
      { path: "back\\slash", action: "added" },
      { path: "removed.txt", action: "deleted" },
      { path: "now-executable", action: "modified" },
      { path: "kind changed", action: "modified" },
    ]);
  });

  test("a rename (also a modified one) reports old and new path", () => {
    assert.deepEqual(parseBzrStatus("R   a b.txt => c d.txt\nRM  x => y\n"), [
      { path: "c d.txt", action: "renamed", from: "a b.txt" },
      { path: "y", action: "renamed", from: "x" },
    ]);
  });

  test("a rename whose names contain ' => ' is split where the new name is versioned", () => {
    const line = "R   back\\slash => b s => x\n";
    assert.deepEqual(parseBzrStatus(line, new Set(["b s => x"])), [
      { path: "b s => x", action: "renamed", from: "back\\slash" },
    ]);
    assert.deepEqual(parseBzrStatus("R   a => b => c\n", new Set(["c"])), [
      { path: "c", action: "renamed", from: "a => b" },
    ]);
  });

  test("conflict, pending-merge and nonexistent lines are not local changes", () => {
    const stdout = "C   Text conflict in f.txt\nP   T 2026-11-25 a\nX   nonexist\n";
    assert.deepEqual(parseBzrStatus(stdout), []);
  });

  test("a line without a status prefix continues the previous name", () => {
    assert.deepEqual(parseBzrStatus("+N  new\nline\n"), [{ path: "new\nline", action: "added" }]);
  });

  test("add --dry-run lists unknown files and directories, newlines joined back", () => {
    // brz 3.3 skips such names in a recursive add; should one ever be printed, it is quoted.
    const stdout = 'adding nd\nadding nd/g\nadding nd/sub\nadding nd/sub/f\nadding "new\nline"\n';
    assert.deepEqual(parseBzrAddDryRun(stdout), ["nd", "nd/g", "nd/sub", "nd/sub/f", "new\nline"]);
    assert.deepEqual(parseBzrAddDryRun(""), []);
  });

  test("add --dry-run quoting of unsafe names is undone", () => {
    // As brz 3.3.2 prints `*`, `q"x`, `sp ace`, `"quoted"`, `ü` and the safe `a-b_c.d~`.
    const stdout = [
      'adding "*"',
      'adding "q"x"',
      'adding "sp ace"',
      'adding ""quoted""',
      'adding "ü"',
      "adding a-b_c.d~",
      "",
    ].join("\n");
    assert.deepEqual(parseBzrAddDryRun(stdout), [
      "*",
      'q"x',
      "sp ace",
      '"quoted"',
      "ü",
      "a-b_c.d~",
    ]);
  });

  test("conflicts are classified for keep-both and the rest kept verbatim", () => {
    const stdout = [
      "Contents conflict in del.txt",
      "Text conflict in f t.txt",
      "Conflict adding file n.txt.  Moved existing file to n.txt.moved.",
      "Path conflict: a / b",
      "",
    ].join("\n");
    assert.deepEqual(parseBzrConflicts(stdout), [
      { type: "contents", path: "del.txt" },
      { type: "text", path: "f t.txt" },
      { type: "duplicate", path: "n.txt", movedTo: "n.txt.moved" },
      { type: "other", line: "Path conflict: a / b" },
    ]);
  });

  test("names with a newline are not storable in bzr", () => {
    assert.equal(isStorableInBzr("a\nb"), false);
    assert.equal(isStorableInBzr("a\rb"), false);
    assert.equal(isStorableInBzr('a b ü "q"'), true);
  });
});

test("the registered bzr-status parser reports conflicted paths beside the entries", async () => {
  const { findStatusParser } = await import("../../../src/recipes/status-parsers/index.js");
  const parse = findStatusParser("bzr-status");
  assert.ok(parse);
  assert.deepEqual(parse(" M  f.txt\nC   Text conflict in f.txt\n"), {
    entries: [{ path: "f.txt", action: "modified" }],
    conflicted: ["f.txt"],
  });
});
