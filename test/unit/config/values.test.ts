import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "../../../src/config/duration.js";
import { parseSize } from "../../../src/config/size.js";
import { parseShare } from "../../../src/config/share.js";
import { expandPath } from "../../../src/config/expand-path.js";

describe("durations", () => {
  test("units, combinations and zero become milliseconds", () => {
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("2s"), 2000);
    assert.equal(parseDuration("10m"), 600_000);
    assert.equal(parseDuration("1h"), 3_600_000);
    assert.equal(parseDuration("1d"), 86_400_000);
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("1.5s"), 1500);
    assert.equal(parseDuration("0"), 0);
    assert.equal(parseDuration(0), 0);
  });
  test("anything else is undefined so the caller can report the text", () => {
    for (const bad of ["soon", "", "2", "2 seconds", "-1s", "s", "1s2", "ms"]) {
      assert.equal(parseDuration(bad), undefined, bad);
    }
    assert.equal(parseDuration(5), undefined);
  });
  test("formatDuration picks the largest exact unit", () => {
    assert.equal(formatDuration(0), "0");
    assert.equal(formatDuration(2000), "2s");
    assert.equal(formatDuration(600_000), "10m");
    assert.equal(formatDuration(1500), "1500ms");
  });
});

describe("sizes and shares", () => {
  test("KB/MB/GB are powers of 1000 and KiB/MiB/GiB powers of 1024", () => {
    assert.equal(parseSize("50MB"), 50_000_000);
    assert.equal(parseSize("1KiB"), 1024);
    assert.equal(parseSize("1.5GiB"), 1.5 * 2 ** 30);
    assert.equal(parseSize("10 b"), 10);
    assert.equal(parseSize(4096), 4096);
    assert.equal(parseSize("huge"), undefined);
    assert.equal(parseSize("5XB"), undefined);
  });
  test("a share is a percentage or a number in 0..1", () => {
    assert.equal(parseShare("50%"), 0.5);
    assert.equal(parseShare(0.25), 0.25);
    assert.equal(parseShare("150%"), undefined);
    assert.equal(parseShare(2), undefined);
  });
});

describe("path expansion", () => {
  const env = { HOME: "/home/ann", NOTES: "/data/notes" };
  test("~, $VAR and ${VAR} expand and relative paths resolve against the config's directory", () => {
    assert.deepEqual(expandPath("~/notes", { env, baseDir: "/etc" }), {
      path: "/home/ann/notes",
      unsetVariables: [],
    });
    assert.equal(expandPath("~", { env, baseDir: "/etc" }).path, "/home/ann");
    assert.equal(expandPath("$NOTES/a", { env, baseDir: "/etc" }).path, "/data/notes/a");
    assert.equal(expandPath("${NOTES}x", { env, baseDir: "/etc" }).path, "/data/notesx");
    assert.equal(
      expandPath("sub/dir", { env, baseDir: "/etc/autosync" }).path,
      "/etc/autosync/sub/dir",
    );
    assert.equal(expandPath("a/$$b", { env, baseDir: "/" }).path, "/a/$b");
  });
  test("an unset variable is reported, not silently dropped", () => {
    assert.deepEqual(expandPath("$MISSING/notes", { env, baseDir: "/" }).unsetVariables, [
      "MISSING",
    ]);
  });
});
