import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RecipeCommands } from "./recipe-commands.js";

/**
 * The per-clone mailbox of docs/architecture.md ("Many machines that commit at once"): every
 * git push also force-updates `refs/heads/synced/<mailbox>` on the remote, in the same process.
 * Refs update independently, so a push whose main was rejected still leaves this clone's head
 * where the elected merger can fetch it. A mailbox is only mail: nothing checks it out, and one
 * whose head main already contains is ignored.
 */

/** Where the name lives: once per working copy, so two clones on one host never share it. */
const MAILBOX_FILE = "autosync-mailbox";
export const MAILBOX_PLACEHOLDER = "{mailbox}";
/** Remote-side and remote-tracking namespace of the mailboxes. */
export const MAILBOX_NAMESPACE = "synced";
/** `<host>-<6 hex>`: the suffix tells two clones of one host (or one test identity) apart. */
const MAILBOX_NAME = /^([A-Za-z0-9_][A-Za-z0-9_-]{0,39})-([0-9a-f]{6})$/;

/** This working copy's mailbox name, created (and stored in the git dir) on first use. */
export async function mailboxName(gitDir: string, host: string): Promise<string> {
  const file = join(gitDir, MAILBOX_FILE);
  const stored = (await readFile(file, "utf8").catch(() => "")).trim();
  if (MAILBOX_NAME.test(stored)) return stored;
  const name = `${mailboxHostPart(host)}-${randomBytes(3).toString("hex")}`;
  // Write-then-rename: a torn write would give the clone a new name, which only costs speed.
  await writeFile(`${file}.tmp`, `${name}\n`);
  await rename(`${file}.tmp`, file);
  return name;
}

/**
 * The host as one safe ref component: letters, digits, `_` and `-` only (no `.`, so no `..`,
 * no `.lock`, no trailing dot), never starting with `-`, at most 40 characters.
 */
export function mailboxHostPart(host: string): string {
  const cleaned = host
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return cleaned === "" ? "host" : cleaned;
}

/** The host a mailbox belongs to, for naming the conflict copies of its versions. */
export function mailboxHost(name: string): string {
  return MAILBOX_NAME.exec(name)?.[1] ?? name;
}

/**
 * The push argv without its mailbox refspec: `--set-upstream` with two refspecs records the
 * last one git processes, which can be the mailbox, so the first push (the one that records
 * the upstream) goes without it. That costs one round of speed, never a commit.
 */
export function withoutMailbox(template: readonly string[], argv: readonly string[]): string[] {
  if (template.length !== argv.length) return [...argv];
  return argv.filter((_, i) => !template[i]?.includes(MAILBOX_PLACEHOLDER));
}

/**
 * The push argv that sends only the mailbox: the program, its subcommand, the options but
 * `--set-upstream`, `{remote}` and the `{mailbox}` refspec. Undefined when the template lacks
 * either of the last two, or has an element this cannot place (then no mailbox-only push).
 */
export function mailboxOnly(
  template: readonly string[],
  argv: readonly string[],
): string[] | undefined {
  if (template.length !== argv.length || template.length < 2) return undefined;
  const kept: string[] = [];
  let remote = false;
  let mailbox = false;
  template.forEach((element, i) => {
    const arg = argv[i] ?? "";
    if (i < 2) kept.push(arg);
    else if (element.includes(MAILBOX_PLACEHOLDER)) {
      mailbox = true;
      kept.push(arg);
    } else if (element === "{remote}") {
      remote = true;
      kept.push(arg);
    } else if (element.startsWith("-") && element !== "--set-upstream" && !element.includes("{")) {
      kept.push(arg);
    }
  });
  return remote && mailbox ? kept : undefined;
}

/** The mailbox ref a push line names, to tell it from main's in `--porcelain` output. */
export function isMailboxRefLine(line: string): boolean {
  const to = line.split("\t")[1]?.split(":")[1] ?? "";
  return to.startsWith(`refs/heads/${MAILBOX_NAMESPACE}/`);
}

export interface Election {
  /** Every mailbox with work main lacks, this clone's own included, lowest first. */
  candidates: string[];
  /** The lowest candidate: the one clone that merges them all. */
  merger: string;
  /** The head of each listed mailbox (this clone's own only when main lacks it). */
  heads: Map<string, string>;
}

/**
 * Who merges: the lowest name among the mailboxes whose head `mainRef` does not contain, plus
 * this clone's own (its head is not in main, or there would be no election). Every clone that
 * fetched the same refs computes the same answer; one that fetched earlier may disagree, and
 * then the engine's fallback (take-over) or the next election settles it.
 */
export async function electMerger(
  git: RecipeCommands,
  remote: string,
  mainRef: string,
  own: string,
): Promise<Election> {
  const heads = new Map<string, string>();
  const prefix = `refs/remotes/${remote}/${MAILBOX_NAMESPACE}/`;
  // A narrow fetch refspec brings no mailboxes: then this clone is the only candidate and
  // merges, as in the serial rounds before mailboxes existed.
  const listed = await git.run("mailboxes", { ref: mainRef, remote });
  if (!listed.failed) {
    for (const line of listed.stdout.split("\n")) {
      const match = /^([0-9a-f]{40,64}) (.+)$/.exec(line);
      if (!match?.[2]?.startsWith(prefix) || match[2].length === prefix.length) continue;
      heads.set(match[2].slice(prefix.length), match[1] ?? "");
    }
  }
  const candidates = [...new Set([own, ...heads.keys()])].sort(compareNames);
  return { candidates, merger: candidates[0] ?? own, heads };
}

/** Byte order, not locale order: every machine must sort alike. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The remote-tracking ref of a mailbox. */
export function mailboxRef(remote: string, name: string): string {
  return `refs/remotes/${remote}/${MAILBOX_NAMESPACE}/${name}`;
}
