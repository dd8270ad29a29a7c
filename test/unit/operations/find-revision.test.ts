import { test } from "node:test";
import assert from "node:assert/strict";
import { findRevisionAt, findRevisionById } from "../../../src/operations/find-revision.js";
import type { LogEntry } from "../../../src/recipes/log-parsers/index.js";

function entry(id: string, shortId: string, timeMs: number): LogEntry {
  return { id, shortId, parents: [], timeMs, author: "u", message: "", files: [] };
}

// Newest first, as logs list them; the third machine's clock ran ahead.
const LOG = [
  entry("c3c3c3c3aaaa", "c3c3c3c3aaaa", 3000),
  entry("b2b2b2b2bbbb", "b2b2b2b2bbbb", 5000),
  entry("a1a1a1a1cccc", "a1a1a1a1cccc", 1000),
];

test("a revision is found by full id, printed short id or an unambiguous hex prefix", () => {
  assert.equal(findRevisionById(LOG, "b2b2b2b2bbbb").found?.id, "b2b2b2b2bbbb");
  assert.equal(findRevisionById(LOG, "B2B2").found?.id, "b2b2b2b2bbbb");
  assert.deepEqual(findRevisionById(LOG, "zzzz"), { problem: "unknown" });
  assert.deepEqual(findRevisionById(LOG, "a1a"), { problem: "unknown" });
  const bzr = [entry("u@x-2026-abc", "4.1.1", 1)];
  assert.equal(findRevisionById(bzr, "4.1.1").found?.id, "u@x-2026-abc");
});

test("two revisions sharing a prefix are ambiguous, not a guess", () => {
  const log = [entry("abcd1111", "abcd1111", 1), entry("abcd2222", "abcd2222", 2)];
  const lookup = findRevisionById(log, "abcd");
  assert.equal("problem" in lookup && lookup.problem, "ambiguous");
});

test("a time maps to the latest change at or before it, by time rather than log position", () => {
  assert.equal(findRevisionAt(LOG, 4000).found?.id, "c3c3c3c3aaaa");
  assert.equal(findRevisionAt(LOG, 5000).found?.id, "b2b2b2b2bbbb");
  assert.equal(findRevisionAt(LOG, 1500).found?.id, "a1a1a1a1cccc");
  assert.deepEqual(findRevisionAt(LOG, 999), { problem: "before-history", first: LOG[2] });
  assert.deepEqual(findRevisionAt([], 999), { problem: "before-history", first: undefined });
});
