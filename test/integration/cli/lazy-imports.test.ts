import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { startMosquitto } from "../../support/mosquitto-server.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const source = (path: string) => pathToFileURL(`${repoRoot}${path}`).href;

// Records every module URL the child resolves and prints the packages at exit.
const recorder = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from "node:module";
const urls = new Set();
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); urls.add(r.url); return r; } });
process.on("exit", () => {
  const packages = new Set();
  for (const url of urls) {
    const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(url);
    if (match) packages.add(match[1]);
  }
  process.stdout.write(JSON.stringify([...packages]));
});
`)}`;

// What `autosync run` holds in memory before it does anything: every command (main.ts imports
// the command list), and an announcer and a notifier built for a config that has both channels
// and desktop notices, but nothing connected or shown yet.
const script = `
await import(${JSON.stringify(source("src/cli/command-list.ts"))});
const { createAnnouncer } = await import(${JSON.stringify(source("src/channels/create-announcer.ts"))});
const { createNotifier } = await import(${JSON.stringify(source("src/notify/desktop-notifier.ts"))});
const { EventBus } = await import(${JSON.stringify(source("src/events/event-bus.ts"))});
const bus = new EventBus();
createAnnouncer(
  {
    peers: { pullFromOrigin: false },
    xmpp: { jid: "a@example.org", password: { value: "x" }, resource: "r", alsoNotify: [], allowFrom: [] },
    mqtt: { url: "mqtt://127.0.0.1:1", topicPrefix: "autosync" },
  },
  { host: "h", instanceId: "i", bus, env: {} },
);
createNotifier(
  { desktop: { enabled: true, coalesceMs: 1000, kinds: { pushed: true, pulled: true, conflict: true, error: true, offline: true, online: true } } },
  { bus, env: {} },
);
`;

test("autosync run loads no channel client, broker, notifier, UI, config search or execa before it needs one", async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--import", recorder, "--input-type=module", "-e", script],
    { cwd: repoRoot, timeout: 60_000 },
  );
  const packages = JSON.parse(stdout) as string[];
  // The recorder works: what run always needs is there.
  for (const needed of ["ajv", "yaml"]) assert.ok(packages.includes(needed), needed);
  // execa: DVCS commands run through node:child_process (src/runtime/command-runner.ts).
  const heavy = [
    "@xmpp/client",
    "mqtt",
    "aedes",
    "node-notifier",
    "ink",
    "react",
    "cosmiconfig",
    "execa",
  ];
  assert.deepEqual(
    heavy.filter((name) => packages.includes(name)),
    [],
  );
});

test("an MQTT daemon on a plain mqtt:// broker loads no TLS; a CA file does", async (t) => {
  const broker = await startMosquitto();
  t.after(() => broker.cleanup());
  const connectAndList = (config: string) => `
const { MqttChannel } = await import(${JSON.stringify(source("src/channels/mqtt-channel.ts"))});
const channel = new MqttChannel(${config}, { instanceId: "lazy-tls" });
channel.attach({ received() {}, disconnected() {} });
await channel.connect();
await channel.close();
process.stdout.write(JSON.stringify(process.moduleLoadList.filter((name) => /\\btls\\b/.test(name))));
`;
  const run = async (config: string) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", connectAndList(config)],
      { cwd: repoRoot, timeout: 60_000 },
    );
    return JSON.parse(stdout) as string[];
  };
  const url = JSON.stringify(broker.url);
  assert.deepEqual(await run(`{ url: ${url}, topicPrefix: "t" }`), []);
  // The CA file path proves the probe sees node:tls when it is loaded. mosquitto speaks plain
  // MQTT here, which is fine: the `ca` option is only built, not used, on a mqtt:// URL.
  const caFile = JSON.stringify(fileURLToPath(import.meta.url));
  assert.ok(
    (await run(`{ url: ${url}, topicPrefix: "t", caFile: ${caFile} }`)).length > 0,
    "a CA file loads node:tls",
  );
});
