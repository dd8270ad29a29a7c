import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isSafePullUrl } from "../../../src/engine/pull-origin.js";
import {
  EngineSimulator,
  committed,
  modified,
  pulled,
  statusOk,
} from "../../support/engine-simulator.js";

describe("pulling from the announcing machine", () => {
  test("an announcement's pull URL and head travel into the pull request", () => {
    const sim = new EngineSimulator();
    sim.send({
      type: "announcementReceived",
      channel: "mqtt",
      fromHost: "laptop",
      head: "abc123",
      pullUrl: "ssh://laptop.lan/~/notes",
    });
    const pull = sim.current();
    assert.equal(pull?.kind, "pull");
    assert.deepEqual(pull.kind === "pull" && pull.origin, {
      url: "ssh://laptop.lan/~/notes",
      head: "abc123",
    });
    assert.equal(sim.state.pullOrigin, undefined, "the pull took the origin");
  });

  test("in a coalesced storm the latest announcement's origin wins", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "changesObserved", paths: ["a.md"] });
    sim.advance(1000);
    for (let i = 0; i < 20; i++) {
      sim.send({
        type: "announcementReceived",
        channel: "mqtt",
        fromHost: `pc${i}`,
        head: `h${i}`,
        pullUrl: `/peers/pc${i}/notes`,
      });
    }
    sim.finish(statusOk([modified("a.md")]));
    sim.finish(committed("c1", [modified("a.md")]));
    const pulls = sim.operationsOf("pull");
    assert.equal(pulls.length, 1, "the storm is one pull");
    assert.deepEqual(pulls[0]?.origin, { url: "/peers/pc19/notes", head: "h19" });
  });

  test("an announcement without a pull URL after one with it pulls from the remote alone", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "announcementReceived", channel: "xmpp", fromHost: "pc" });
    assert.equal(sim.current()?.kind, "pull");
    sim.send({
      type: "announcementReceived",
      channel: "xmpp",
      fromHost: "laptop",
      head: "h1",
      pullUrl: "/peers/laptop/notes",
    });
    sim.send({ type: "announcementReceived", channel: "xmpp", fromHost: "reconnect" });
    sim.finish(pulled("h1", ["a"]));
    const pulls = sim.operationsOf("pull");
    assert.equal(pulls.length, 2);
    assert.equal(pulls[1]?.origin, undefined);
  });

  test("the pull after the one that used the origin goes to the remote alone", () => {
    const sim = new EngineSimulator();
    sim.send({
      type: "announcementReceived",
      channel: "xmpp",
      fromHost: "laptop",
      head: "h1",
      pullUrl: "/peers/laptop/notes",
    });
    sim.finish(pulled("h1", ["a"]));
    sim.send({ type: "syncRequested" });
    sim.finish(statusOk([]));
    const pulls = sim.operationsOf("pull");
    assert.equal(pulls.length, 2);
    assert.ok(pulls[0]?.origin);
    assert.equal(pulls[1]?.origin, undefined);
  });

  test("the origin's report is shown as information, never as an error", () => {
    const sim = new EngineSimulator();
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "laptop" });
    sim.finish({
      kind: "pull",
      outcome: "up-to-date",
      head: "h1",
      changedPaths: [],
      conflicts: [],
      needsPush: false,
      origin: { url: "ssh://laptop.lan/notes", outcome: "failed", detail: "timed out" },
    });
    const infos = sim.eventsOf("info").map((event) => event.message);
    assert.ok(infos.some((message) => message.includes("ssh://laptop.lan/notes")));
    assert.deepEqual(sim.eventsOf("error"), []);
    assert.equal(sim.state.lastFailure, undefined);
  });
});

describe("which pull URLs a peer may send", () => {
  const accepted = [
    "ssh://laptop.lan/~/notes",
    "ssh://me@laptop.lan:2222/home/me/notes",
    "git://laptop.lan/notes",
    "http://laptop.lan/notes",
    "https://laptop.lan/notes.git",
    "file:///home/me/notes",
    "/home/me/notes",
    "/home/me/my notes",
    "sftp://laptop.lan/home/me/notes",
    "bzr+ssh://me@laptop.lan/~/notes",
  ];
  const refused = [
    "--upload-pack=touch /tmp/x",
    "-oProxyCommand=touch /tmp/x",
    "ext::sh -c touch% /tmp/x",
    "fd::17",
    "ssh://-oProxyCommand=touch%20x/notes",
    "ssh://-oProxyCommand@laptop/notes",
    "laptop:notes",
    "relative/path",
    "//server/share",
    "ftp://laptop/notes",
    "bzr+ssh://-oProxyCommand=x/notes",
    "sftp://-oProxyCommand@laptop/notes",
    "bzr://laptop/notes",
    "file://otherhost/notes",
    "/home/me/notes\n--upload-pack=x",
    "",
  ];
  for (const url of accepted) {
    test(`accepts ${JSON.stringify(url)}`, () => assert.equal(isSafePullUrl(url), true));
  }
  for (const url of refused) {
    test(`refuses ${JSON.stringify(url)}`, () => assert.equal(isSafePullUrl(url), false));
  }
});
