import { parseBzrLog } from "./bzr-log-parser.js";
import { parseGitLog } from "./git-log-parser.js";
import { parseHgLog } from "./hg-log-parser.js";
import type { LogParser } from "./log-entry.js";

export type { LogEntry, LogFile, LogFileAction, LogParser } from "./log-entry.js";

/** Log parsers by the name a recipe's `logParser` uses. */
export const logParsers: Readonly<Record<string, LogParser>> = {
  "git-log": parseGitLog,
  "hg-log-json": parseHgLog,
  "bzr-log-long": parseBzrLog,
};

export function findLogParser(name: string): LogParser | undefined {
  return Object.hasOwn(logParsers, name) ? logParsers[name] : undefined;
}
