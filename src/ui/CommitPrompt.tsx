import { Box, Text, useInput } from "ink";
import { useState } from "react";
import type { RepoSnapshot } from "../engine/repo-snapshot.js";
import { uiMessages } from "../messages/ui-messages.js";
import { usePaint } from "./color-context.js";
import { untilText } from "./relative-time.js";

/**
 * Changes the prompt's message would go with: pending paths, or a running quiet period (a rescan
 * is pending without paths). While the prompt is open the engine holds their commit.
 */
export function promptHasChanges(snapshot: RepoSnapshot): boolean {
  return snapshot.pendingCount > 0 || snapshot.nextCommitAt !== undefined;
}

/** A paused repository commits nothing: a message typed now would go nowhere. */
function promptAccepts(snapshot: RepoSnapshot): boolean {
  return snapshot.state !== "paused" && promptHasChanges(snapshot);
}

/** What the prompt's message will go with, or why it would go nowhere. */
export function promptStatus(
  snapshot: RepoSnapshot,
  now: number,
  refused: boolean,
): { text: string; warn: boolean } {
  const defaultUsedAt = snapshot.commitPrompt?.defaultUsedAt;
  if (snapshot.state === "paused") return { text: uiMessages.promptPaused, warn: true };
  if (promptHasChanges(snapshot)) {
    const due = snapshot.nextCommitAt;
    return {
      text: uiMessages.promptHolding(
        snapshot.pendingCount,
        due === undefined ? undefined : untilText(due, now),
      ),
      warn: false,
    };
  }
  if (defaultUsedAt !== undefined) return { text: uiMessages.promptDefaultUsed, warn: true };
  return {
    text: refused ? uiMessages.promptNothingRefused : uiMessages.promptNothing,
    warn: refused,
  };
}

/**
 * A one-line text input: Enter submits (empty keeps the default message), Esc cancels. A message
 * with no change to go with is not submitted: the prompt says so and keeps the text.
 */
export function CommitPrompt({
  snapshot,
  now,
  onSubmit,
  onCancel,
}: {
  snapshot: RepoSnapshot;
  now: number;
  onSubmit: (message: string) => void;
  onCancel: () => void;
}) {
  const paint = usePaint();
  const [text, setText] = useState("");
  const [refused, setRefused] = useState(false);
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === "c")) return onCancel();
    if (key.return) {
      const message = text.trim();
      if (message && !promptAccepts(snapshot)) return setRefused(true);
      return onSubmit(message);
    }
    setRefused(false);
    if (key.backspace || key.delete)
      return setText((current) => [...current].slice(0, -1).join(""));
    if (
      key.ctrl ||
      key.meta ||
      key.upArrow ||
      key.downArrow ||
      key.leftArrow ||
      key.rightArrow ||
      key.tab
    )
      return;
    // A paste arrives as one chunk; a commit subject is one line.
    // eslint-disable-next-line no-control-regex
    const printable = input.replace(/[\u0000-\u001f\u007f]/g, " ");
    if (printable) setText((current) => current + printable);
  });
  const status = promptStatus(snapshot, now, refused);
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={paint.color("yellow")}
      paddingX={1}
      flexShrink={0}
    >
      <Text wrap="truncate-end">{uiMessages.commitPrompt(snapshot.repo)}</Text>
      <Text wrap="truncate-end" color={paint.color(status.warn ? "yellow" : "gray")}>
        {status.text}
      </Text>
      <Text wrap="truncate-start">
        <Text color={paint.color("cyan")}>› </Text>
        {text}
        <Text inverse={paint.enabled}>{paint.enabled ? " " : "_"}</Text>
      </Text>
    </Box>
  );
}
