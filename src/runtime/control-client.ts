import { createConnection } from "node:net";
import { uiMessages } from "../messages/ui-messages.js";
import type { ControlRequest, ControlResponse } from "./control-protocol.js";

/** Nothing answers on the socket: no daemon, a dead daemon's file, or a wrong --config. */
export class DaemonUnavailableError extends Error {
  constructor(
    readonly socketPath: string,
    readonly code: string | undefined,
  ) {
    super(uiMessages.noDaemon(socketPath));
    this.name = "DaemonUnavailableError";
  }
}

/** Sends one request and returns the daemon's answer. */
export function sendControlRequest(
  socketPath: string,
  request: ControlRequest,
  { timeoutMs = 10_000 }: { timeoutMs?: number } = {},
): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffered = "";
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const timer = setTimeout(
      () => finish(() => reject(new DaemonUnavailableError(socketPath, "ETIMEDOUT"))),
      timeoutMs,
    );
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf("\n");
      if (end < 0) return;
      const line = buffered.slice(0, end);
      finish(() => {
        try {
          resolve(JSON.parse(line) as ControlResponse);
        } catch {
          reject(new Error(uiMessages.badRequest("the daemon's answer is not JSON")));
        }
      });
    });
    socket.once("error", (error: NodeJS.ErrnoException) =>
      finish(() => reject(new DaemonUnavailableError(socketPath, error.code))),
    );
    socket.once("close", () =>
      finish(() => reject(new DaemonUnavailableError(socketPath, "ECONNRESET"))),
    );
  });
}

/** Resolves once nothing answers on the socket any more (the daemon exited), or at the deadline. */
export async function waitUntilGone(socketPath: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const alive = await new Promise<boolean>((resolve) => {
      const socket = createConnection(socketPath);
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (!alive) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
