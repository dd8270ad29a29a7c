import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type Announcement,
  canonicalAnnouncement,
  decodeAnnouncement,
  encodeAnnouncement,
  normalizeRemoteUrl,
  stripPassword,
} from "../../../src/channels/announcement.js";

const sample: Announcement = {
  v: 1,
  type: "pushed",
  repositoryId: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
  remoteUrl: "ssh://example.org/notes",
  host: "laptop",
  instanceId: "i-1",
  head: "0123456789abcdef0123456789abcdef01234567",
  time: 1_767_225_600_000,
};

describe("normalizeRemoteUrl", () => {
  test("strips user and password from an https URL", () => {
    assert.equal(
      normalizeRemoteUrl("https://alice:s3cret@Git.Example.org/alice/notes.git"),
      "https://git.example.org/alice/notes",
    );
  });
  test("turns scp-like syntax into an ssh URL without the user", () => {
    assert.equal(
      normalizeRemoteUrl("git@github.com:alice/notes.git"),
      "ssh://github.com/alice/notes",
    );
  });
  test("gives scp-like and ssh spellings of one remote the same form", () => {
    assert.equal(
      normalizeRemoteUrl("ssh://git@github.com/alice/notes.git/"),
      normalizeRemoteUrl("git@github.com:alice/notes"),
    );
  });
  test("keeps local paths and strips only the tail", () => {
    assert.equal(normalizeRemoteUrl("/srv/git/notes.git/"), "/srv/git/notes");
    assert.equal(normalizeRemoteUrl("C:\\repos\\notes"), "C:\\repos\\notes");
  });
  test("drops a query string that could carry a token", () => {
    assert.equal(normalizeRemoteUrl("https://h.example/r?token=x"), "https://h.example/r");
  });
  test("stripPassword keeps the ssh user but drops the password", () => {
    assert.equal(stripPassword("ssh://bob:pw@laptop.lan/~/notes"), "ssh://bob@laptop.lan/~/notes");
    assert.equal(stripPassword("ssh://laptop.lan/~/notes"), "ssh://laptop.lan/~/notes");
  });
});

describe("announcement encoding", () => {
  test("an unsigned announcement round-trips without a secret", () => {
    const decoded = decodeAnnouncement(encodeAnnouncement(sample));
    assert.deepEqual(decoded, { ok: true, announcement: sample });
  });

  test("a signed announcement verifies with the same secret", () => {
    const text = encodeAnnouncement(sample, "shared");
    const decoded = decodeAnnouncement(text, "shared");
    assert.equal(decoded.ok, true);
    assert.match(JSON.parse(text).sig, /^[0-9a-f]{64}$/);
  });

  test("the signature does not depend on key order", () => {
    const text = encodeAnnouncement(sample, "shared");
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse()));
    assert.equal(decodeAnnouncement(reordered, "shared").ok, true);
    assert.equal(canonicalAnnouncement(sample), canonicalAnnouncement({ ...sample, sig: "x" }));
  });

  test("a tampered head fails verification", () => {
    const parsed = JSON.parse(encodeAnnouncement(sample, "shared")) as Record<string, unknown>;
    parsed.head = "f".repeat(40);
    const decoded = decodeAnnouncement(JSON.stringify(parsed), "shared");
    assert.deepEqual(decoded.ok ? "accepted" : decoded.reason, "badSignature");
  });

  test("a different secret fails verification", () => {
    const decoded = decodeAnnouncement(encodeAnnouncement(sample, "other"), "shared");
    assert.deepEqual(decoded.ok ? "accepted" : decoded.reason, "badSignature");
  });

  test("a garbage or short signature is rejected without throwing", () => {
    for (const sig of ["", "zz", "abcd", "g".repeat(64)]) {
      const decoded = decodeAnnouncement(JSON.stringify({ ...sample, sig }), "shared");
      assert.deepEqual(decoded.ok ? "accepted" : decoded.reason, "badSignature", sig);
    }
  });

  test("a receiver with a secret drops unsigned announcements", () => {
    const decoded = decodeAnnouncement(encodeAnnouncement(sample), "shared");
    assert.deepEqual(decoded.ok ? "accepted" : decoded.reason, "unsigned");
  });

  test("a receiver without a secret accepts a signed announcement", () => {
    assert.equal(decodeAnnouncement(encodeAnnouncement(sample, "shared")).ok, true);
  });

  test("malformed payloads become typed rejections, never exceptions", () => {
    const cases: [string, string][] = [
      ["not json {", "notJson"],
      ["[1,2]", "notObject"],
      ["null", "notObject"],
      ['"text"', "notObject"],
      [JSON.stringify({ ...sample, v: 2 }), "unknownVersion"],
      [JSON.stringify({ ...sample, type: "deleted" }), "unknownType"],
      [JSON.stringify({ ...sample, head: "" }), "badField"],
      [JSON.stringify({ ...sample, repositoryId: 7 }), "badField"],
      [JSON.stringify({ ...sample, time: "now" }), "badField"],
      [JSON.stringify({ ...sample, remoteUrl: {} }), "badField"],
      [JSON.stringify({ ...sample, extra: 1 }), "badField"],
      ["x".repeat(9000), "tooLarge"],
    ];
    for (const [text, reason] of cases) {
      const decoded = decodeAnnouncement(text);
      assert.equal(decoded.ok ? "accepted" : decoded.reason, reason, text.slice(0, 60));
    }
  });
});
