import { Box, Text } from "ink";
import { uiMessages } from "../messages/ui-messages.js";
import { usePaint } from "./color-context.js";

export function HelpOverlay() {
  const paint = usePaint();
  const width = Math.max(...uiMessages.help.map(([key]) => key.length));
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={paint.color("cyan")}
      paddingX={1}
      flexShrink={0}
    >
      <Text bold={paint.enabled}>{uiMessages.helpTitle}</Text>
      {uiMessages.help.map(([key, what]) => (
        <Text key={key} wrap="truncate-end">
          <Text color={paint.color("cyan")}>{key.padEnd(width)}</Text> {what}
        </Text>
      ))}
      <Text color={paint.color("gray")}>{uiMessages.helpClose}</Text>
    </Box>
  );
}
