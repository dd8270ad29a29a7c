import { Box, Text } from "ink";
import { usePaint } from "./color-context.js";
import type { LogLevel, LogLine } from "./format-event.js";

const LEVEL_COLORS: Record<LogLevel, string | undefined> = {
  debug: "gray",
  info: undefined,
  ok: "green",
  warn: "yellow",
  error: "red",
  conflict: "magenta",
};

/** Level marks keep warnings, errors and conflicts apart when colours are off. */
const LEVEL_MARKS: Record<LogLevel, string> = {
  debug: " ",
  info: " ",
  ok: " ",
  warn: "!",
  error: "✗",
  conflict: "⚠",
};

function clock(time: number): string {
  const date = new Date(time);
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((part) => String(part).padStart(2, "0"))
    .join(":");
}

/**
 * The newest lines that fit in `height`: a bounded window over a bounded list, so the log never
 * grows the screen (finished lines are not re-printed through <Static>, which would fight the
 * fixed-height layout on resize).
 */
export function EventLog({
  lines,
  height,
  full,
}: {
  lines: readonly LogLine[];
  height: number;
  full: boolean;
}) {
  const paint = usePaint();
  const visible = (full ? lines : lines.filter((line) => line.level !== "debug")).slice(
    -Math.max(0, height),
  );
  return (
    <Box flexDirection="column" height={Math.max(0, height)} overflow="hidden">
      {visible.map((line) => {
        const color = LEVEL_COLORS[line.level];
        return (
          <Text
            key={line.seq}
            wrap="truncate-end"
            color={color ? paint.color(color) : undefined}
            bold={paint.enabled && line.level === "conflict"}
          >
            {clock(line.time)} {LEVEL_MARKS[line.level]} {line.text}
          </Text>
        );
      })}
    </Box>
  );
}
