import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { reapOnExit } from "./exit-reaper.js";
import { makeTempDir } from "./temp-dir.js";
import { acceptsConnections, freePort } from "./free-port.js";
import { waitFor } from "./wait-for.js";

const run = promisify(execFile);

export interface ProsodyServer {
  domain: string;
  port: number;
  /** `xmpp://127.0.0.1:<port>`, for channels.xmpp.service. */
  service: string;
  /** `xmpps://127.0.0.1:<port>` (direct TLS), when started with a certificate. */
  tlsService?: string;
  register(user: string, password: string): Promise<string>;
  /** Stops prosody (SIGTERM); `start` brings it back on the same port, accounts kept. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers, like a hung server or a dead NAT path. */
  freeze(): void;
  thaw(): void;
  /** Stops prosody and removes its temp dir. */
  cleanup(): Promise<void>;
}

/**
 * A real prosody (Debian's 0.12) on a free loopback port, from its own config in a temp dir.
 * No certificate is configured, so the server offers no STARTTLS and accepts plaintext
 * logins on loopback (`c2s_require_encryption = false`); TLS paths are exercised by the
 * client's own checks, not here. s2s and offline storage are off: only c2s is tested.
 */
export async function startProsody(
  domain = "autosync.test",
  /**
   * Offer STARTTLS with this certificate and require it, and accept direct TLS on a second
   * port (`tlsService`); see test-certificates.ts.
   */
  tls?: { certFile: string; keyFile: string },
): Promise<ProsodyServer> {
  const temp = await makeTempDir("autosync-prosody-");
  const dataDir = join(temp.dir, "data");
  await mkdir(dataDir);
  const port = await freePort();
  const tlsPort = tls ? await freePort() : undefined;
  const user = userInfo().username;
  const config = [
    "daemonize = false",
    // Prosody refuses to run as root (CI containers often are) unless told so, and
    // prosodyctl would switch to the "prosody" user, which cannot write our temp dir.
    "run_as_root = true",
    `prosody_user = ${lua(user)}`,
    `pidfile = ${lua(join(temp.dir, "prosody.pid"))}`,
    `data_path = ${lua(dataDir)}`,
    `certificates = ${lua(temp.dir)}`,
    `log = { { levels = { min = "info" }, to = "file", filename = ${lua(join(temp.dir, "prosody.log"))} } }`,
    'interfaces = { "127.0.0.1" }',
    `c2s_ports = { ${port} }`,
    `c2s_direct_tls_ports = { ${tlsPort ?? ""} }`,
    "legacy_ssl_ports = { }",
    "s2s_ports = { }",
    'modules_enabled = { "roster", "saslauth", "disco", "presence", "message", "iq", "ping", "posix", "tls" }',
    ...(tls
      ? [
          'modules_disabled = { "s2s", "offline" }',
          `ssl = { key = ${lua(tls.keyFile)}; certificate = ${lua(tls.certFile)} }`,
          "c2s_require_encryption = true",
        ]
      : [
          'modules_disabled = { "s2s", "offline", "tls" }',
          "c2s_require_encryption = false",
          "allow_unencrypted_plain_auth = true",
        ]),
    'authentication = "internal_plain"',
    'storage = "internal"',
    'network_backend = "epoll"',
    `VirtualHost ${lua(domain)}`,
    "",
  ].join("\n");
  const configFile = join(temp.dir, "prosody.cfg.lua");
  await writeFile(configFile, config);

  let child: ChildProcess | undefined;
  let output = "";
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGCONT");
    running.kill("SIGTERM");
    await exited;
  };
  const start = async () => {
    const started = spawn("prosody", ["-F", "--config", configFile], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = started;
    reapOnExit(started, { group: false });
    started.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      `prosody accepting on port ${port}`,
      async () => {
        if (started.exitCode !== null) throw new Error(`prosody exited: ${output}`);
        return (
          (await acceptsConnections(port)) &&
          (tlsPort === undefined || (await acceptsConnections(tlsPort)))
        );
      },
      { timeoutMs: 30_000 },
    );
  };
  try {
    await start();
  } catch (error) {
    await stop();
    await temp.cleanup();
    throw error;
  }
  return {
    domain,
    port,
    service: `xmpp://127.0.0.1:${port}`,
    ...(tlsPort !== undefined && { tlsService: `xmpps://127.0.0.1:${tlsPort}` }),
    async register(name, password) {
      // prosodyctl writes the account file directly; the running server reads it at login.
      await run("prosodyctl", ["--config", configFile, "register", name, domain, password]);
      return `${name}@${domain}`;
    },
    stop,
    start,
    freeze() {
      child?.kill("SIGSTOP");
    },
    thaw() {
      child?.kill("SIGCONT");
    },
    async cleanup() {
      await stop();
      await temp.cleanup();
    },
  };
}

function lua(text: string): string {
  return JSON.stringify(text);
}
