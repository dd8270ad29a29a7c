import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseGitLog } from "../../../src/recipes/log-parsers/git-log-parser.js";
import { parseHgLog } from "../../../src/recipes/log-parsers/hg-log-parser.js";
import { parseBzrLog, parseBzrTimestamp } from "../../../src/recipes/log-parsers/bzr-log-parser.js";
import { findLogParser } from "../../../src/recipes/log-parsers/index.js";

const RS = "\x1e";
const US = "\x1f";

// Records as recipes/git.yaml's `log` prints them (git 2.39).
describe("git log parser", () => {
  test("reads id, parents, time, author, message and every action, odd names verbatim", () => {
    const stdout =
      `${RS}bbbb${US}aaaa${US}1796484887${US}u <u@x>${US}m2\nline2\n${US}\0\n` +
      `M\0-b c\0R100\0a\0d → ü\0A\0new\nline\0D\0gone\0` +
      `${RS}aaaa${US}${US}1796484800${US}u <u@x>${US}first\n${US}\0\nA\0a\0`;
    assert.deepEqual(parseGitLog(stdout), [
      {
        id: "bbbb",
        shortId: "bbbb",
        parents: ["aaaa"],
        timeMs: 1796484887000,
        author: "u <u@x>",
        message: "m2\nline2",
        files: [
          { path: "-b c", action: "modified" },
          { path: "d → ü", action: "renamed", from: "a" },
          { path: "new\nline", action: "added" },
          { path: "gone", action: "deleted" },
        ],
      },
      {
        id: "aaaa",
        shortId: "aaaa",
        parents: [],
        timeMs: 1796484800000,
        author: "u <u@x>",
        message: "first",
        files: [{ path: "a", action: "added" }],
      },
    ]);
  });

  test("a merge lists no files (its changes are in the merged commits)", () => {
    const stdout = `${RS}cccc${US}aaaa bbbb${US}1${US}u <u@x>${US}autosync: merge${US}\0`;
    const [merge] = parseGitLog(stdout);
    assert.deepEqual(merge?.parents, ["aaaa", "bbbb"]);
    assert.deepEqual(merge?.files, []);
  });

  test("empty output is an empty history; a garbled one is an error", () => {
    assert.deepEqual(parseGitLog(""), []);
    assert.throws(() => parseGitLog(`${RS}only${US}two`), /unexpected git log record/);
    assert.throws(
      () => parseGitLog(`${RS}a${US}${US}1${US}u${US}m${US}\0\nX\0f\0`),
      /unknown status/,
    );
  });
});

describe("hg log parser", () => {
  test("a copy whose source the changeset deletes is a rename; others are additions", () => {
    const stdout = JSON.stringify([
      {
        node: "0386a6bbce27000fd67b2022619be08ca440e7f4",
        date: [1796484845, -3600],
        user: "u <u@x>",
        desc: "m2\nline2",
        file_adds: ["d", "copy"],
        file_dels: ["a", "gone"],
        file_mods: ["-b c"],
        file_copies: { d: "a", copy: "-b c" },
        p1node: "db6de38133780d2f05284a3a69b5b17dc281fac0",
        p2node: "0000000000000000000000000000000000000000",
      },
    ]);
    assert.deepEqual(parseHgLog(stdout), [
      {
        id: "0386a6bbce27000fd67b2022619be08ca440e7f4",
        shortId: "0386a6bbce27",
        parents: ["db6de38133780d2f05284a3a69b5b17dc281fac0"],
        timeMs: 1796484845000,
        author: "u <u@x>",
        message: "m2\nline2",
        files: [
          { path: "-b c", action: "modified" },
          { path: "d", action: "renamed", from: "a" },
          { path: "copy", action: "added" },
          { path: "gone", action: "deleted" },
        ],
      },
    ]);
  });

  test("the first changeset has no parents and a merge no files", () => {
    const base = {
      date: [1, 0],
      user: "u",
      desc: "",
      file_dels: [],
      file_mods: [],
      file_copies: {},
    };
    const stdout = JSON.stringify([
      { ...base, node: "m", file_adds: ["x"], p1node: "a", p2node: "b" },
      { ...base, node: "a", file_adds: ["x"], p1node: "0".repeat(40), p2node: "0".repeat(40) },
    ]);
    const [merge, first] = parseHgLog(stdout);
    assert.deepEqual(merge?.files, []);
    assert.deepEqual(first?.parents, []);
    assert.deepEqual(parseHgLog(""), []);
  });
});

