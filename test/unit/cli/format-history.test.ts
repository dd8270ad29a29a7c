import { test } from "node:test";
import assert from "node:assert/strict";
import { formatChange, formatLocalTime } from "../../../src/cli/format-history.js";
import type { HistoryChange } from "../../../src/operations/history-change.js";

const TIME = "2026-12-05T15:35:04.000Z";

function change(overrides: Partial<HistoryChange>): HistoryChange {
  return {
    repo: "notes",
    id: "3f2a1b9c0d12ffff",
    shortId: "3f2a1b9c0d12",
    time: TIME,
    host: "laptop",
    author: "Ann <ann@example.org>",
    merge: false,
    files: [],
    message: "autosync laptop: 1 modified",
    ...overrides,
  };
}

test("an automatic change shows id, local time and machine, then one line per file", () => {
  const text = formatChange(
    change({
      files: [
        { path: "a b.md", action: "modified" },
        { path: "new.md", action: "renamed", from: "-old.md" },
      ],
    }),
  );
  assert.equal(
    text,
    [
      `3f2a1b9c0d12  ${formatLocalTime(Date.parse(TIME))}  laptop`,
      "    modified  a b.md",
      "    renamed   -old.md → new.md",
    ].join("\n"),
  );
});

test("a hand commit shows its author and subject; a user's message shows after the machine", () => {
  const hand = formatChange(change({ host: null, message: "tidy up\n\nbody" }));
  assert.match(hand.split("\n")[0] ?? "", / {2}by hand, Ann <ann@example\.org> {2}tidy up$/);
  const own = formatChange(
    change({ message: "meeting notes\n\n(committed by autosync on laptop)" }),
  );
  assert.match(own.split("\n")[0] ?? "", / {2}laptop {2}meeting notes$/);
});

test("a merge says so; a name with a newline stays on one line", () => {
  assert.match(
    formatChange(change({ merge: true, message: "autosync: merge x on laptop" })),
    /\n {4}merge$/,
  );
  const odd = formatChange(change({ files: [{ path: "two\nlines", action: "added" }] }));
  assert.equal(odd.split("\n").length, 2);
  assert.match(odd, /added {5}"two\\nlines"/);
});
