import { stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { schemaFile } from "../../config/package-files.js";
import { initMessages as messages } from "../../messages/config-messages.js";
import { BUILTIN_RECIPES } from "../../recipes/load-recipe.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";

const MARKERS: Record<(typeof BUILTIN_RECIPES)[number], string> = {
  git: ".git",
  hg: ".hg",
  bzr: ".bzr",
};

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Which kind of working copy `dir` is, if any. */
export async function detectKind(
  dir: string,
): Promise<(typeof BUILTIN_RECIPES)[number] | undefined> {
  for (const kind of BUILTIN_RECIPES) if (await exists(join(dir, MARKERS[kind]))) return kind;
  return undefined;
}

/** The starter config: the schema reference, one repository, the keys people change first. */
export function starterConfig(options: {
  schema: string;
  recipe: string;
  repositoryPath: string | undefined;
}): string {
  const repository = options.repositoryPath
    ? [
        "  # This directory (relative paths are relative to this file).",
        `  - path: ${options.repositoryPath}`,
      ]
    : [
        "  # An example: change it to your working copy (clone it first, e.g. git clone <remote> ~/notes).",
        "  - path: ~/notes",
      ];
  return [
    `# yaml-language-server: $schema=${options.schema}`,
    "# autosync configuration. Every key: docs/config.md; guide: docs/configuration.md.",
    "# Check it with `autosync validate`, start syncing with `autosync run`.",
    "",
    "# Version of this file format (required).",
    "version: 1",
    "",
    "# Settings for every repository; a repository may override any of them.",
    "defaults:",
    "  # git, hg, bzr, or the path of a recipe file.",
    `  recipe: ${options.recipe}`,
    "  timers:",
    "    # Quiet period after the last change before committing.",
    "    commitDelay: 2s",
    "    # Quiet period after the last commit before pushing.",
    "    pushDelay: 5s",
    "    # Fallback pull when no announcement arrives; 0 disables.",
    "    pullInterval: 10m",
    "",
    "# The working copies to keep in sync (required, at least one).",
    "repositories:",
    ...repository,
    "",
    "# Tell other machines about pushes so they pull at once (optional).",
    "# channels:",
    "#   xmpp:",
    "#     jid: me@example.org",
    "#     password: { env: AUTOSYNC_XMPP_PASSWORD }",
    "#   mqtt:",
    "#     url: mqtt://broker.lan:1883",
    "",
    "# Desktop popups after pushes, pulls and conflicts.",
    "notify:",
    "  desktop:",
    "    enabled: true",
    "",
  ].join("\n");
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { recipe: { type: "string" } },
    });
  } catch (error) {
    io.stderr.write(messages.usage((error as Error).message));
    return ExitCode.usage;
  }
  const { recipe } = parsed.values;
  if (parsed.positionals.length > 1) {
    io.stderr.write(messages.usage(messages.tooManyDirs));
    return ExitCode.usage;
  }
  if (recipe !== undefined && !(BUILTIN_RECIPES as readonly string[]).includes(recipe)) {
    io.stderr.write(messages.usage(messages.badRecipe(recipe, BUILTIN_RECIPES)));
    return ExitCode.usage;
  }
  const dir = resolve(io.cwd, parsed.positionals[0] ?? ".");
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    io.stderr.write(messages.noDirectory(dir));
    return ExitCode.failure;
  }
  const target = join(dir, "autosync.config.yaml");
  const detected = await detectKind(dir);
  const kind = recipe ?? detected ?? "git";
  const text = starterConfig({
    schema: schemaFile("autosync"),
    recipe: kind,
    repositoryPath: detected && detected === kind ? "." : undefined,
  });
  try {
    // wx: refuse atomically if the file appeared meanwhile; 0600 because configs may end up
    // holding an inline secret.
    await writeFile(target, text, { flag: "wx", mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr.write(
      code === "EEXIST"
        ? messages.exists(target)
        : messages.cannotWrite(target, String(code ?? error)),
    );
    return ExitCode.failure;
  }
  io.stdout.write(messages.written(target, detected, kind));
  return ExitCode.ok;
}

export const initCommand: CliCommand = {
  name: "init",
  summary: "Write a commented starter autosync.config.yaml",
  help: messages.help,
  run,
};
