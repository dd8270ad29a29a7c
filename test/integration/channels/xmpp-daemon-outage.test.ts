import { test } from "node:test";
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

test(
  "an edit A pushes while prosody is down reaches B's tree after prosody returns",
  { timeout: 240_000 },
  async (t) => {
    const fixture = await SyncFixture.create(t, {
      copies: 2,
      prefix: "autosync-xmpp-outage-",
      timers: TIMERS,
    });
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
    const env = { [PASSWORD_VARIABLE]: "pw" };
    const [a, b] = (await Promise.all(
      fixture.copies.map((copy) => fixture.start(copy, { env })),
    )) as [AutosyncProcess, AutosyncProcess];
    for (const proc of [a, b]) {
      await proc.waitForEvent(`${proc.copy.host} connected over xmpp`, channelIs("connected"), {
        timeoutMs: 60_000,
      });
    }

    await prosody.stop();
    for (const proc of [a, b]) {
      await proc.waitForEvent(`${proc.copy.host} noticing prosody is gone`, (event) =>
        channelIs("reconnecting")(event),
      );
    }
    const content = `written in A while prosody was down ${Date.now()}\n`;
    await writeFile(join(a.copy.path, "outage.md"), content);
    // The push reaches the remote while neither daemon can announce or hear anything.
    await waitForRemote(fixture, "A's push of the edit", (tree) => tree.has("outage.md"));
    assert.equal(await fixture.remoteFile("outage.md"), content);
    assert.equal(await readFileIn(b.copy.path, "outage.md"), undefined, "nothing reached B yet");
    const bEventsBefore = b.events.length;

    await prosody.start();
    await waitForContent(fixture, b.copy, "outage.md", content, 60_000);

    // What carried it: the pull on the channel's return, or A's queued announcement (B's
    // pull either way; an announcement reaching B would show as announcementReceived).
    const afterReturn = b.events.slice(bEventsBefore);
    const reconnected = afterReturn.findIndex(channelIs("connected"));
    assert.ok(reconnected >= 0, `B reconnected:\n${b.describe(30)}`);
    assert.ok(
      afterReturn
        .slice(reconnected)
        .some((event) => event.type === "operationStarted" && event.operation === "pull"),
      `B pulled after the channel returned:\n${b.describe(30)}`,
    );
    t.diagnostic(
      `A sent its queued announcement: ${a.events.some((e) => e.type === "announcementSent")}; ` +
        `B received an announcement: ${afterReturn.some((e) => e.type === "announcementReceived")}`,
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
    assert.equal(await readFileIn(b.copy.path, "outage.md"), content);
    assert.deepEqual(
      [...a.events, ...b.events].filter((event) => event.type === "error"),
      [],
    );
  },
);
