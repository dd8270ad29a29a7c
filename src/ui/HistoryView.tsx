import { Box, Text, useInput } from "ink";
import { useCallback, useEffect, useState } from "react";
import { formatLocalTime, changeOrigin } from "../cli/format-history.js";
import { historyMessages, quoteName } from "../messages/history-messages.js";
import type { FileVersionRow, HistoryBrowser } from "../operations/history-browser.js";
import { usePaint } from "./color-context.js";

interface Props {
  repo: string;
  browser: HistoryBrowser;
  height: number;
  onClose: () => void;
}

/** How many changes the view loads: a screenful many times over, cheap to read. */
const LOADED_CHANGES = 200;

function lineColor(line: string): string | undefined {
  if (line.startsWith("@@")) return "cyan";
  if (line.startsWith("+")) return "green";
  if (line.startsWith("-")) return "red";
  return undefined;
}

function rowText(row: FileVersionRow): string {
  const name =
    row.file.action === "renamed" && row.file.from !== undefined
      ? `${quoteName(row.file.from)} → ${quoteName(row.file.path)}`
      : quoteName(row.file.path);
  const time = formatLocalTime(Date.parse(row.change.time)).slice(0, 16);
  return `${row.change.shortId.slice(0, 10)}  ${time}  ${changeOrigin(row.change)}  ${row.file.action} ${name}`;
}

/**
 * `h`: the selected repository's history, one row per file of each change (machine, time,
 * action, name). Enter shows that file's diff; `r` restores that version after a confirmation
 * line answered with `y`. The restore is a user change: committed, pushed and announced.
 */
export function HistoryView({ repo, browser, height, onClose }: Props) {
  const paint = usePaint();
  const [rows, setRows] = useState<FileVersionRow[] | undefined>(undefined);
  const [index, setIndex] = useState(0);
  const [diff, setDiff] = useState<string[] | undefined>(undefined);
  const [scroll, setScroll] = useState(0);
  const [asked, setAsked] = useState<string | undefined>(undefined);
  const [line, setLine] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    browser.rows(LOADED_CHANGES).then(
      (found) => {
        setRows(found);
        setIndex((current) => Math.min(current, Math.max(0, found.length - 1)));
      },
      (error: unknown) => {
        setRows([]);
        setLine(error instanceof Error ? error.message : String(error));
      },
    );
  }, [browser]);
  useEffect(load, [load]);

  const chosen = rows?.[index];
  const fail = (error: unknown) => {
    setBusy(false);
    setLine(error instanceof Error ? error.message : String(error));
  };

  const listRows = diff
    ? Math.min(3, rows?.length ?? 0)
    : Math.max(1, Math.min(rows?.length ?? 0, height - 3));
  const viewRows = diff ? Math.max(0, height - 3 - listRows) : 0;
  const lastScroll = Math.max(0, (diff?.length ?? 0) - viewRows);
  const first = Math.max(0, Math.min(index - listRows + 1, (rows?.length ?? 0) - listRows));

  useInput((input, key) => {
    if (busy) return;
    if (asked !== undefined) {
      setAsked(undefined);
      if (input !== "y" || !chosen) return setLine(undefined);
      setBusy(true);
      setLine(historyMessages.tuiWorking);
      browser.restore(chosen, true).then((done) => {
        setBusy(false);
        setLine(typeof done === "string" ? done : done.summary);
        setDiff(undefined);
        load();
      }, fail);
      return;
    }
    if (key.escape || input === "h") return diff ? setDiff(undefined) : onClose();
    if (!rows || rows.length === 0 || !chosen) return;
    if (key.upArrow || key.downArrow) {
      const step = key.upArrow ? -1 : 1;
      setDiff(undefined);
      return setIndex((current) => Math.max(0, Math.min(rows.length - 1, current + step)));
    }
    if (key.return) {
      if (diff) return setDiff(undefined);
      setBusy(true);
      browser.diff(chosen).then((lines) => {
        setBusy(false);
        setScroll(0);
        setDiff(lines);
      }, fail);
      return;
    }
    if (diff && (key.pageDown || input === "j" || input === " "))
      return setScroll((current) => Math.min(current + Math.max(1, viewRows - 1), lastScroll));
    if (diff && (key.pageUp || input === "k"))
      return setScroll((current) => Math.max(0, current - Math.max(1, viewRows - 1)));
    if (input === "r") {
      setBusy(true);
      browser.restore(chosen, false).then((planned) => {
        setBusy(false);
        if (typeof planned === "string") return setLine(planned);
        setAsked(planned.summary);
        setLine(undefined);
      }, fail);
    }
  });

  const shownScroll = Math.min(scroll, lastScroll);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold={paint.enabled} color={paint.color("magenta")} wrap="truncate-end">
        {historyMessages.tuiTitle(repo)}
      </Text>
      <Text color={paint.color("gray")} wrap="truncate-end">
        {rows === undefined
          ? historyMessages.tuiLoading
          : rows.length === 0
            ? historyMessages.tuiEmpty(repo)
            : diff
              ? historyMessages.tuiDiffKeys
              : historyMessages.tuiKeys}
      </Text>
      {(rows ?? []).slice(first, first + listRows).map((row, at) => {
        const selected = first + at === index;
        return (
          <Text
            key={`${row.change.id}:${row.file.path}`}
            wrap="truncate-end"
            inverse={selected && paint.enabled}
          >
            {selected ? "▶ " : "  "}
            {rowText(row)}
          </Text>
        );
      })}
      {(diff ?? []).slice(shownScroll, shownScroll + viewRows).map((text, at) => (
        <Text
          key={at}
          wrap="truncate-end"
          color={lineColor(text) === undefined ? undefined : paint.color(lineColor(text) as string)}
        >
          {text || " "}
        </Text>
      ))}
      <Box flexGrow={1} />
      <Text wrap="truncate-end" color={paint.color(asked ? "yellow" : "gray")}>
        {asked ?? line ?? " "}
      </Text>
    </Box>
  );
}
