import { Box, Text, useInput, useWindowSize } from "ink";
import { useState } from "react";
import type { EngineInput } from "../engine/engine-input.js";
import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import { uiMessages } from "../messages/ui-messages.js";
import { ChannelBar } from "./ChannelBar.js";
import { CommitPrompt } from "./CommitPrompt.js";
import { ConflictDesk } from "./ConflictDesk.js";
import { HistoryView } from "./HistoryView.js";
import type { HistoryBrowser } from "../operations/history-browser.js";
import type { ConflictDesk as Desk } from "../conflicts/desk-service.js";
import { usePaint } from "./color-context.js";
import type { DaemonView } from "./daemon-view.js";
import { EventLog } from "./EventLog.js";
import { HelpOverlay } from "./HelpOverlay.js";
import { panelLines } from "./panel-lines.js";
import { RepoLine, RepoPanel } from "./RepoPanel.js";
import { useDaemonState } from "./use-daemon-state.js";

/** Below this many columns per panel the panels stack and only the selected one is shown whole. */
export const MIN_PANEL_WIDTH = 38;
const HEADER_LINES = 1;
const FOOTER_LINES = 1;
const CHANNEL_LINES = 2;
const MIN_LOG_LINES = 3;
const BORDER_LINES = 2;

export interface AppProps {
  view: DaemonView;
  title?: string;
  /** Re-render period; 250 ms keeps countdowns and the spinner alive at ≤ 4 fps. */
  tickMs?: number;
  now?: () => number;
  /** Called when the user quits, after the daemon finished its operation in flight. */
  onQuit: () => void;
}

type Mode = "normal" | "help" | "commit" | "confirm-resume" | "desk" | "history";

/** A pause the deletion guard made: resuming must allow the deletions it held back. */
export function pausedByDeletionGuard(snapshot: RepoSnapshot): boolean {
  if (snapshot.state !== "paused") return false;
  if (snapshot.pausedBy) return snapshot.pausedBy === "deletions";
  return snapshot.problem?.hint?.includes("--allow-deletions") ?? false;
}

