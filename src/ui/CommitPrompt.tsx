import { Box, Text, useInput } from "ink";
import { useState } from "react";
import { uiMessages } from "../messages/ui-messages.js";
import { usePaint } from "./color-context.js";

/** A one-line text input: Enter submits (empty keeps the default message), Esc cancels. */
export function CommitPrompt({
  repo,
  onSubmit,
  onCancel,
}: {
  repo: string;
  onSubmit: (message: string) => void;
  onCancel: () => void;
}) {
  const paint = usePaint();
  const [text, setText] = useState("");
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === "c")) return onCancel();
    if (key.return) return onSubmit(text.trim());
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
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={paint.color("yellow")}
      paddingX={1}
      flexShrink={0}
    >
      <Text wrap="truncate-end">{uiMessages.commitPrompt(repo)}</Text>
      <Text wrap="truncate-start">
        <Text color={paint.color("cyan")}>› </Text>
        {text}
        <Text inverse={paint.enabled}>{paint.enabled ? " " : "_"}</Text>
      </Text>
    </Box>
  );
}
