import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startEmbeddedBroker } from "../../../src/channels/embedded-broker.js";
import { resolveConfigObject } from "../../../src/config/load-config.js";
import type { ResolvedConfig } from "../../../src/config/resolved-config.js";
import type { AutosyncEvent } from "../../../src/events/autosync-event.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import { processRunner } from "../../../src/runtime/command-runner.js";
import { INSTANCE_LOCK_FILE, startDaemon, type DaemonHandle } from "../../../src/runtime/daemon.js";
import { makeGitClones, type GitClones } from "../../support/git-clones.js";
import { waitFor } from "../../support/wait-for.js";

/** DaemonHandle.applyConfig in process, with real git clones and a real MQTT broker. */

const FAST = { commitDelay: "200ms", maxCommitDelay: "2s", pushDelay: "0s", pullInterval: "0s" };

let clones: GitClones;
const running: DaemonHandle[] = [];
before(async () => {
  clones = await makeGitClones(2, "autosync-daemon-reload-");
});
after(async () => {
  await Promise.all(running.map((handle) => handle.stop()));
  await clones?.cleanup();
});

async function configWith(
  repositories: { path: string; name: string }[],
  top: Record<string, unknown> = {},
): Promise<ResolvedConfig> {
  const result = await resolveConfigObject(
    {
      version: 1,
      host: "alpha",
      defaults: { recipe: "git", timers: FAST },
      repositories,
      pidfile: join(clones.dir, "reload.pid"),
      controlSocket: join(clones.dir, "reload.sock"),
      notify: { desktop: { enabled: false } },
      ...top,
    },
    { cwd: clones.dir, env: process.env },
  );
  if (!result.ok) throw new Error(`test config invalid: ${JSON.stringify(result.diagnostics)}`);
  return result.config;
}

describe("reloading a running daemon's config", () => {
  test("a removed repository stops only after its operation in flight, never mid-merge, and unlocks", async () => {
    const [first, second] = clones.clones as [string, string];
    // The startup pull of `first` waits at a gate until the reload has been asked for.
    let releaseGate!: () => void;
    const gate = new Promise<void>((resolve) => (releaseGate = resolve));
    let gateReached = false;
    let gatedFinished = false;
    const config = await configWith([
      { path: first, name: "first" },
      { path: second, name: "second" },
    ]);
    const handle = await startDaemon(config, {
      createOperations: (repository, isIgnored) => {
        const real = createOperations({
          root: repository.path,
          recipe: repository.recipe,
          runner: processRunner,
          isIgnored,
          host: repository.engine.host,
          deletionGuard: repository.engine.deletionGuard,
          now: () => Date.now(),
        });
        if (repository.name !== "first") return real;
        return {
          ...real,
          async run(request) {
            if (request.kind !== "pull" || gateReached) return real.run(request);
            gateReached = true;
            await gate;
            const result = await real.run(request);
            gatedFinished = true;
            return result;
          },
        };
      },
    });
    running.push(handle);
    const events: AutosyncEvent[] = [...handle.bus.since(0)];
    handle.bus.subscribe((event) => events.push(event));
    await waitFor("the startup pull of first to be in flight", () => gateReached);

    const reloading = handle.applyConfig(await configWith([{ path: second, name: "second" }]));
    let settled = false;
    void reloading.then(() => (settled = true));
    // The reload is waiting for the pull: let the event loop run, it must not finish meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(settled, false);
    releaseGate();
    const report = await reloading;
    assert.equal(gatedFinished, true, "the operation in flight finished before the reload did");
    assert.deepEqual(report.removed, ["first"]);
    assert.deepEqual(report.added, []);
    assert.deepEqual(report.restarted, []);
    assert.deepEqual(
      handle.snapshots().map((snapshot) => snapshot.repo),
      ["second"],
    );
    assert.equal(existsSync(join(first, ".git", "MERGE_HEAD")), false, "not left mid-merge");
    assert.equal(existsSync(join(first, ".git", INSTANCE_LOCK_FILE)), false, "lock released");
    assert.equal(
      existsSync(join(second, ".git", INSTANCE_LOCK_FILE)),
      true,
      "second keeps its lock",
    );
    const pullDone = events.findIndex(
      (event) =>
        event.type === "operationFinished" && event.repo === "first" && event.operation === "pull",
    );
    const reloaded = events.findIndex(
      (event) => event.type === "info" && event.message.startsWith("config reloaded"),
    );
    assert.ok(pullDone >= 0 && pullDone < reloaded, "pull finished, then the reload reported");
    await handle.stop();
    assert.equal(existsSync(join(second, ".git", INSTANCE_LOCK_FILE)), false);
  });

  test("new channels connect on reload; the same config again changes nothing", async (t) => {
    const broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
    t.after(() => broker.close());
    const [first] = clones.clones as [string];
    const handle = await startDaemon(await configWith([{ path: first, name: "notes" }]));
    running.push(handle);
    const events: AutosyncEvent[] = [...handle.bus.since(0)];
    handle.bus.subscribe((event) => events.push(event));
    const withMqtt = await configWith([{ path: first, name: "notes" }], {
      channels: { mqtt: { url: broker.url } },
    });
    const report = await handle.applyConfig(withMqtt);
    assert.equal(report.channelsRestarted, true);
    assert.deepEqual([report.added, report.removed, report.restarted], [[], [], []]);
    await waitFor("the MQTT channel connected", () =>
      events.some(
        (event) =>
          event.type === "channelStatus" &&
          event.channel === "mqtt" &&
          event.status === "connected",
      ),
    );
    const again = await handle.applyConfig(withMqtt);
    assert.equal(again.channelsRestarted, false);
    assert.ok(
      events.some(
        (event) => event.type === "info" && event.message === "config reloaded: nothing changed",
      ),
    );
    await handle.stop();
  });
});
