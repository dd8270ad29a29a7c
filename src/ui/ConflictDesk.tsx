import { join } from "node:path";
import { Box, Text, useApp, useInput } from "ink";
import { useCallback, useEffect, useState } from "react";
import { formatThreeWay, type ThreeWay } from "../conflicts/conflict-view.js";
import type { ConflictDesk as Desk } from "../conflicts/desk-service.js";
import { conflictHosts, type Keep } from "../conflicts/resolution.js";
import { uiMessages } from "../messages/ui-messages.js";
import { usePaint } from "./color-context.js";
import { runEditor, type EditorFailure } from "./run-editor.js";

interface Props {
  repo: string;
  desk: Desk;
  height: number;
  env: NodeJS.ProcessEnv;
  onClose: () => void;
}

/** Keys 1…9 keep the machine listed at that place; the label names the machine. */
const HOST_KEYS = "123456789";

function lineColor(line: string): string | undefined {
  if (line.startsWith("@@")) return "cyan";
  if (line.startsWith("+")) return "green";
  if (line.startsWith("-")) return "red";
  return undefined;
}

function tint(
  color: (name: string) => string | undefined,
  name: string | undefined,
): string | undefined {
  return name === undefined ? undefined : color(name);
}

/**
 * `x`: the selected repository's conflicts, the three-way view of the one chosen, and keys to
 * keep a machine's version, keep both, or edit the file and keep that. Nothing changes before
 * the confirmation line was answered with `y`.
 */
export function ConflictDesk({ repo, desk, height, env, onClose }: Props) {
  const paint = usePaint();
  const { suspendTerminal } = useApp();
  const [entries, setEntries] = useState<ThreeWay[] | undefined>(undefined);
  const [index, setIndex] = useState(0);
  const [asked, setAsked] = useState<{ keep: Keep; summary: string } | undefined>(undefined);
  const [line, setLine] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [scroll, setScroll] = useState(0);

  const load = useCallback(() => {
    desk.conflicts().then(
      (found) => {
        setEntries(found);
        setIndex((current) => Math.min(current, Math.max(0, found.length - 1)));
      },
      (error: unknown) => {
        setEntries([]);
        setLine(error instanceof Error ? error.message : String(error));
      },
    );
  }, [desk]);
  useEffect(load, [load]);

  const chosen = entries?.[index];
  const hosts = chosen ? conflictHosts(chosen.conflict) : [];

  const ask = (keep: Keep): void => {
    if (!chosen) return;
    setBusy(true);
    desk.resolve(chosen.conflict.path, keep, false).then(
      (planned) => {
        setBusy(false);
        if (typeof planned === "string") return setLine(planned);
        setAsked({ keep, summary: planned.summary });
        setLine(undefined);
      },
      (error: unknown) => {
        setBusy(false);
        setLine(String(error));
      },
    );
  };

  const edit = (): void => {
    if (!chosen) return;
    const editor = env.VISUAL || env.EDITOR || "vi";
    let failure: EditorFailure;
    setBusy(true);
    // Ink hands the terminal over and redraws after; the event loop runs on meanwhile.
    suspendTerminal(async () => {
      failure = await runEditor(editor, join(chosen.conflict.root, chosen.conflict.path));
    }).then(
      () => {
        setBusy(false);
        if (failure !== undefined) return setLine(uiMessages.deskEditorFailed(editor, failure));
        ask({ kind: "edited" });
      },
      (error: unknown) => {
        setBusy(false);
        setLine(uiMessages.deskEditorFailed(editor, String(error)));
      },
    );
  };

  const header = uiMessages.deskTitle(repo, entries?.length ?? 0);
  const keys = [
    ...hosts
      .slice(0, HOST_KEYS.length)
      .map((host, at) => uiMessages.deskKeyHost(HOST_KEYS[at] as string, host)),
    uiMessages.deskKeys,
  ].join("  ");
  const listRows = Math.min(entries?.length ?? 0, Math.max(1, Math.floor(height / 4)));
  const viewRows = Math.max(0, height - 4 - listRows);
  // The first line repeats the path the list shows.
  const allLines = chosen ? formatThreeWay(chosen, false).trimEnd().split("\n").slice(1) : [];
  const lastScroll = Math.max(0, allLines.length - viewRows);
  const viewLines = allLines.slice(
    Math.min(scroll, lastScroll),
    Math.min(scroll, lastScroll) + viewRows,
  );
  const first = Math.max(0, Math.min(index - listRows + 1, (entries?.length ?? 0) - listRows));

  useInput((input, key) => {
    if (busy) return;
    if (asked) {
      const { keep, summary } = asked;
      setAsked(undefined);
      if (input !== "y" || !chosen) return setLine(undefined);
      setBusy(true);
      setLine(uiMessages.deskWorking);
      desk.resolve(chosen.conflict.path, keep, true).then(
        (done) => {
          setBusy(false);
          setLine(typeof done === "string" ? done : uiMessages.deskDone(summary));
          load();
        },
        (error: unknown) => {
          setBusy(false);
          setLine(error instanceof Error ? error.message : String(error));
        },
      );
      return;
    }
    if (key.escape || input === "x") return onClose();
    if (!entries || entries.length === 0) return;
    if (key.upArrow || key.downArrow) {
      setScroll(0);
      const step = key.upArrow ? -1 : 1;
      return setIndex((current) => Math.max(0, Math.min(entries.length - 1, current + step)));
    }
    // The three-way view of a long file is taller than the terminal: it scrolls.
    if (key.pageDown || input === "j" || input === " ")
      return setScroll((current) => Math.min(current + Math.max(1, viewRows - 1), lastScroll));
    if (key.pageUp || input === "k")
      return setScroll((current) => Math.max(0, current - Math.max(1, viewRows - 1)));
    const hostIndex = HOST_KEYS.indexOf(input);
    if (input !== "" && hostIndex >= 0 && hosts[hostIndex] !== undefined)
      return ask({ kind: "host", host: hosts[hostIndex] });
    if (input === "b") return ask({ kind: "both" });
    if (input === "e") return edit();
  });

  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold={paint.enabled} color={paint.color("magenta")} wrap="truncate-end">
        {header}
      </Text>
      <Text color={paint.color("gray")} wrap="truncate-end">
        {entries === undefined
          ? uiMessages.deskLoading
          : entries.length === 0
            ? uiMessages.deskEmpty(repo)
            : keys}
      </Text>
      {(entries ?? []).slice(first, first + listRows).map((entry, at) => {
        const selected = first + at === index;
        return (
          <Text key={entry.conflict.path} wrap="truncate-end" inverse={selected && paint.enabled}>
            {selected ? "▶ " : "  "}
            {entry.conflict.path} ({conflictHosts(entry.conflict).join(", ")})
          </Text>
        );
      })}
      {viewLines.map((text, at) => (
        <Text key={at} wrap="truncate-end" color={tint(paint.color, lineColor(text))}>
          {text || " "}
        </Text>
      ))}
      <Box flexGrow={1} />
      <Text wrap={asked ? "wrap" : "truncate-end"} color={paint.color(asked ? "yellow" : "gray")}>
        {asked ? uiMessages.deskConfirm(asked.summary) : (line ?? " ")}
      </Text>
    </Box>
  );
}
