import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startMosquitto } from "../../support/mosquitto-server.js";
import { startProsody } from "../../support/prosody-server.js";
import { makeTestCertificates } from "../../support/test-certificates.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { waitFor } from "../../support/wait-for.js";
import { startAnnouncer } from "../../support/announcer-harness.js";

describe("channels over TLS with a private CA", { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  async function certificates() {
    const temp = await makeTempDir("autosync-certs-");
    cleanups.push(() => temp.cleanup());
    return makeTestCertificates(temp.dir, ["autosync.test"]);
  }

  function statusWhen(m: ReturnType<typeof startAnnouncer>, channel: string, status: string) {
    return waitFor(`${channel} ${status}`, () => {
      const s = status === "connected" ? m.statusOf(channel) : m.failureOf(channel);
      return s?.status === status ? s : undefined;
    });
  }

  test("mqtts:// with caFile delivers; without it the failure names TLS; a missing caFile names the file", async () => {
    const certs = await certificates();
    const broker = await startMosquitto({ tls: certs });
    cleanups.push(() => broker.cleanup());
    assert.match(broker.url, /^mqtts:/);
    const machine = (instanceId: string, caFile?: string) => {
      const m = startAnnouncer(
        {
          mqtt: {
            url: broker.url,
            topicPrefix: "autosync",
            ...(caFile !== undefined && { caFile }),
          },
        },
        { instanceId },
      );
      cleanups.push(() => m.announcer.stop());
      return m;
    };
    const a = machine("a", certs.caFile);
    const b = machine("b", certs.caFile);
    const untrusting = machine("untrusting");
    const missing = machine("missing", join(certs.caFile, "..", "nope.pem"));
    await Promise.all([a, b, untrusting, missing].map((m) => m.announcer.start()));
    await statusWhen(a, "mqtt", "connected");
    await statusWhen(b, "mqtt", "connected");
    a.announcer.announce({ repositoryId: "repo-1", head: "over-tls" });
    await waitFor("b hears it over TLS", () => b.received.some((r) => r.head === "over-tls"));
    const tlsFailure = await statusWhen(untrusting, "mqtt", "reconnecting");
    assert.match(
      tlsFailure.detail ?? "",
      /TLS with the MQTT broker mqtts:\/\/127\.0\.0\.1:\d+ failed/,
    );
    const fileFailure = await statusWhen(missing, "mqtt", "reconnecting");
    assert.match(fileFailure.detail ?? "", /cannot read channels\.mqtt\.caFile .*nope\.pem/);
  });

  test("XMPP with caFile logs in over STARTTLS and xmpps:// and delivers; the CA is trusted by that connection only; a missing caFile names the file", async () => {
    const certs = await certificates();
    const prosody = await startProsody("autosync.test", certs);
    cleanups.push(() => prosody.cleanup());
    await prosody.register("alice", "pw");
    const machine = (resource: string, caFile?: string, service = prosody.service) => {
      const m = startAnnouncer(
        {
          xmpp: {
            jid: "alice@autosync.test",
            password: { value: "pw" },
            resource,
            service,
            ...(caFile !== undefined && { caFile }),
            alsoNotify: [],
            allowFrom: [],
          },
        },
        { instanceId: resource },
      );
      cleanups.push(() => m.announcer.stop());
      return m;
    };
    const a = machine("a", certs.caFile);
    const b = machine("b", certs.caFile);
    assert.match(prosody.tlsService ?? "", /^xmpps:\/\/127\.0\.0\.1:\d+$/);
    const direct = machine("direct", certs.caFile, prosody.tlsService);
    // prosody requires encryption here (c2s_require_encryption): a login means STARTTLS worked.
    // The sender logs in last: its login waits for the siblings' presence, so it knows both.
    await Promise.all([b, direct].map((m) => m.announcer.start()));
    for (const m of [b, direct]) await statusWhen(m, "xmpp", "connected");
    await a.announcer.start();
    await statusWhen(a, "xmpp", "connected");
    a.announcer.announce({ repositoryId: "repo-1", head: "over-starttls" });
    await waitFor("b (STARTTLS) and the xmpps:// machine hear it", () =>
      [b, direct].every((m) => m.received.some((r) => r.head === "over-starttls")),
    );

    // Same process, same server, after the CA was used: without caFile it is still untrusted.
    const untrusting = machine("untrusting");
    const missing = machine("missing", join(certs.caFile, "..", "nope.pem"));
    await Promise.all([untrusting.announcer.start(), missing.announcer.start()]);
    const tlsFailure = await statusWhen(untrusting, "xmpp", "reconnecting");
    assert.match(
      tlsFailure.detail ?? "",
      /TLS with xmpp:\/\/127\.0\.0\.1:\d+ failed \(.*certificate.*channels\.xmpp\.caFile/,
    );
    const fileFailure = await statusWhen(missing, "xmpp", "reconnecting");
    assert.match(fileFailure.detail ?? "", /cannot read channels\.xmpp\.caFile .*nope\.pem/);
  });

  test("XMPP with STARTTLS and a certificate the client does not trust fails naming TLS", async () => {
    const certs = await certificates();
    const prosody = await startProsody("autosync.test", certs);
    cleanups.push(() => prosody.cleanup());
    await prosody.register("alice", "pw");
    const m = startAnnouncer(
      {
        xmpp: {
          jid: "alice@autosync.test",
          password: { value: "pw" },
          resource: "tls",
          service: prosody.service,
          alsoNotify: [],
          allowFrom: [],
        },
      },
      { instanceId: "tls" },
    );
    cleanups.push(() => m.announcer.stop());
    await m.announcer.start();
    const status = await statusWhen(m, "xmpp", "reconnecting");
    assert.match(status.detail ?? "", /TLS with xmpp:\/\/127\.0\.0\.1:\d+ failed \(.*certificate/);
  });
});
