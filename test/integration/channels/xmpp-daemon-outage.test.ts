import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { AutosyncEvent } from "../../../src/events/autosync-event.js";
import { startProsody } from "../../support/prosody-server.js";
import { waitFor } from "../../support/wait-for.js";
import {
  type AutosyncProcess,
  pathExists,
  readFileIn,
  SyncFixture,
  waitForContent,
  waitForRemote,
} from "../../support/sync-fixture.js";

// pullInterval 0: no fallback pull, so only the channel (or its return) can bring the edit.
const TIMERS = { commitDelay: "200ms", maxCommitDelay: "2s", pushDelay: "0s", pullInterval: "0" };
const PASSWORD_VARIABLE = "XMPP_OUTAGE_TEST_PASSWORD";

const channelIs =
  (status: string) =>
  (event: AutosyncEvent): boolean =>
    event.type === "channelStatus" && event.channel === "xmpp" && event.status === status;

/** A fixture whose copies log in to one prosody account; `run` starts the given copies. */
async function setup(t: TestContext, prefix: string) {
  const fixture = await SyncFixture.create(t, { copies: 2, prefix, timers: TIMERS });
  // Registered after the fixture: whichever order the hooks run in, nothing depends on it.
  const prosody = await startProsody();
  t.after(() => prosody.cleanup());
  await prosody.register("me", "pw");
  for (const copy of fixture.copies) {
    const config = {
      ...fixture.configFor(copy),
      channels: {
        xmpp: {
          jid: `me@${prosody.domain}`,
          password: { env: PASSWORD_VARIABLE },
          resource: `autosync-${copy.host}`,
          service: prosody.service,
        },
      },
    };
    await writeFile(copy.configPath, stringify(config));
  }
  const run = async (indexes: number[]) => {
    const env = { [PASSWORD_VARIABLE]: "pw" };
    const procs = await Promise.all(indexes.map((index) => fixture.start(index, { env })));
    for (const proc of procs) {
      await proc.waitForEvent(`${proc.copy.host} connected over xmpp`, channelIs("connected"), {
        timeoutMs: 60_000,
      });
    }
    return procs;
  };
  const outage = async (procs: AutosyncProcess[]) => {
    await prosody.stop();
    for (const proc of procs) {
      await proc.waitForEvent(
        `${proc.copy.host} noticing prosody is gone`,
        channelIs("reconnecting"),
      );
    }
  };
  return { fixture, prosody, run, outage };
}

/** B got `content` by a pull after its channel returned, and sits settled on the remote. */
async function assertPulledAndSettled(
  fixture: SyncFixture,
  b: AutosyncProcess,
  since: number,
  path: string,
  content: string,
) {
  await waitForContent(fixture, b.copy, path, content, 60_000);
  const afterReturn = b.events.slice(since);
  const reconnected = afterReturn.findIndex(channelIs("connected"));
  assert.ok(reconnected >= 0, `B reconnected:\n${b.describe(30)}`);
  assert.ok(
    afterReturn
      .slice(reconnected)
      .some((event) => event.type === "operationStarted" && event.operation === "pull"),
    `B pulled after the channel returned:\n${b.describe(30)}`,
  );
  const remoteHead = await fixture.remoteHead();
  await waitFor(
    "B to sit on the remote's head with a clean tree",
    async () =>
      (await fixture.run("git", ["rev-parse", "HEAD"], b.copy.path)).trim() === remoteHead &&
      (await fixture.run("git", ["status", "--porcelain"], b.copy.path)) === "",
    { timeoutMs: 30_000 },
  );
  for (const marker of ["MERGE_HEAD", "rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD"]) {
    assert.equal(
      await pathExists(join(b.copy.path, ".git", marker)),
      false,
      `B is not mid-merge (${marker})`,
    );
  }
  assert.equal(await readFileIn(b.copy.path, path), content);
  assert.deepEqual(
    b.events.filter((event) => event.type === "error"),
    [],
  );
}

describe("XMPP outages with real autosync run daemons", { timeout: 240_000 }, () => {
  test("an edit A pushes while prosody is down reaches B's tree after prosody returns", async (t) => {
    const { fixture, prosody, run, outage } = await setup(t, "autosync-xmpp-outage-");
    const [a, b] = (await run([0, 1])) as [AutosyncProcess, AutosyncProcess];
    await outage([a, b]);
    const content = `written in A while prosody was down ${Date.now()}\n`;
    await writeFile(join(a.copy.path, "outage.md"), content);
    // The push reaches the remote while neither daemon can announce or hear anything.
    await waitForRemote(fixture, "A's push of the edit", (tree) => tree.has("outage.md"));
    assert.equal(await fixture.remoteFile("outage.md"), content);
    assert.equal(await readFileIn(b.copy.path, "outage.md"), undefined, "nothing reached B yet");
    const since = b.events.length;

    await prosody.start();
    // Whichever daemon logs in first decides the path: B first hears A's queued announcement,
    // A first sends it to nobody and B catches up by the pull on its channel's return.
    await assertPulledAndSettled(fixture, b, since, "outage.md", content);
    t.diagnostic(
      `A sent its queued announcement: ${a.events.some((e) => e.type === "announcementSent")}; ` +
        `B received one: ${b.events.slice(since).some((e) => e.type === "announcementReceived")}`,
    );
    assert.deepEqual(
      a.events.filter((event) => event.type === "error"),
      [],
    );
  });

  test("a push no announcement told of, made while prosody was down, is pulled when the channel returns", async (t) => {
    const { fixture, prosody, run, outage } = await setup(t, "autosync-xmpp-missed-");
    // Copy 0 is a plain clone with no daemon: nothing will ever announce its push.
    const [b] = (await run([1])) as [AutosyncProcess];
    await outage([b]);
    const other = fixture.copy(0).path;
    const content = `pushed by hand while prosody was down ${Date.now()}\n`;
    await writeFile(join(other, "missed.md"), content);
    await fixture.run("git", ["add", "--", "missed.md"], other);
    await fixture.run("git", ["commit", "-q", "-m", "while beta was away"], other);
    await fixture.run("git", ["push", "-q", "origin", "HEAD:main"], other);
    const since = b.events.length;

    await prosody.start();
    await assertPulledAndSettled(fixture, b, since, "missed.md", content);
    assert.ok(
      !b.events.slice(since).some((event) => event.type === "announcementReceived"),
      "no announcement carried it: the channel's return did",
    );
  });
});
