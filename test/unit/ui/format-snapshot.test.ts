import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatSnapshotsText } from "../../../src/ui/format-snapshot.js";
import { snapshotOf } from "../../support/memory-daemon-view.js";

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);

describe("autosync status text", () => {
  test("a pull deferred to the elected merger shows whose merge it waits for, how long, and the own merge's countdown", () => {
    const text = formatSnapshotsText(
      [
        snapshotOf("notes", {
          state: "pending",
          mailboxWait: { merger: "beta-3fa2c1", since: NOW - 3_000, fallbackAt: NOW + 5_000 },
        }),
      ],
      NOW,
    );
    assert.match(text, /^ {2}waiting 3s for beta-3fa2c1's merge · own merge in 5s$/m);
  });

  test("once the fallback ran out it says this machine merges, and how long it waited", () => {
    const text = formatSnapshotsText(
      [
        snapshotOf("notes", {
          mailboxWait: {
            merger: "beta-3fa2c1",
            since: NOW - 12_000,
            fallbackAt: NOW - 4_000,
            takeOver: true,
          },
        }),
      ],
      NOW,
    );
    assert.match(text, /^ {2}merging here: no push from beta-3fa2c1 within 8s$/m);
    assert.doesNotMatch(text, /waiting/);
  });

  test("without a wait there is no such line", () => {
    assert.doesNotMatch(formatSnapshotsText([snapshotOf("notes")], NOW), /merge/);
  });
});
