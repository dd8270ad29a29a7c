import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  isStorableInHg,
  parseHgStatus,
} from "../../../src/recipes/status-parsers/hg-status-parser.js";

// Records as `hg status --print0 --copies` (hg 6.3, HGPLAIN=1) prints them.
describe("hg status parser", () => {
  test("maps each status code to its action and keeps odd names intact", () => {
    const stdout = 'M -dash\0A sp ace.txt\0? ünï"q\0R gone.txt\0! missing.txt\0?  leading space\0';
    assert.deepEqual(parseHgStatus(stdout), [
      { path: "-dash", action: "modified" },
      { path: "sp ace.txt", action: "added" },
      { path: 'ünï"q', action: "added" },
      { path: "gone.txt", action: "deleted" },
      { path: "missing.txt", action: "deleted" },
      { path: " leading space", action: "added" },
    ]);
  });

  test("an added file whose copy source was removed is one rename", () => {
    const stdout = "A new name.txt\0  old name.txt\0R old name.txt\0";
    assert.deepEqual(parseHgStatus(stdout), [
      { path: "new name.txt", action: "renamed", from: "old name.txt" },
    ]);
  });

  test("a copy whose source stays is an addition", () => {
    assert.deepEqual(parseHgStatus("A copy.txt\0  orig.txt\0"), [
      { path: "copy.txt", action: "added" },
    ]);
  });

  test("a name that looks like a copy-source record is still read as a path", () => {
    // "  x" as a file name prints as "?   x": the code comes first, so it is never a source.
    assert.deepEqual(parseHgStatus("?   x\0"), [{ path: "  x", action: "added" }]);
  });

  test("empty output means a clean working copy", () => {
    assert.deepEqual(parseHgStatus(""), []);
  });

  test("clean and ignored records are not changes", () => {
    assert.deepEqual(parseHgStatus("C a\0I b\0"), []);
  });

  test("a garbled record is an error, not a silent guess", () => {
    assert.throws(() => parseHgStatus("Mx\0"), /unexpected hg status record/);
    assert.throws(() => parseHgStatus("Z a\0"), /unknown hg status code/);
  });

  test("names with newline or carriage return are not storable in hg", () => {
    assert.equal(isStorableInHg("new\nline"), false);
    assert.equal(isStorableInHg("cr\rname"), false);
    assert.equal(isStorableInHg("fine name ü"), true);
  });
});

test("the registered hg-status parser returns the entries", async () => {
  const { findStatusParser } = await import("../../../src/recipes/status-parsers/index.js");
  const parse = findStatusParser("hg-status");
  assert.ok(parse);
  assert.deepEqual(parse("M a b\0"), {
    entries: [{ path: "a b", action: "modified" }],
    conflicted: [],
  });
});
