import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CommandOptions, CommandResult } from "./command-runner.js";
import {
  commandResult,
  FORCE_KILL_AFTER_MS,
  MAX_OUTPUT_BYTES,
  type CommandEnd,
} from "./command-result.js";

/**
 * The recipe environment variable that sends the recipe's brz commands to a brz server
 * (`on`, the bzr recipe's default) or runs each as its own `brz` (`off`).
 */
export const BRZ_SERVER_ENV = "AUTOSYNC_BRZ_SERVER";

/** The plugin (recipes/brz-server, shipped in the package), the same path from src and dist. */
const PLUGIN_NAME = "autosync_server";
const PLUGIN_DIR = fileURLToPath(new URL("../../recipes/brz-server", import.meta.url));

/** A server exits after this long without a command, like autosync's chg servers. */
const IDLE_TIMEOUT_S = 600;

/**
 * A server that has not loaded breezy by then (a plugin hanging on the network) is killed, and
 * brz runs directly. Measured start: 0.1-0.4 s on a loaded 2-core box.
 */
const START_TIMEOUT_MS = 30_000;

/**
 * Servers kept per process: one per environment (a test that gives each case its own HOME
 * starts one per case). Beyond this many, idle ones are ended, the least recently used first.
 */
const MAX_SERVERS = 4;

/**
 * Read by commands, not by breezy's start-up: they travel with each command and do not need
 * a server of their own (the commit identity is added only to commits).
 */
const PER_COMMAND_ENV = new Set(["BRZ_EMAIL", "EMAIL"]);

/**
 * Programs the server runs: brz (or its old name) by any path. A recipe that overrides a
 * command with another program (a script, `sh`) runs it as it is, never as `<program>
 * autosync-serve`.
 */
const BRZ_PROGRAM = /(^|\/)(brz|bzr)$/;

/** A recipe command to serve: the recipe switched the server on, and the program is brz. */
export function servedByBrzServer(argv: readonly string[], options: CommandOptions): boolean {
  // Windows has no fork.
  return (
    options.env?.[BRZ_SERVER_ENV] === "on" &&
    BRZ_PROGRAM.test(argv[0] ?? "") &&
    process.platform !== "win32"
  );
}

type Direct = (argv: readonly string[], options: CommandOptions) => Promise<CommandResult>;

/** Programs whose server could not start (no brz, a brz without plugins): run directly. */
const unusable = new Set<string>();
const servers = new Map<string, BrzServer>();
let exitHookInstalled = false;

/**
 * Runs one brz command in a child forked by a brz server (recipes/brz-server/server.py),
 * started on first use for this program and environment. The result is the one `direct`
 * (running `brz` itself) would give. When no server can start, `direct` runs the command,
 * and every later one of that program. A server that dies before it forked the command is
 * replaced once; one that dies after fails the command, which may have run and is not run
 * again (a pull or a commit must not run twice).
 */
export async function runServed(
  argv: readonly string[],
  options: CommandOptions,
  direct: Direct,
): Promise<CommandResult> {
  const program = argv[0] as string;
  const env = commandEnv(options);
  // Waiting for a server to start is part of the command's time.
  const startedMs = performance.now();
  for (let attempt = 0; attempt < 2 && !unusable.has(program); attempt++) {
    const server = serverFor(program, env);
    if (!(await server.ready)) {
      unusable.add(program);
      break;
    }
    const served = await server.run(argv, options, env, startedMs);
    if (served !== "not run") return served;
  }
  return direct(argv, options);
}

/** The environment the command would get as a process of ours. */
function commandEnv(options: CommandOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined) env[name] = value;
  }
  return Object.assign(env, options.env);
}

