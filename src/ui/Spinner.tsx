import { Text } from "ink";
import { usePaint } from "./color-context.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Driven by the UI's clock tick (≤ 4 fps), not by its own timer. */
export function Spinner({ tick }: { tick: number }) {
  const paint = usePaint();
  return <Text color={paint.color("cyan")}>{FRAMES[tick % FRAMES.length]}</Text>;
}
