import { Box, Text } from "ink";
import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import type { RepoStateName } from "../engine/repo-state.js";
import { stateLabels } from "../messages/ui-messages.js";
import { usePaint } from "./color-context.js";
import { shortDuration } from "./relative-time.js";
import { fitLines, panelLines, type PanelTone } from "./panel-lines.js";
import { Spinner } from "./Spinner.js";

export const STATE_COLORS: Record<RepoStateName, string> = {
  idle: "green",
  pending: "yellow",
  committing: "cyan",
  pushing: "cyan",
  pulling: "cyan",
  offline: "yellow",
  conflict: "magenta",
  paused: "yellow",
  error: "red",
};

const TONE_COLORS: Record<PanelTone, string | undefined> = {
  title: undefined,
  plain: undefined,
  dim: "gray",
  warn: "yellow",
  error: "red",
  conflict: "magenta",
  ok: "green",
};

function toneColor(
  color: (name: string) => string | undefined,
  tone: PanelTone,
): string | undefined {
  const name = TONE_COLORS[tone];
  return name ? color(name) : undefined;
}

interface Props {
  snapshot: RepoSnapshot;
  now: number;
  tick: number;
  selected: boolean;
  width: number;
  /** Content lines available inside the border. */
  maxLines: number;
}

/** One repository: state, countdowns, pending summary, last commit/push/pull, remote, problems. */
export function RepoPanel({ snapshot, now, tick, selected, width, maxLines }: Props) {
  const paint = usePaint();
  const lines = fitLines(panelLines(snapshot, now), Math.max(0, maxLines - 1));
  return (
    <Box
      flexDirection="column"
      width={width}
      borderStyle={selected ? "double" : "single"}
      borderColor={paint.color(selected ? "cyan" : "gray")}
      paddingX={1}
      flexShrink={0}
    >
      <Box>
        <Text wrap="truncate-end">
          <Text bold={paint.enabled}>
            {selected ? "▶ " : ""}
            {snapshot.repo}
          </Text>{" "}
          <Text color={paint.color(STATE_COLORS[snapshot.state])} bold={paint.enabled}>
            {stateLabels[snapshot.state].toUpperCase()}
          </Text>
          {snapshot.running ? (
            <Text>
              {" "}
              <Spinner tick={tick} /> {snapshot.running}
            </Text>
          ) : (
            <Text color={paint.color("gray")}> {shortDuration(now - snapshot.stateSince)}</Text>
          )}
        </Text>
      </Box>
      {lines.map((line) => (
        <Text key={line.key} wrap="truncate-end" color={toneColor(paint.color, line.tone)}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}

/** The one-line form used when the terminal is too narrow for every panel. */
export function RepoLine({
  snapshot,
  selected,
  tick,
}: {
  snapshot: RepoSnapshot;
  selected: boolean;
  tick: number;
}) {
  const paint = usePaint();
  return (
    <Text wrap="truncate-end">
      {selected ? "▶ " : "  "}
      <Text bold={paint.enabled && selected}>{snapshot.repo}</Text>{" "}
      <Text color={paint.color(STATE_COLORS[snapshot.state])}>{stateLabels[snapshot.state]}</Text>
      {snapshot.running ? (
        <Text>
          {" "}
          <Spinner tick={tick} /> {snapshot.running}
        </Text>
      ) : null}
      {snapshot.pendingCount > 0 ? ` · ${snapshot.pendingCount} pending` : ""}
    </Text>
  );
}