// As `brz log --long --verbose --show-ids --levels 0` prints it (brz 3.3.2).
const BZR_LOG = [
  "------------------------------------------------------------",
  "revno: 6 [merge]",
  "revision-id: u@x-20261205153505-rfyepcdfum38m42h",
  "parent: u@x-20261205153504-2mim3qtpyrwxmq2c",
  "parent: u@x-20261205153504-sdzjeclv3x2jbsy9",
  "committer: u <u@x>",
  "branch nick: b",
  "timestamp: Sat 2026-12-05 15:35:05 +0000",
  "message:",
  "  merge it",
  "added:",
  "  dir/                           dir-20261205153503-dck7mdoge9qyu7k9-1",
  "  dir/x y                        xy-20261205153503-dck7mdoge9qyu7k9-2",
  "    ------------------------------------------------------------",
  "    revno: 4.1.1",
  "    revision-id: u@x-20261205153504-sdzjeclv3x2jbsy9",
  "    parent: u@x-20261205153418-x07lv20jdu9nsvtb",
  "    author: Someone Else <se@x>",
  "    committer: u <u@x>",
  "    branch nick: b2",
  "    timestamp: Sat 2026-12-05 16:35:04 +0100",
  "    message:",
  "      side",
  "",
  "      added: (not a section, part of the message)",
  "    added:",
  "      dir/                           dir-20261205153503-dck7mdoge9qyu7k9-1",
  "      dir/x y                        xy-20261205153503-dck7mdoge9qyu7k9-2",
  "------------------------------------------------------------",
  "revno: 2",
  "revision-id: u@x-20261205153418-039bxa56nux9v9it",
  "parent: u@x-20261205153417-c2ii25z8oib3wp2u",
  "committer: u <u@x>",
  "branch nick: b",
  "timestamp: Sat 2026-12-05 15:34:18 +0000",
  "message:",
  "  m2",
  "removed:",
  "  gone                           gone-20261205153417-jzgj3ml0ciq9j96l-3",
  "  link@                          link-20261205153509-wy8i23x4hw18mmt4-1",
  "renamed:",
  "  a => d a-20261205153417-jzgj3ml0ciq9j96l-2",
  "modified:",
  "  -b c                           bc-20261205153417-jzgj3ml0ciq9j96l-1",
  "  a name longer than thirty characters.txt a-2026-1",
  "",
].join("\n");

describe("brz log parser", () => {
  test("reads merged revisions at their indent, messages, and every section", () => {
    const entries = parseBzrLog(BZR_LOG);
    assert.deepEqual(
      entries.map((e) => [e.shortId, e.parents.length, e.author, e.message]),
      [
        ["6", 2, "u <u@x>", "merge it"],
        ["4.1.1", 1, "Someone Else <se@x>", "side\n\nadded: (not a section, part of the message)"],
        ["2", 1, "u <u@x>", "m2"],
      ],
    );
    assert.deepEqual(entries[0]?.files, []);
    assert.deepEqual(entries[1]?.files, [{ path: "dir/x y", action: "added" }]);
    assert.equal(entries[1]?.timeMs, Date.parse("2026-12-05T15:35:04Z"));
    assert.equal(entries[2]?.id, "u@x-20261205153418-039bxa56nux9v9it");
    assert.deepEqual(entries[2]?.files, [
      { path: "gone", action: "deleted" },
      { path: "link", action: "deleted" },
      { path: "d", action: "renamed", from: "a" },
      { path: "-b c", action: "modified" },
      { path: "a name longer than thirty characters.txt", action: "modified" },
    ]);
  });

  test("timestamps keep their offset; a garbled one is an error", () => {
    assert.equal(
      parseBzrTimestamp("Sat 2026-12-05 16:00:00 +0100"),
      Date.parse("2026-12-05T15:00:00Z"),
    );
    assert.throws(() => parseBzrTimestamp("yesterday"), /unexpected brz timestamp/);
  });

  test("empty output is an empty history", () => {
    assert.deepEqual(parseBzrLog(""), []);
  });
});

test("the registry finds each recipe's log parser and nothing else", () => {
  assert.equal(findLogParser("git-log"), parseGitLog);
  assert.equal(findLogParser("hg-log-json"), parseHgLog);
  assert.equal(findLogParser("bzr-log-long"), parseBzrLog);
  assert.equal(findLogParser("toString"), undefined);
});
