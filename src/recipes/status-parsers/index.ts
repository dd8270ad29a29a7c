import { parseGitStatus } from "./git-status-parser.js";
import { hgStatusParser } from "./hg-status-parser.js";
import { bzrStatusParser } from "./bzr-status-parser.js";
import type { StatusParser } from "./status-parser.js";

export type { ParsedStatus, StatusParser } from "./status-parser.js";

/** Status parsers by the name a recipe's `statusParser` uses. hg and bzr add theirs here. */
export const statusParsers: Readonly<Record<string, StatusParser>> = {
  "git-porcelain-v2": parseGitStatus,
  "hg-status": hgStatusParser,
  "bzr-status": bzrStatusParser,
};

export function findStatusParser(name: string): StatusParser | undefined {
  return Object.hasOwn(statusParsers, name) ? statusParsers[name] : undefined;
}
