import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type Announcement,
  decodeAnnouncement,
  encodeAnnouncement,
} from "../../../src/channels/announcement.js";

const base: Announcement = {
  v: 1,
  type: "pushed",
  repositoryId: "r1",
  host: "laptop",
  instanceId: "laptop-1",
  head: "abc",
  time: 1,
};

describe("pull URLs in received announcements", () => {
  test("a usable pull URL is kept", () => {
    const decoded = decodeAnnouncement(
      encodeAnnouncement({ ...base, pullUrl: "ssh://laptop.lan/~/notes" }),
    );
    assert.ok(decoded.ok);
    assert.equal(decoded.announcement.pullUrl, "ssh://laptop.lan/~/notes");
  });

  for (const bad of [
    "--upload-pack=touch /tmp/x",
    "ext::sh -c touch% /tmp/x",
    "laptop:notes",
    "notes",
  ]) {
    test(`${JSON.stringify(bad)} is dropped, the announcement still counts`, () => {
      const decoded = decodeAnnouncement(encodeAnnouncement({ ...base, pullUrl: bad }, "s3"), "s3");
      assert.ok(decoded.ok, "a signed announcement with a bad URL still triggers a pull");
      assert.equal(decoded.announcement.pullUrl, undefined);
      assert.equal(decoded.announcement.head, "abc");
    });
  }

  test("the signature still covers the pull URL: a swapped URL is rejected", () => {
    const signed = JSON.parse(
      encodeAnnouncement({ ...base, pullUrl: "/home/me/notes" }, "s3"),
    ) as Announcement;
    const forged = JSON.stringify({ ...signed, pullUrl: "/tmp/evil" });
    const decoded = decodeAnnouncement(forged, "s3");
    assert.equal(decoded.ok, false);
  });
});
