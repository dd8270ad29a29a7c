import type { AutosyncEvent } from "../events/autosync-event.js";
import type { EventBus } from "../events/event-bus.js";
import { eventText } from "../messages/runtime-messages.js";

export type LogFormat = "plain" | "json";

export interface LogOutputOptions {
  format: LogFormat;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Print `stateChanged` and `operationStarted` too (noisy; json always has everything). */
  verbose?: boolean;
}

/** `2026-11-25T13:45:01Z`: UTC to the second, sortable, what journald and grep users expect. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `2026-11-25T13:45:01Z notes committed 3 files (a1b2c3d)` */
export function plainLine(event: AutosyncEvent): string {
  const repo = "repo" in event && event.repo !== undefined ? ` ${event.repo}` : "";
  // One event is one line: a newline inside a file name or message must not fake a second one.
  const text = eventText(event).replace(/\r?\n/g, "\\n");
  return `${formatTime(event.time)}${repo} ${text}`;
}

/** Events a person reading plain lines does not need: each is followed by a clearer one. */
const QUIET_IN_PLAIN = new Set<AutosyncEvent["type"]>(["stateChanged", "operationStarted"]);

/**
 * Writes the bus as log lines and never reads a keyboard. json: every AutosyncEvent as is, one
 * object per line, all on stdout (one ordered stream for machines). plain: warnings and errors on
 * stderr, so they stay visible when stdout goes to a file; everything else on stdout.
 * Returns the unsubscribe function.
 */
export function startLogOutput(bus: EventBus, options: LogOutputOptions): () => void {
  const write = (event: AutosyncEvent): void => {
    if (options.format === "json") {
      options.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    }
    if (!options.verbose && QUIET_IN_PLAIN.has(event.type)) return;
    const stream =
      event.type === "warning" || event.type === "error" ? options.stderr : options.stdout;
    stream.write(`${plainLine(event)}\n`);
  };
  // A reader that went away (`autosync run | head`, a closed journal pipe) must not stop syncing:
  // an unhandled EPIPE would crash the daemon. Lines are simply lost from then on.
  const ignoreStreamError = (): void => {};
  options.stdout.on("error", ignoreStreamError);
  options.stderr.on("error", ignoreStreamError);
  for (const event of bus.since(0)) write(event);
  const unsubscribe = bus.subscribe(write);
  return () => {
    unsubscribe();
    options.stdout.off("error", ignoreStreamError);
    options.stderr.off("error", ignoreStreamError);
  };
}
