import type { render } from "ink-testing-library";
import { waitFor } from "./wait-for.js";

/** Waits for an Ink frame that contains `text` and returns it. */
export async function frameContaining(instance: ReturnType<typeof render>, text: string) {
  return waitFor(
    `a frame containing ${JSON.stringify(text)}`,
    () => {
      const frame = instance.lastFrame() ?? "";
      return frame.includes(text) ? frame : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 10 },
  );
}
