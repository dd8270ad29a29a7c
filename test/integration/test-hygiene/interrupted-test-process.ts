import { spawn } from "node:child_process";
import { reapOnExit } from "../../support/exit-reaper.js";
import { startMosquitto } from "../../support/mosquitto-server.js";
import { SyncFixture } from "../../support/sync-fixture.js";

/**
 * Stands in for a test file's process: starts what a test starts through the test helpers,
 * prints one JSON line saying what to look for, then ends the way `end` says — or waits for
 * the signal the test sends. No `t.after` cleanup ever runs, as when a runner is killed.
 *
 * argv: <daemon|hg-daemon|sleeper|mosquitto> <wait|exit|drain|throw>
 */
const [kind, end] = process.argv.slice(2);

if (kind === "daemon" || kind === "hg-daemon") {
  // The fixture's cleanups are registered with a t.after that never runs, as in a killed runner.
  const fixture = await SyncFixture.create(
    { after() {} },
    { copies: 1, dvcs: kind === "hg-daemon" ? "hg" : "git" },
  );
  const daemon = await fixture.start(0);
  // By then the startup sync has run hg through chg, which left a server of its own session.
  await daemon.waitStartupSync();
  report({ group: daemon.pid, dir: fixture.dir });
} else if (kind === "sleeper") {
  // A group of two, like a daemon and the git it runs: the leader and its child.
  const child = spawn("sh", ["-c", "sleep 600 & wait"], { detached: true, stdio: "ignore" });
  reapOnExit(child, { group: true });
  // Without a reference the event loop can drain and the process end on its own.
  if (end === "drain") child.unref();
  report({ group: child.pid });
} else if (kind === "mosquitto") {
  const broker = await startMosquitto();
  report({ port: broker.port, pid: broker.pid });
} else {
  throw new Error(`unknown kind ${kind}`);
}

if (end === "exit") process.exit(0);
if (end === "throw") throw new Error("a test file crashed");
if (end === "wait") setInterval(() => {}, 60_000);

function report(found: { group?: number; pid?: number; port?: number; dir?: string }): void {
  process.stdout.write(`${JSON.stringify(found)}\n`);
}
