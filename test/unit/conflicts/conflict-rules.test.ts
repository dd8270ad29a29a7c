import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { commitHost } from "../../../src/conflicts/commit-host.js";
import { formatThreeWay } from "../../../src/conflicts/conflict-view.js";
import type { Conflict } from "../../../src/conflicts/find-conflicts.js";
import { diffLines } from "../../../src/conflicts/line-diff.js";
import { markerLine, planResolution, plainName } from "../../../src/conflicts/resolution.js";
import {
  nearestCommonAncestor,
  parseBzrLog,
  parseRecords,
  type Revision,
} from "../../../src/conflicts/version-history.js";
import {
  conflictCopyName,
  parseConflictCopyName,
} from "../../../src/operations/conflict-copy-name.js";

const COPY = "dir/notes (conflict lap top 2026-12-05 101010 abcdef).md";

function conflict(): Conflict {
  const version = (path: string, role: "file" | "copy", host: string, timeMs: number) => ({
    path,
    role,
    host,
    timeMs,
    revision: `rev-${host}`,
    size: 3,
    text: true,
    sha256: "0".repeat(64),
  });
  return {
    repo: "notes",
    root: "/r",
    path: "dir/notes.md",
    versions: [
      version("dir/notes.md", "file", "desk", 3),
      version(COPY, "copy", "lap top", 1),
      version("dir/notes (conflict pi 2026-12-05 101011 bbbbbb).md", "copy", "pi", 2),
    ],
    base: { revision: "base", exists: true },
  };
}

describe("conflict copy names", () => {
  test("a copy's name gives back the path, the machine (spaces and all) and the moment", () => {
    const name = conflictCopyName(
      "a/b.tar.gz",
      "my laptop",
      Date.UTC(2026, 11, 5, 9, 8, 7),
      new Uint8Array([1]),
      3,
    );
    assert.deepEqual(parseConflictCopyName(name), {
      path: "a/b.tar.gz",
      host: "my laptop",
      timeMs: Date.UTC(2026, 11, 5, 9, 8, 7),
    });
    assert.equal(parseConflictCopyName("notes (laptop).md"), undefined);
  });
});

describe("which machine wrote a commit", () => {
  test("autosync's messages name the host; a commit by hand names none", () => {
    assert.equal(commitHost("autosync laptop: 2 modified\n\nmodified a"), "laptop");
    assert.equal(commitHost("autosync: merge origin/main on desk"), "desk");
    assert.equal(commitHost("fix typo\n\n(committed by autosync on pi)"), "pi");
    assert.equal(commitHost("fix typo by hand"), undefined);
  });
});

describe("resolution plans", () => {
  const exists = () => false;

  test("keep HOST of a copy: the copy replaces the file, the other copies go", () => {
    const plan = planResolution(
      conflict(),
      { kind: "host", host: "lap top" },
      { host: "pi", exists },
    );
    assert.ok(typeof plan !== "string");
    assert.deepEqual(plan.changes, [
      { op: "rename", from: COPY, to: "dir/notes.md" },
      { op: "remove", path: "dir/notes (conflict pi 2026-12-05 101011 bbbbbb).md" },
    ]);
    assert.match(
      plan.message,
      /^autosync pi: resolved the conflict on dir\/notes\.md: kept lap top's version\n\n/,
    );
    assert.match(
      plan.message,
      /desk's version \(dir\/notes\.md\) is no longer in the tree; it stays in history/,
    );
  });

  test("keep the HOST of the file: only the copies go", () => {
    const plan = planResolution(conflict(), { kind: "host", host: "desk" }, { host: "pi", exists });
    assert.ok(typeof plan !== "string");
    assert.deepEqual(
      plan.changes.map((change) => change.op),
      ["remove", "remove"],
    );
  });

  test("an unknown host is refused and the known ones are named", () => {
    assert.equal(
      planResolution(conflict(), { kind: "host", host: "nas" }, { host: "pi", exists }),
      "no version of dir/notes.md was written by nas; its versions are from desk, lap top, pi",
    );
  });

  test("keep both: copies lose the word conflict, taken names get a number", () => {
    const taken = new Set(["dir/notes (lap top).md"]);
    const plan = planResolution(
      conflict(),
      { kind: "both" },
      { host: "pi", exists: (p) => taken.has(p) },
    );
    assert.ok(typeof plan !== "string");
    assert.deepEqual(
      plan.changes.map((change) => (change.op === "rename" ? change.to : "")),
      ["dir/notes (lap top 2).md", "dir/notes (pi).md"],
    );
    assert.equal(
      plainName(".bashrc", "pi", () => false),
      ".bashrc (pi)",
    );
  });

  test("keep edited is refused while markers are left, on the line they are", () => {
    const fileContent = Buffer.from("a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> other\n");
    assert.equal(markerLine(fileContent), 2);
    assert.match(
      planResolution(conflict(), { kind: "edited" }, { host: "pi", exists, fileContent }) as string,
      /still holds conflict markers \(line 2\)/,
    );
    const clean = planResolution(
      conflict(),
      { kind: "edited" },
      { host: "pi", exists, fileContent: Buffer.from("=======\nmerged\n") },
    );
    assert.ok(typeof clean !== "string", "a setext underline is no marker");
    assert.equal(clean.changes.length, 2);
  });
});

