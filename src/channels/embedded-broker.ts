import { createServer, type AddressInfo, type Server } from "node:net";

export interface EmbeddedBroker {
  host: string;
  port: number;
  /** mqtt://host:port, ready for channels.mqtt.url. */
  url: string;
  close(): Promise<void>;
}

/**
 * An MQTT broker in this process (aedes on a plain TCP server) for users without one: any
 * machine on the LAN can run `autosync broker`. In-memory only: announcements are live
 * triggers, and a restarted broker losing them costs at most one interval pull.
 */
export async function startEmbeddedBroker({
  host = "127.0.0.1",
  port = 1883,
}: { host?: string; port?: number } = {}): Promise<EmbeddedBroker> {
  // Imported here, not at the top: the command list loads this module for every command (through
  // `broker` and `demo`), and aedes' module tree would stay resident in `autosync run`.
  const { Aedes } = await import("aedes");
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.removeListener("error", reject);
        resolve();
      });
    });
  } catch (error) {
    // aedes runs a heartbeat timer from creation; left open it keeps the process alive.
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  }
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    host,
    port: actualPort,
    url: `mqtt://${urlHost}:${actualPort}`,
    async close() {
      // Clients hold sockets open; closing the broker first ends them so server.close returns.
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
