import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import { reapOnExit } from "./exit-reaper.js";
import { makeTempDir } from "./temp-dir.js";
import { acceptsConnections, freePort } from "./free-port.js";
import { waitFor } from "./wait-for.js";

export interface MosquittoServer {
  port: number;
  url: string;
  /** The broker's pid while it runs. */
  readonly pid: number | undefined;
  /** Stops the broker (SIGTERM) and waits for the process to exit. */
  stop(): Promise<void>;
  /** Starts it again from the same config on the same port (outage tests). */
  restart(): Promise<void>;
  /** Stops it and removes its temp dir. */
  cleanup(): Promise<void>;
}

/**
 * A real mosquitto on a free loopback port from its own config in a temp dir. With `users`,
 * anonymous access is off and a password file made by `mosquitto_passwd` is used.
 */
export async function startMosquitto({
  users,
  tls,
}: {
  users?: Record<string, string>;
  /** Serve mqtts:// with this certificate (see test-certificates.ts). */
  tls?: { caFile: string; certFile: string; keyFile: string };
} = {}): Promise<MosquittoServer> {
  const temp = await makeTempDir("autosync-mosquitto-");
  const port = await freePort();
  const lines = [`listener ${port} 127.0.0.1`, "persistence false", "log_dest stderr"];
  // As root mosquitto drops to user "mosquitto", which cannot read our temp dir.
  if (process.getuid?.() === 0) lines.push(`user ${userInfo().username}`);
  if (tls) {
    lines.push(`cafile ${tls.caFile}`, `certfile ${tls.certFile}`, `keyfile ${tls.keyFile}`);
  }
  if (users) {
    const passwordFile = join(temp.dir, "passwords");
    await writeFile(passwordFile, "");
    for (const [user, password] of Object.entries(users)) {
      execFileSync("mosquitto_passwd", ["-b", passwordFile, user, password]);
    }
    lines.push("allow_anonymous false", `password_file ${passwordFile}`);
  } else {
    lines.push("allow_anonymous true");
  }
  const configFile = join(temp.dir, "mosquitto.conf");
  await writeFile(configFile, `${lines.join("\n")}\n`);

  let child: ChildProcess | undefined;
  let log = "";
  const start = async () => {
    const process_ = spawn("mosquitto", ["-c", configFile], { stdio: ["ignore", "pipe", "pipe"] });
    child = process_;
    reapOnExit(process_, { group: false });
    process_.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    process_.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    await waitFor(
      `mosquitto accepting on port ${port}`,
      async () => {
        if (process_.exitCode !== null) throw new Error(`mosquitto exited: ${log}`);
        return acceptsConnections(port);
      },
      { timeoutMs: 20_000 },
    );
  };
  const stop = async () => {
    const process_ = child;
    child = undefined;
    if (!process_ || process_.exitCode !== null) return;
    const exited = new Promise((resolve) => process_.once("exit", resolve));
    process_.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    port,
    url: `${tls ? "mqtts" : "mqtt"}://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    stop,
    restart: start,
    async cleanup() {
      await stop();
      await temp.cleanup();
    },
  };
}
