import { Box, Text } from "ink";
import { uiMessages } from "../messages/ui-messages.js";
import { usePaint } from "./color-context.js";
import { agoText, untilText } from "./relative-time.js";
import { shortId } from "./format-snapshot.js";
import type { AnnouncementView, ChannelView } from "./use-daemon-state.js";

const STATUS_COLORS: Record<ChannelView["status"], string> = {
  connecting: "yellow",
  connected: "green",
  reconnecting: "yellow",
  down: "red",
  disabled: "gray",
};

export function channelStatusText(channel: ChannelView, now: number): string {
  if (channel.status === "reconnecting" && channel.retryAt !== undefined)
    return uiMessages.reconnectingIn(untilText(channel.retryAt, now));
  if (channel.status === "down") return `error${channel.detail ? ` (${channel.detail})` : ""}`;
  return channel.status;
}

/** Two lines: each channel's status, then the last announcement sent and received. */
export function ChannelBar({
  channels,
  lastSent,
  lastReceived,
  now,
}: {
  channels: readonly ChannelView[];
  lastSent: AnnouncementView | undefined;
  lastReceived: AnnouncementView | undefined;
  now: number;
}) {
  const paint = usePaint();
  // A channel the config does not set up says nothing worth a column.
  const shown = channels.filter((channel) => channel.status !== "disabled");
  const announcements = [
    lastSent
      ? uiMessages.lastSent(
          lastSent.repo,
          lastSent.channel,
          shortId(lastSent.head ?? ""),
          agoText(lastSent.at, now),
        )
      : undefined,
    lastReceived
      ? uiMessages.lastReceived(
          lastReceived.repo,
          lastReceived.fromHost ?? "?",
          agoText(lastReceived.at, now),
        )
      : undefined,
  ].filter((text): text is string => text !== undefined);
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text wrap="truncate-end">
        {shown.length === 0 ? (
          <Text color={paint.color("gray")}>{uiMessages.channelsNone}</Text>
        ) : (
          shown.map((channel, index) => (
            <Text key={channel.channel}>
              {index > 0 ? " · " : ""}
              {channel.channel}:{" "}
              <Text color={paint.color(STATUS_COLORS[channel.status])}>
                {channelStatusText(channel, now)}
              </Text>
            </Text>
          ))
        )}
      </Text>
      <Text wrap="truncate-end" color={paint.color("gray")}>
        {announcements.join(" · ") || " "}
      </Text>
    </Box>
  );
}