describe("line diff", () => {
  test("unified hunks with context, like diff -u", () => {
    const before = Array.from({ length: 12 }, (_, i) => `l${i}`).join("\n") + "\n";
    const after = before.replace("l1\n", "L1\n").replace("l10\n", "");
    const hunks = diffLines(before, after);
    assert.equal(hunks.length, 2);
    assert.deepEqual(hunks[0], {
      oldStart: 1,
      oldLines: 5,
      newStart: 1,
      newLines: 5,
      lines: [
        { sign: " ", text: "l0" },
        { sign: "-", text: "l1" },
        { sign: "+", text: "L1" },
        { sign: " ", text: "l2" },
        { sign: " ", text: "l3" },
        { sign: " ", text: "l4" },
      ],
    });
    assert.deepEqual(diffLines("same\n", "same\n"), []);
  });
});

describe("three-way view", () => {
  test("binary versions show hashes and sizes, no diff", () => {
    const binary = conflict();
    binary.versions = binary.versions.map((version) => ({ ...version, text: false }));
    const text = formatThreeWay({ conflict: binary, contents: [] }, false);
    assert.match(text, /binary: compare sizes, hashes and times/);
    assert.doesNotMatch(text, /@@/);
  });
});

describe("history parsing and the common ancestor", () => {
  test("git/hg records and brz's long log give the same revisions", () => {
    const records = [
      "a1",
      "p1 p2",
      "100",
      "Me",
      "autosync: merge x on lap\n",
      "\nb2",
      "",
      "50 0",
      "Me",
      "autosync desk: 1 modified\n",
      "",
    ].join("\0");
    assert.deepEqual(
      parseRecords(records).map((r) => [r.id, r.parents, r.timeMs, r.message]),
      [
        ["a1", ["p1", "p2"], 100_000, "autosync: merge x on lap"],
        ["b2", [], 50_000, "autosync desk: 1 modified"],
      ],
    );
    const bzr = [
      "------------------------------------------------------------",
      "revno: 3 [merge]",
      "revision-id: m-3",
      "parent: m-2",
      "parent: o-1",
      "committer: Me <me@x>",
      "timestamp: Sat 2026-12-05 15:37:02 +0000",
      "message:",
      "  autosync: merge on lap",
      "    ------------------------------------------------------------",
      "    revno: 1.1.1",
      "    revision-id: o-1",
      "    parent: m-1",
      "    committer: Me <me@x>",
      "    timestamp: Sat 2026-12-05 15:37:00 +0000",
      "    message:",
      "      autosync desk: edit",
      "      second line",
    ].join("\n");
    assert.deepEqual(
      parseBzrLog(bzr).map((r) => [r.id, r.parents, r.author, r.message, r.timeMs]),
      [
        ["m-3", ["m-2", "o-1"], "Me", "autosync: merge on lap", Date.UTC(2026, 11, 5, 15, 37, 2)],
        [
          "o-1",
          ["m-1"],
          "Me",
          "autosync desk: edit\nsecond line",
          Date.UTC(2026, 11, 5, 15, 37, 0),
        ],
      ],
    );
  });

  test("the nearest common ancestor of two lines of history", () => {
    const rev = (id: string, parents: string[], timeMs: number): Revision => ({
      id,
      parents,
      timeMs,
      author: "",
      message: "",
    });
    const graph = [
      rev("m", ["a2", "b1"], 6),
      rev("a2", ["a1"], 5),
      rev("b1", ["base"], 4),
      rev("a1", ["base"], 3),
      rev("base", ["root"], 2),
      rev("root", [], 1),
    ];
    assert.equal(nearestCommonAncestor(graph, "a2", "b1"), "base");
    assert.equal(nearestCommonAncestor(graph, "m", "b1"), "b1");
  });
});
