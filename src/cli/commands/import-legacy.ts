import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseLegacyIni } from "../../config/legacy-ini.js";
import { schemaFile } from "../../config/package-files.js";
import type { LegacyIni } from "../../config/legacy-ini.js";
import { importMessages as messages } from "../../messages/config-messages.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";

const JID = /^[^@/\s]+@[^@/\s]+$/;
const COMMAND_KEYS = [
  "statuscmd",
  "addcmd",
  "rmcmd",
  "modifycmd",
  "movecmd",
  "startupcmd",
  "commitcmd",
  "pushcmd",
  "pullcmd",
  "remoteurlcmd",
];
const KNOWN = {
  autosync: [
    "path",
    "pidfile",
    "syncmethod",
    "notifymethod",
    "pulllock",
    "readfrequency",
    "ignorepath",
  ],
  dvcs: COMMAND_KEYS,
  xmpp: ["username", "password", "alsonotify"],
};
const METADATA_DIRS: Record<string, string> = { git: ".git", hg: ".hg", bzr: ".bzr" };

/** A YAML scalar: plain when that reads back as the same string, else a JSON (YAML) string. */
export function yamlScalar(value: string): string {
  const plain =
    /^[A-Za-z0-9_~./$][A-Za-z0-9_~./@$%+ -]*$/.test(value) &&
    !/\s$/.test(value) &&
    !/^(true|false|yes|no|on|off|null|y|n|~)$/i.test(value) &&
    !/^[-+]?[0-9.]/.test(value) &&
    !/^-\s/.test(value);
  return plain ? value : JSON.stringify(value);
}

/** The recipe the legacy shell commands point at, from their first words. */
function recipeFrom(dvcs: Map<string, string> | undefined): string | undefined {
  const words = new Set<string>();
  for (const key of COMMAND_KEYS) {
    const first = dvcs?.get(key)?.trim().split(/\s+/)[0];
    if (first) words.add(first);
  }
  if (words.has("git")) return "git";
  if (words.has("hg")) return "hg";
  if (words.has("bzr") || words.has("brz")) return "bzr";
  return undefined;
}

/** Converts a parsed dvcs-autosync config into commented autosync YAML. */
export function convertLegacy(
  ini: LegacyIni,
  source: string,
): { yaml: string } | { error: string } {
  const main = ini.get("autosync");
  const path = main?.get("path");
  if (!path) return { error: messages.noPath(source) };
  const dvcs = ini.get("dvcs");
  const xmpp = ini.get("xmpp");
  const recipe = recipeFrom(dvcs) ?? "git";
  const out: string[] = [
    `# yaml-language-server: $schema=${schemaFile("autosync")}`,
    `# Converted from the dvcs-autosync config ${source} by \`autosync import-legacy\`.`,
    "# Check it with `autosync validate`; every key is described in docs/config.md.",
    "version: 1",
    "",
    "defaults:",
  ];
  if (dvcs && dvcs.size > 0) {
    out.push(
      ...messages.commandsComment(
        COMMAND_KEYS.filter((key) => dvcs.has(key)),
        recipe,
      ),
    );
  }
  out.push(`  recipe: ${recipe}`);

  const frequency = main?.get("readfrequency");
  const seconds = frequency !== undefined ? Number(frequency) : NaN;
  if (Number.isFinite(seconds) && seconds >= 0) {
    out.push("  timers:", "    # readfrequency (seconds) became the quiet period before a commit.");
    out.push(
      `    commitDelay: ${Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`}`,
    );
  } else if (frequency !== undefined) {
    out.push(
      `  # readfrequency = ${frequency} is not a number of seconds; the default commitDelay (2s) applies.`,
    );
  }

  const ignored = (main?.get("ignorepath") ?? "").split(/\s+/).filter(Boolean);
  const metadataDir = METADATA_DIRS[recipe];
  const patterns = ignored
    .filter((entry) => entry.replace(/\/+$/, "") !== metadataDir)
    .map((entry) => `${entry.replace(/\/+$/, "")}/`);
  if (patterns.length > 0) {
    out.push(
      "  ignore:",
      `    # ignorepath entries, as directory patterns (${metadataDir} is always ignored by the recipe).`,
      `    patterns: [${patterns.map(yamlScalar).join(", ")}]`,
    );
  }
  out.push("", "repositories:", `  - path: ${yamlScalar(path)}`);

  const syncmethod = main?.get("syncmethod")?.toLowerCase();
  const alsoNotify = xmpp?.get("alsonotify");
  if (syncmethod === "xmpp") {
    const username = xmpp?.get("username") ?? "";
    out.push("", "channels:", "  xmpp:");
    if (JID.test(username)) out.push(`    jid: ${yamlScalar(username)}`);
    else out.push(messages.jidPlaceholder(username), "    jid: me@example.org");
    out.push(...messages.passwordComment, "    password: { env: AUTOSYNC_XMPP_PASSWORD }");
    if (alsoNotify && JID.test(alsoNotify)) out.push(`    alsoNotify: ${yamlScalar(alsoNotify)}`);
    else if (alsoNotify) out.push(messages.alsoNotifyDropped(alsoNotify));
  } else if (syncmethod !== undefined) {
    out.push("", messages.syncmethodDropped(syncmethod));
  }

  const notifymethod = main?.get("notifymethod")?.toLowerCase();
  if (notifymethod !== undefined) {
    const desktop = notifymethod === "all" || notifymethod === "desktop";
    out.push(
      "",
      "notify:",
      "  desktop:",
      messages.notifymethodComment(notifymethod),
      `    enabled: ${desktop}`,
    );
  }
  const pidfile = main?.get("pidfile");
  if (pidfile) out.push("", `pidfile: ${yamlScalar(pidfile)}`);
  const pulllock = main?.get("pulllock");
  if (pulllock !== undefined) out.push("", messages.pulllockComment(pulllock));

  const unknown: string[] = [];
  for (const [section, entries] of ini) {
    const known = (KNOWN as Record<string, string[]>)[section] ?? [];
    for (const key of entries.keys()) if (!known.includes(key)) unknown.push(`[${section}] ${key}`);
  }
  if (unknown.length > 0) out.push("", messages.unknownKeys(unknown));
  return { yaml: `${out.join("\n")}\n` };
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
  } catch (error) {
    io.stderr.write(messages.usage((error as Error).message));
    return ExitCode.usage;
  }
  if (parsed.positionals.length > 1) {
    io.stderr.write(messages.usage(messages.tooManyFiles));
    return ExitCode.usage;
  }
  const file = resolve(
    io.cwd,
    parsed.positionals[0] ?? resolve(io.env.HOME || homedir(), ".autosync"),
  );
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    io.stderr.write(
      messages.unreadable(file, (error as NodeJS.ErrnoException).code ?? String(error)),
    );
    return ExitCode.failure;
  }
  const result = convertLegacy(parseLegacyIni(text), file);
  if ("error" in result) {
    io.stderr.write(result.error);
    return ExitCode.failure;
  }
  io.stdout.write(result.yaml);
  return ExitCode.ok;
}

export const importLegacyCommand: CliCommand = {
  name: "import-legacy",
  summary: "Convert a dvcs-autosync config (~/.autosync) to YAML on stdout",
  help: messages.help,
  run,
};
