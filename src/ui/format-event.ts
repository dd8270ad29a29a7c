import type { AutosyncEvent } from "../events/autosync-event.js";
import { channelMessages } from "../messages/channel-messages.js";
import { countsText } from "../messages/engine-messages.js";
import { uiMessages } from "../messages/ui-messages.js";
import { shortDuration } from "./relative-time.js";
import { shortId } from "./format-snapshot.js";

export type LogLevel = "debug" | "info" | "ok" | "warn" | "error" | "conflict";

export interface LogLine {
  seq: number;
  time: number;
  level: LogLevel;
  text: string;
}

/** One bus event as one log line; `debug` lines are hidden unless the full log is open. */
export function formatEvent(event: AutosyncEvent): LogLine {
  const line = (level: LogLevel, text: string): LogLine => ({
    seq: event.seq,
    time: event.time,
    level,
    text,
  });
  const where = "repo" in event && event.repo ? `${event.repo}: ` : "";
  switch (event.type) {
    case "stateChanged":
      return line(
        "debug",
        `${where}${event.from} → ${event.to} (${shortDuration(event.durationMs)})`,
      );
    case "changesDetected":
      return line(
        "debug",
        `${where}${event.count} changed${event.sample.length ? `: ${event.sample.slice(0, 3).join(", ")}` : ""}`,
      );
    case "operationStarted":
      return line("debug", `${where}${event.operation} started`);
    case "operationFinished":
      return line(
        event.outcome === "failed" || event.outcome === "unhealthy"
          ? "error"
          : event.outcome === "offline" || event.outcome === "rejected"
            ? "warn"
            : "debug",
        `${where}${event.operation} ${event.outcome} in ${shortDuration(event.durationMs)}${event.message ? `: ${event.message}` : ""}`,
      );
    case "committed":
      return line(
        "ok",
        `${where}committed ${shortId(event.head)} (${countsText(event.counts) || `${event.files} files`})`,
      );
    case "pushed":
      return line("ok", `${where}pushed ${shortId(event.head)}`);
    case "pulled":
      return line("ok", `${where}pulled ${shortId(event.head)} (${event.changedPaths} changed)`);
    case "conflict":
      return line(
        "conflict",
        `${where}CONFLICT, both sides kept: ${event.conflicts
          .map((copy) => uiMessages.conflictCopy(copy.path, copy.copyPath))
          .join("; ")}`,
      );
    case "offline":
      return line(
        "warn",
        `${where}offline (${event.reason}), retry in ${shortDuration(event.retryInMs)}`,
      );
    case "online":
      return line("ok", `${where}back online`);
    case "warning":
      return line("warn", `${where}${event.message}${event.hint ? ` — ${event.hint}` : ""}`);
    case "error":
      return line("error", `${where}${event.message}${event.hint ? ` — ${event.hint}` : ""}`);
    case "announcementSent":
      return line(
        "info",
        `${where}announced ${shortId(event.head)} via ${event.channel}${channelMessages.recipients(event.recipients)}`,
      );
    case "announcementReceived":
      return line(
        "info",
        `${where}${event.fromHost} announced ${event.head ? shortId(event.head) : "a change"} via ${event.channel}`,
      );
    case "channelStatus":
      return line(
        event.status === "down" ? "warn" : event.status === "disabled" ? "debug" : "info",
        `${event.channel} ${event.status}${event.detail ? `: ${event.detail}` : ""}`,
      );
    case "info":
      return line("info", `${where}${event.message}`);
  }
}