function serverFor(program: string, env: Record<string, string>): BrzServer {
  const startup = Object.entries(env)
    .filter(([name]) => !PER_COMMAND_ENV.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = JSON.stringify([program, startup]);
  let server = servers.get(key);
  if (server && !server.gone) {
    // Most recently used last, for the eviction below.
    servers.delete(key);
    servers.set(key, server);
    return server;
  }
  for (const [otherKey, other] of servers) {
    if (servers.size < MAX_SERVERS) break;
    if (other.idle) {
      other.end();
      servers.delete(otherKey);
    }
  }
  server = new BrzServer(program, env, () => {
    if (servers.get(key) === server) servers.delete(key);
  });
  servers.set(key, server);
  installExitHook();
  return server;
}

/** The daemon exiting ends its servers and, as for its own children, the commands in flight. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const server of servers.values()) server.kill();
  });
}

interface Request {
  argv: readonly string[];
  options: CommandOptions;
  resolve: (result: CommandResult | "not run") => void;
  startedMs: number;
  pid?: number;
  stdout: Buffer[];
  stderr: Buffer[];
  bytes: number;
  timedOut: boolean;
  tooLarge: boolean;
  timer?: NodeJS.Timeout;
  forceTimer?: NodeJS.Timeout;
}

/** Messages of server.py: a JSON line, then `n` bytes of output. */
interface Message {
  ready?: number;
  id?: number;
  pid?: number;
  fd?: 1 | 2;
  n?: number;
  exit?: number;
  signal?: string;
  error?: string;
}

class BrzServer {
  readonly ready: Promise<boolean>;
  gone = false;
  private readonly child: ChildProcess;
  private readonly requests = new Map<number, Request>();
  private nextId = 1;
  private input: Buffer = Buffer.alloc(0);
  private header: Message | undefined;
  private started = false;
  private markReady: (ok: boolean) => void = () => {};

  constructor(program: string, env: Record<string, string>, onGone: () => void) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const plugin = `${PLUGIN_NAME}@${PLUGIN_DIR}`;
    const pluginsAt = env.BRZ_PLUGINS_AT ? `${plugin}:${env.BRZ_PLUGINS_AT}` : plugin;
    this.child = spawn(program, ["autosync-serve", "--idle-timeout", String(IDLE_TIMEOUT_S)], {
      // Not a working copy: the server must not keep a removable drive busy.
      cwd: "/",
      env: { ...env, BRZ_PLUGINS_AT: pluginsAt },
      // Its own messages (a plugin's warning) are of no use to autosync.
      stdio: ["pipe", "pipe", "ignore"],
    });
    this.child.on("error", () => {
      // Could not start (ENOENT, EACCES): no "close" may follow.
      if (this.child.pid === undefined) this.lost(onGone);
    });
    this.child.stdin?.on("error", () => {});
    this.child.stdout?.on("data", (chunk: Buffer) => {
      try {
        this.receive(chunk);
      } catch {
        // Not the protocol (a broken server): it is ended like one that died.
        this.child.kill("SIGKILL");
      }
    });
    this.child.on("close", () => this.lost(onGone));
    const deadline = setTimeout(() => {
      if (!this.started) this.child.kill("SIGKILL");
    }, START_TIMEOUT_MS);
    void this.ready.then(() => clearTimeout(deadline));
    this.hold(true);
  }

  get idle(): boolean {
    return this.started && this.requests.size === 0;
  }

  /** Sends one command; "not run" when the server went away before it forked it. */
  run(
    argv: readonly string[],
    options: CommandOptions,
    env: Record<string, string>,
    startedMs: number,
  ): Promise<CommandResult | "not run"> {
    if (this.gone) return Promise.resolve("not run");
    const id = this.nextId++;
    return new Promise((resolve) => {
      const request: Request = {
        argv,
        options,
        resolve,
        startedMs,
        stdout: [],
        stderr: [],
        bytes: 0,
        timedOut: false,
        tooLarge: false,
      };
      this.requests.set(id, request);
      this.hold(true);
      const input =
        options.input === undefined
          ? undefined
          : typeof options.input === "string"
            ? Buffer.from(options.input)
            : Buffer.from(options.input);
      const header = {
        id,
        argv: argv.slice(1),
        cwd: options.cwd,
        env,
        ...(input ? { input: input.length } : {}),
        ...(options.killProcessGroup ? { group: true } : {}),
      };
      this.child.stdin?.write(
        input
          ? Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), input])
          : `${JSON.stringify(header)}\n`,
      );
      if (options.timeoutMs !== undefined) {
        request.timer = setTimeout(() => {
          request.timedOut = true;
          this.stop(request);
        }, options.timeoutMs);
      }
    });
  }

  /** Ends an idle server: it exits on stdin EOF. */
  end(): void {
    this.child.stdin?.end();
  }

  /** This process is exiting: the server and the commands in flight go with it. */
  kill(): void {
    for (const request of this.requests.values()) {
      if (request.pid !== undefined) signal(request, "SIGTERM");
    }
    this.child.kill();
  }

  /** While commands are in flight the server's pipes keep the process alive, not otherwise. */
  private hold(busy: boolean): void {
    const handles = [this.child, this.child.stdin, this.child.stdout] as (
      { ref?: () => void; unref?: () => void } | null | undefined
    )[];
    for (const handle of handles) {
      if (busy) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  /** On timeout or too much output, as the process runner stops a command. */
  private stop(request: Request): void {
    // Until the server reports the pid the command has not started; it is stopped on start.
    if (request.pid === undefined) return;
    if (request.options.killProcessGroup) {
      signal(request, "SIGKILL");
      return;
    }
    signal(request, "SIGTERM");
    request.forceTimer ??= setTimeout(() => signal(request, "SIGKILL"), FORCE_KILL_AFTER_MS);
  }

  private receive(chunk: Buffer): void {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    for (;;) {
      if (this.header === undefined) {
        const end = this.input.indexOf(10);
        if (end < 0) return;
        this.header = JSON.parse(this.input.subarray(0, end).toString("utf8")) as Message;
        this.input = this.input.subarray(end + 1);
      }
      const size = this.header.n ?? 0;
      if (this.input.length < size) return;
      const payload = this.input.subarray(0, size);
      this.input = this.input.subarray(size);
      const message = this.header;
      this.header = undefined;
      this.handle(message, payload);
    }
  }

  private handle(message: Message, payload: Buffer): void {
    if (message.ready) {
      this.started = true;
      this.markReady(true);
      if (this.requests.size === 0) this.hold(false);
      return;
    }
    const request = message.id === undefined ? undefined : this.requests.get(message.id);
    if (!request || message.id === undefined) return;
    if (message.pid !== undefined) {
      request.pid = message.pid;
      if (request.timedOut || request.tooLarge) this.stop(request);
    } else if (message.fd !== undefined) {
      request.bytes += payload.length;
      if (request.bytes > MAX_OUTPUT_BYTES) {
        if (!request.tooLarge) this.stop(request);
        request.tooLarge = true;
        return;
      }
      // A copy: the payload is a view of the whole chunk read from the server.
      (message.fd === 1 ? request.stdout : request.stderr).push(Buffer.from(payload));
    } else {
      const end: CommandEnd =
        message.error !== undefined
          ? { code: message.error }
          : message.signal !== undefined
            ? { signal: message.signal }
            : { exitCode: message.exit ?? 0 };
      this.settle(message.id, request, end);
    }
  }

  private settle(id: number, request: Request, end: CommandEnd | "not run"): void {
    clearTimeout(request.timer);
    clearTimeout(request.forceTimer);
    this.requests.delete(id);
    if (this.requests.size === 0 && !this.gone) this.hold(false);
    request.resolve(
      end === "not run"
        ? end
        : commandResult(request.argv, request.options, {
            ...end,
            stdout: request.stdout,
            stderr: request.stderr,
            startedMs: request.startedMs,
            timedOut: request.timedOut,
            tooLarge: request.tooLarge,
          }),
    );
  }

  /**
   * The server exited or never started: what it had forked fails (it may have run), what it had
   * not forked was not run.
   */
  private lost(onGone: () => void): void {
    if (this.gone) return;
    this.gone = true;
    onGone();
    this.markReady(false);
    for (const [id, request] of this.requests) {
      if (request.pid === undefined) {
        this.settle(id, request, "not run");
        continue;
      }
      // Its output has nowhere to go: it fails now, and is stopped rather than left running
      // (brz has no SIGTERM handler; no SIGKILL later, as its pid is no longer reserved for us).
      signal(request, "SIGTERM");
      this.settle(id, request, { code: "brz server lost" });
    }
    this.hold(false);
  }
}

/** The command, or with killProcessGroup the group it leads (its helpers too). */
function signal(request: Request, name: NodeJS.Signals): void {
  if (request.pid === undefined) return;
  try {
    process.kill(request.options.killProcessGroup ? -request.pid : request.pid, name);
  } catch {
    // Gone already.
  }
}