export function App({ view, title, tickMs = 250, now = Date.now, onQuit }: AppProps) {
  const paint = usePaint();
  const { columns, rows } = useWindowSize();
  const state = useDaemonState(view, { tickMs, logLimit: 1000, now });
  const [selectedName, setSelectedName] = useState<string | undefined>(undefined);
  const [mode, setMode] = useState<Mode>("normal");
  const [fullLog, setFullLog] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [stopping, setStopping] = useState(false);
  const [desk, setDesk] = useState<{ repo: string; desk: Desk } | undefined>(undefined);
  const [history, setHistory] = useState<{ repo: string; browser: HistoryBrowser }>();

  const snapshots = state.snapshots;
  const selectedIndex = Math.max(
    0,
    snapshots.findIndex((snapshot) => snapshot.repo === selectedName),
  );
  const selected: RepoSnapshot | undefined = snapshots[selectedIndex];

  const send = (repo: string | undefined, input: EngineInput, text?: string): void => {
    try {
      view.request(repo, input);
      if (text !== undefined) setNotice(text);
    } catch (error) {
      setNotice(error instanceof Error ? error.message : String(error));
    }
  };

  const quit = (): void => {
    if (stopping) return;
    setStopping(true);
    setNotice(uiMessages.stopping);
    view.stop().then(onQuit, onQuit);
  };

  const select = (offset: number): void => {
    if (snapshots.length === 0) return;
    const next = snapshots[(selectedIndex + offset + snapshots.length) % snapshots.length];
    if (next) setSelectedName(next.repo);
  };

  useInput(
    (input, key) => {
      if (input === "q" || (key.ctrl && input === "c")) return quit();
      if (stopping) return;
      if (mode === "confirm-resume") {
        if (selected && input.toLowerCase() === "y")
          send(
            selected.repo,
            { type: "resumeRequested", allowDeletions: true },
            uiMessages.resumeRequested(selected.repo, true),
          );
        else setNotice(undefined);
        return setMode("normal");
      }
      if (mode === "help") {
        if (input === "?" || key.escape) setMode("normal");
        return;
      }
      if (input === "?") return setMode("help");
      if (input === "l") return setFullLog((open) => !open);
      if (key.escape) return setFullLog(false);
      if (key.leftArrow || key.upArrow || (key.tab && key.shift)) return select(-1);
      if (key.rightArrow || key.downArrow || key.tab) return select(1);
      if (input === "S")
        return send(undefined, { type: "syncRequested" }, uiMessages.syncRequested(undefined));
      if (!selected) return;
      if (input === "s")
        return send(
          selected.repo,
          { type: "syncRequested" },
          uiMessages.syncRequested(selected.repo),
        );
      if (input === "c") {
        // The engine holds this repository's commit while the user types (commit-prompt.ts).
        send(selected.repo, { type: "commitPromptOpened" });
        return setMode("commit");
      }
      if (input === "x") {
        const opened = view.conflictDesk?.(selected.repo);
        if (!opened) return setNotice(uiMessages.deskUnavailable);
        setDesk({ repo: selected.repo, desk: opened });
        setNotice(undefined);
        return setMode("desk");
      }
      if (input === "h") {
        const browser = view.historyBrowser?.(selected.repo);
        if (!browser) return setNotice(uiMessages.historyUnavailable);
        setHistory({ repo: selected.repo, browser });
        setNotice(undefined);
        return setMode("history");
      }
      if (input === "p") {
        if (selected.state !== "paused")
          return send(
            selected.repo,
            { type: "pauseRequested" },
            uiMessages.pauseRequested(selected.repo),
          );
        if (pausedByDeletionGuard(selected)) {
          setNotice(uiMessages.confirmResumeDeletions(selected.repo));
          return setMode("confirm-resume");
        }
        return send(
          selected.repo,
          { type: "resumeRequested", allowDeletions: false },
          uiMessages.resumeRequested(selected.repo, false),
        );
      }
    },
    { isActive: mode !== "commit" && mode !== "desk" && mode !== "history" },
  );

  const height = Math.max(8, rows - 1);
  const header = (
    <Box height={HEADER_LINES} flexShrink={0}>
      <Text wrap="truncate-end">
        <Text bold={paint.enabled} color={paint.color("cyan")}>
          {uiMessages.title(title)}
        </Text>
        <Text color={paint.color("gray")}>
          {"  "}
          {[...uiMessages.title(title)].length + 2 + [...uiMessages.keyHints].length <= columns
            ? uiMessages.keyHints
            : uiMessages.keyHintsShort}
        </Text>
      </Text>
    </Box>
  );
  const footer = (
    <Box height={FOOTER_LINES} flexShrink={0}>
      <Text wrap="truncate-end" color={paint.color(mode === "confirm-resume" ? "yellow" : "gray")}>
        {notice ?? " "}
      </Text>
    </Box>
  );
  const channelBar = (
    <ChannelBar
      channels={state.channels}
      lastSent={state.lastSent}
      lastReceived={state.lastReceived}
      now={state.now}
    />
  );
  const body = height - HEADER_LINES - FOOTER_LINES - CHANNEL_LINES;

  let middle;
  if (mode === "desk" && desk) {
    middle = (
      <ConflictDesk
        repo={desk.repo}
        desk={desk.desk}
        height={body}
        env={process.env}
        onClose={() => setMode("normal")}
      />
    );
  } else if (mode === "history" && history) {
    middle = (
      <HistoryView
        repo={history.repo}
        browser={history.browser}
        height={body}
        onClose={() => setMode("normal")}
      />
    );
  } else if (mode === "help") {
    middle = (
      <Box flexDirection="column" height={body} overflow="hidden">
        <HelpOverlay />
      </Box>
    );
  } else if (fullLog) {
    middle = <EventLog lines={state.log} height={body} full />;
  } else {
    const promptLines = mode === "commit" ? 5 : 0;
    const room = Math.max(BORDER_LINES + 1, body - MIN_LOG_LINES - promptLines);
    const inRow = snapshots.length > 0 && Math.floor(columns / snapshots.length) >= MIN_PANEL_WIDTH;
    let panels;
    let panelsHeight: number;
    if (snapshots.length === 0) {
      panels = <Text>{uiMessages.noRepositories}</Text>;
      panelsHeight = 1;
    } else if (inRow) {
      const natural = Math.max(
        ...snapshots.map((snapshot) => panelLines(snapshot, state.now).length + 1),
      );
      const inner = Math.min(natural, room - BORDER_LINES);
      const width = Math.floor(columns / snapshots.length);
      panelsHeight = inner + BORDER_LINES;
      panels = (
        <Box flexDirection="row" height={panelsHeight} flexShrink={0}>
          {snapshots.map((snapshot, index) => (
            <RepoPanel
              key={snapshot.repo}
              snapshot={snapshot}
              now={state.now}
              tick={state.tick}
              selected={index === selectedIndex}
              width={width}
              maxLines={inner}
            />
          ))}
        </Box>
      );
    } else {
      const others = Math.min(snapshots.length - 1, Math.max(0, room - BORDER_LINES - 3));
      const natural = selected ? panelLines(selected, state.now).length + 1 : 0;
      const inner = Math.min(natural, room - BORDER_LINES - others);
      panelsHeight = inner + BORDER_LINES + others;
      panels = (
        <Box flexDirection="column" height={panelsHeight} flexShrink={0}>
          {selected ? (
            <RepoPanel
              snapshot={selected}
              now={state.now}
              tick={state.tick}
              selected
              width={columns}
              maxLines={inner}
            />
          ) : null}
          {snapshots
            .filter((snapshot) => snapshot !== selected)
            .slice(0, others)
            .map((snapshot) => (
              <RepoLine
                key={snapshot.repo}
                snapshot={snapshot}
                selected={false}
                tick={state.tick}
              />
            ))}
        </Box>
      );
    }
    middle = (
      <Box flexDirection="column" height={body} overflow="hidden">
        {panels}
        {mode === "commit" && selected ? (
          <CommitPrompt
            snapshot={selected}
            now={state.now}
            onCancel={() => {
              setMode("normal");
              send(selected.repo, { type: "commitPromptClosed" });
            }}
            onSubmit={(message) => {
              setMode("normal");
              const input: EngineInput = message
                ? { type: "commitRequested", message }
                : { type: "commitRequested" };
              send(
                selected.repo,
                input,
                uiMessages.commitRequested(selected.repo, message || undefined),
              );
            }}
          />
        ) : null}
        <EventLog
          lines={state.log}
          height={Math.max(0, body - panelsHeight - promptLines)}
          full={false}
        />
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={columns} height={height} overflow="hidden">
      {header}
      {middle}
      {channelBar}
      {footer}
    </Box>
  );
}
