import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWhen } from "../../../src/cli/parse-when.js";

// A fixed "now": the parser reads no clock of its own.
const NOW = Date.parse("2026-12-05T15:00:00Z");

test("relative times count back from the injected now", () => {
  assert.equal(parseWhen("2 hours ago", NOW), NOW - 2 * 3_600_000);
  assert.equal(parseWhen("1 hour ago", NOW), NOW - 3_600_000);
  assert.equal(parseWhen("90 min ago", NOW), NOW - 90 * 60_000);
  assert.equal(parseWhen("3 days ago", NOW), NOW - 3 * 86_400_000);
  assert.equal(parseWhen("1 week ago", NOW), NOW - 604_800_000);
  assert.equal(parseWhen("30s ago", NOW), NOW - 30_000);
  assert.equal(parseWhen("now", NOW), NOW);
});

test("dates without a zone are local time; with a zone, that zone", () => {
  assert.equal(parseWhen("2026-12-01 14:00", NOW), new Date(2026, 11, 1, 14, 0).getTime());
  assert.equal(parseWhen("2026-12-01", NOW), new Date(2026, 11, 1).getTime());
  assert.equal(parseWhen("2026-12-01 14:00:30", NOW), new Date(2026, 11, 1, 14, 0, 30).getTime());
  assert.equal(parseWhen("2026-12-01T14:00:00Z", NOW), Date.parse("2026-12-01T14:00:00Z"));
  assert.equal(parseWhen("2026-12-01T14:00:00+01:00", NOW), Date.parse("2026-12-01T13:00:00Z"));
  assert.equal(parseWhen("2026-12-01T14:00:00.250Z", NOW), Date.parse("2026-12-01T14:00:00Z"));
});

test("anything else is not a time: revisions, impossible dates, unknown units", () => {
  for (const text of [
    "3f2a1b",
    "7",
    "2.1.1",
    "2026-02-31",
    "2026-13-01",
    "2026-12-01 25:00",
    "2 fortnights ago",
    "soon",
    "",
  ])
    assert.equal(parseWhen(text, NOW), undefined, text);
});
