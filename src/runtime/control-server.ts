import { chmod, lstat, mkdir, unlink } from "node:fs/promises";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import type { EngineInput } from "../engine/engine-input.js";
import { uiMessages } from "../messages/ui-messages.js";
import type { DaemonView } from "../ui/daemon-view.js";
import {
  MAX_REQUEST_BYTES,
  parseControlRequest,
  type ControlRequest,
  type ControlResponse,
} from "./control-protocol.js";

export interface ControlServer {
  readonly socketPath: string;
  close(): Promise<void>;
}

/** Thrown when the socket cannot be taken; `message` is for the user. */
export class ControlSocketError extends Error {
  constructor(
    message: string,
    readonly reason: "in-use" | "not-a-socket",
  ) {
    super(message);
    this.name = "ControlSocketError";
  }
}

/**
 * Serves `autosync status|sync|pause|resume|commit|stop` on a Unix domain socket.
 *
 * Who may connect: the socket is created with mode 0600 (umask set around bind, then chmod,
 * so there is no window where it is wider) in a directory created 0700 when it does not exist
 * ($XDG_RUNTIME_DIR is 0700 by systemd). Node exposes no SO_PEERCRED, so the peer's uid is not
 * checked; on Linux connecting to a socket needs write permission on it, which 0600 gives only
 * to the owner (and root).
 *
 * A socket file that is left behind is replaced only when nothing answers on it: a second
 * daemon must not steal the first one's socket.
 */
export async function startControlServer(
  socketPath: string,
  view: DaemonView,
): Promise<ControlServer> {
  await mkdir(dirname(socketPath), { recursive: true, mode: 0o700 });
  await removeStaleSocket(socketPath);

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serveConnection(socket, view);
  });
  await listen(server, socketPath);
  await chmod(socketPath, 0o600);

  let closed: Promise<void> | undefined;
  return {
    socketPath,
    close() {
      closed ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        // server.close() unlinks the path on its own; this covers a path replaced meanwhile.
        await unlink(socketPath).catch(() => {});
      })();
      return closed;
    },
  };
}

async function listen(server: Server, socketPath: string): Promise<void> {
  // bind() happens synchronously inside listen(), so the umask covers exactly this socket.
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => {
        server.removeListener("error", reject);
        resolve();
      });
    });
  } finally {
    process.umask(previous);
  }
}

async function removeStaleSocket(socketPath: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (!stats.isSocket())
    throw new ControlSocketError(uiMessages.socketNotSocket(socketPath), "not-a-socket");
  if (await answers(socketPath))
    throw new ControlSocketError(uiMessages.socketInUse(socketPath), "in-use");
  await unlink(socketPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

/** Whether something accepts connections on the socket (ECONNREFUSED: a dead daemon's file). */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function serveConnection(socket: Socket, view: DaemonView): void {
  socket.setEncoding("utf8");
  let buffered = "";
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    for (;;) {
      const end = buffered.indexOf("\n");
      if (end < 0) break;
      const line = buffered.slice(0, end).trim();
      buffered = buffered.slice(end + 1);
      if (line) reply(socket, line, view);
    }
    if (Buffer.byteLength(buffered) > MAX_REQUEST_BYTES) {
      write(socket, {
        ok: false,
        error: uiMessages.badRequest(`a request line is longer than ${MAX_REQUEST_BYTES} bytes`),
      });
      socket.end();
      buffered = "";
    }
  });
}

function write(socket: Socket, response: ControlResponse): void {
  if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(response)}\n`);
}

function reply(socket: Socket, line: string, view: DaemonView): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return write(socket, { ok: false, error: uiMessages.badRequest("not JSON") });
  }
  const request = parseControlRequest(parsed);
  if (typeof request === "string")
    return write(socket, { ok: false, error: uiMessages.badRequest(request) });
  if (request.command === "change") {
    // Answered once committed: the client reports what happened, not only that it was asked.
    void applyChange(request, view).then((response) => write(socket, response));
    return;
  }
  try {
    write(socket, handle(request, view));
  } catch (error) {
    write(socket, { ok: false, error: error instanceof Error ? error.message : String(error) });
  }
  if (request.command === "stop") {
    // Answer first: the client waits for the daemon to go away by watching the socket close.
    void view.stop().catch(() => {});
  }
}

async function applyChange(
  request: Extract<ControlRequest, { command: "change" }>,
  view: DaemonView,
): Promise<ControlResponse> {
  if (!view.change) return { ok: false, error: uiMessages.badRequest("change is not served here") };
  try {
    const change = await view.change(request.repo, request.changes, request.message);
    return { ok: true, now: Date.now(), repos: [request.repo], change };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function handle(request: ControlRequest, view: DaemonView): ControlResponse {
  const now = Date.now();
  const snapshots = view.snapshots();
  if (request.command === "status") return { ok: true, now, snapshots };
  if (request.command === "stop") return { ok: true, now, message: uiMessages.stopAccepted };
  if (request.command === "change")
    return { ok: false, error: uiMessages.badRequest("change is answered asynchronously") };

  const known = snapshots.map((snapshot) => snapshot.repo);
  if (request.repo !== undefined && !known.includes(request.repo))
    return { ok: false, error: uiMessages.unknownRepo(request.repo, known) };
  const repos = request.repo !== undefined ? [request.repo] : known;

  let input: EngineInput;
  let what: string;
  switch (request.command) {
    case "sync":
      input = { type: "syncRequested" };
      what = "sync requested";
      break;
    case "pause":
      input = { type: "pauseRequested" };
      what = "pause requested";
      break;
    case "resume":
      input = { type: "resumeRequested", allowDeletions: request.allowDeletions === true };
      what = request.allowDeletions ? "resume requested (deletions allowed)" : "resume requested";
      break;
    case "commit":
      input = request.message
        ? { type: "commitRequested", message: request.message }
        : { type: "commitRequested" };
      what = "commit requested";
      break;
  }
  view.request(request.repo, input);
  return { ok: true, now, repos, message: uiMessages.accepted(what, repos) };
}
