import type { AutosyncEventBody } from "../events/autosync-event.js";

/** `fromHost` of the pull a channel's return triggers (shown in logs, never a real host). */
export const RECONNECT_HOST = "reconnect";

/**
 * Watches channel status events and calls `pull` when a channel is connected again after it
 * was `reconnecting` or `down`: announcements sent while it was away never reach this machine
 * (brokers and XMPP servers keep no backlog for it), so one pull catches up on them. The first
 * connect of a channel that connected at once triggers nothing: the startup pull covers it.
 */
export function reconnectPuller(
  pull: (channel: string) => void,
): (event: AutosyncEventBody) => void {
  const away = new Set<string>();
  return (event) => {
    if (event.type !== "channelStatus") return;
    if (event.status === "reconnecting" || event.status === "down") {
      away.add(event.channel);
    } else if (event.status === "connected" && away.delete(event.channel)) {
      pull(event.channel);
    }
  };
}
