import type { CliCommand } from "../command.js";

/** What the shell may offer for a flag's value or a positional argument. */
export type ArgumentKind =
  | { kind: "repository" }
  | { kind: "file" }
  | { kind: "directory" }
  | { kind: "choice"; values: string[] }
  /** A value to type (a message, a port, a URL): nothing to offer. */
  | { kind: "text" };

export interface FlagSpec {
  /** "--config" or "-m". */
  flag: string;
  /** Undefined for a switch such as --json. */
  value?: ArgumentKind;
  description: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Words that must come first, such as `service install|uninstall`. */
  subcommands: string[];
  flags: FlagSpec[];
  /** The first positional argument (after any subcommand); undefined when there is none. */
  positional?: ArgumentKind;
  /** Whether more than one positional argument may follow (FILES…). */
  repeats: boolean;
}

const VALUE = String.raw`([A-Z][A-Z_]*|[a-z0-9.]+(?:\|[a-z0-9.]+)+|\d+)`;
const USAGE_FLAG = new RegExp(String.raw`^\[?(--?[a-zA-Z][\w-]*)(?:[ =]${VALUE})?\]?$`);
const OPTION_LINE = new RegExp(
  String.raw`^\s+(--?[a-zA-Z][\w-]*)(?:[ =]${VALUE})?(?:\s{2,}(\S.*))?$`,
);

/**
 * The argument a placeholder names. Commands document themselves in help text of one shape
 * (`Usage: autosync NAME [--flag VALUE] [REPO]` and indented option lines), so a command added
 * to the registry gets completion without declaring anything twice.
 */
export function argumentKind(placeholder: string): ArgumentKind {
  if (placeholder.includes("|")) return { kind: "choice", values: placeholder.split("|") };
  const word = placeholder.replace(/[….[\]]/g, "");
  if (word === "REPO") return { kind: "repository" };
  if (word === "DIR") return { kind: "directory" };
  if (/^(PATH|PATHS|FILE|FILES)$/.test(word)) return { kind: "file" };
  return { kind: "text" };
}

function usageLines(help: string, name: string): string[][] {
  const usage = new RegExp(String.raw`^\s*(?:Usage:\s*)?autosync\s+${name}\b(.*)$`);
  const lines: string[][] = [];
  for (const line of help.split("\n")) {
    const match = usage.exec(line);
    // Usage lines come first; prose further down may quote a command too.
    if (!match) {
      if (lines.length > 0) break;
      continue;
    }
    // "[--config PATH]" is one token: join a bracket's contents before splitting.
    const tokens = (match[1] as string).match(/\[[^\]]*\]|\S+/g) ?? [];
    lines.push(tokens);
  }
  return lines;
}

/** Reads a command's flags, subcommands and positional argument from its help text. */
export function commandSpec(command: CliCommand): CommandSpec {
  const flags = new Map<string, FlagSpec>();
  const subcommands: string[] = [];
  let positional: ArgumentKind | undefined;
  let repeats = false;
  const addFlag = (flag: string, value: string | undefined, description = "") => {
    const known = flags.get(flag);
    const kind = value === undefined ? undefined : argumentKind(value);
    if (!known) {
      flags.set(flag, { flag, ...(kind ? { value: kind } : {}), description });
      return;
    }
    // The usage line names choices (text|json), the option line a placeholder and the words.
    if (kind && (!known.value || kind.kind === "choice")) known.value = kind;
    if (!known.description) known.description = description;
  };
  for (const tokens of usageLines(command.help, command.name)) {
    for (const token of tokens) {
      const inner = token.replace(/^\[|\]$/g, "");
      // "[-m MESSAGE]" and "[--format text|json]"
      const flag = USAGE_FLAG.exec(token);
      if (flag) {
        addFlag(flag[1] as string, flag[2]);
        continue;
      }
      // "install" on one usage line and "uninstall" on the next, or "bash|zsh|fish"
      if (/^[a-z][\w-]*(\|[a-z][\w-]*)*$/.test(token)) {
        subcommands.push(...token.split("|"));
        continue;
      }
      if (positional === undefined && /^[A-Z]/.test(inner)) {
        positional = argumentKind(inner);
        repeats = inner.endsWith("…") || inner.endsWith("...");
      }
    }
  }
  for (const line of command.help.split("\n")) {
    const option = OPTION_LINE.exec(line);
    if (option) addFlag(option[1] as string, option[2], (option[3] ?? "").trim());
  }
  flags.delete("--help");
  return {
    name: command.name,
    summary: command.summary,
    subcommands,
    flags: [...flags.values()],
    ...(positional ? { positional } : {}),
    repeats,
  };
}
