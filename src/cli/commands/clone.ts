import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdir, readdir, rename, rm, rmdir } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { defaultRecipeOf } from "../../config/repository-entries.js";
import { enrolMessages as messages } from "../../messages/enrol-messages.js";
import { expandArgv } from "../../recipes/expand-argv.js";
import { loadRecipe } from "../../recipes/load-recipe.js";
import { BRZ_SERVER_ENV } from "../../runtime/brz-server.js";
import { processRunner, lastLines } from "../../runtime/command-runner.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { failWith, isBuiltinKind, parseEnrolArgs, type BuiltinKind } from "../enrol-args.js";
import {
  checkConfigText,
  configPathOf,
  enrol,
  invalidConfigLines,
  targetConfig,
  textWithEntry,
  whyNotWritable,
} from "../repository-enrolment.js";

type Kind = BuiltinKind;

/** The directory name git, hg and brz pick for a URL: its last path segment (git drops `.git`). */
export function defaultCloneDir(url: string, kind: Kind): string | undefined {
  let name = url.replace(/[\\/]+$/, "");
  if (kind === "git") name = name.replace(/[\\/]\.git$/, "");
  name = name.slice(
    Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\"), name.lastIndexOf(":")) + 1,
  );
  if (kind === "git") name = name.replace(/\.(git|bundle)$/, "");
  return name === "" || name === "." || name === ".." ? undefined : name;
}

/** Whether `dir` may receive the clone: absent, or an empty directory (false: neither). */
async function isFreeDir(dir: string): Promise<"absent" | "empty" | false> {
  try {
    return (await readdir(dir)).length === 0 ? "empty" : false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "absent" : false;
  }
}

const isKind = isBuiltinKind;

/**
 * Runs the recipe's `clone` into a temp dir beside `dir`, then renames it into place: a clone
 * that fails or is interrupted never leaves a half-filled `dir`. Beside, not in /tmp: the
 * rename stays on one file system, and brz records its parent branch relative to the branch.
 */
async function cloneInto(
  url: string,
  dir: string,
  kind: Kind,
  io: CliIo,
): Promise<{ ok: true } | { ok: false; detail: string }> {
  const recipe = await loadRecipe(kind, { baseDir: io.cwd });
  if (!recipe.ok || recipe.recipe.commands.clone === undefined)
    return { ok: false, detail: `the ${kind} recipe has no clone command` };
  const parent = dirname(dir);
  const madeParent = await mkdir(parent, { recursive: true });
  const temp = join(parent, `.${basename(dir)}.autosync-clone-${randomBytes(4).toString("hex")}`);
  const removeParent = async (): Promise<void> => {
    // Only the directories this clone made, and only while empty.
    for (let at = parent; madeParent !== undefined && at.startsWith(madeParent); at = dirname(at)) {
      if (
        !(await rmdir(at).then(
          () => true,
          () => false,
        ))
      )
        break;
      if (at === madeParent) break;
    }
  };
  const argv = expandArgv(recipe.recipe.commands.clone, { url, dir: temp });
  // Ctrl+C during a long clone: the DVCS gets the signal too; the half-made clone goes with it.
  const onSignal = (): void => {
    rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
    process.exit(ExitCode.interrupted);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // One command, in our process group so that Ctrl+C reaches it: a brz server would only add
  // its start, and its children run in groups of their own.
  const result = await processRunner
    .run(argv, { cwd: io.cwd, env: { ...recipe.recipe.env, [BRZ_SERVER_ENV]: "off" } })
    .catch((error: unknown) => ({
      failed: true,
      stderr: String(error),
      shortMessage: String(error),
    }))
    .finally(() => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    });
  if (result.failed) {
    await rm(temp, { recursive: true, force: true, maxRetries: 3 });
    await removeParent();
    const detail = lastLines(result.stderr, 1).trim() || result.shortMessage;
    return { ok: false, detail };
  }
  try {
    // rename(2) replaces an empty directory and fails on a non-empty one: nothing is overwritten.
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true, maxRetries: 3 });
    await removeParent();
    return { ok: false, detail: String((error as NodeJS.ErrnoException).code ?? error) };
  }
  return { ok: true };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseEnrolArgs("clone", args, io, {
    maxPositionals: 2,
    recipe: true,
    missing: messages.missingUrl,
  });
  if (!parsed) return ExitCode.usage;
  const [url = "", dirArg] = parsed.positionals;
  const fail = (line: string): number => failWith(io, line);

  const target = await targetConfig("clone", parsed.config, io, { mayCreate: true });
  if (typeof target === "string") return fail(target);
  const configDefault = target.text !== undefined ? defaultRecipeOf(target.text) : "git";
  const kind: Kind = parsed.recipe ?? (isKind(configDefault) ? configDefault : "git");
  const name = dirArg ?? defaultCloneDir(url, kind);
  if (name === undefined) {
    io.stderr.write(messages.usage("clone", messages.noDefaultDir(url)));
    return ExitCode.usage;
  }
  const dir = resolve(io.cwd, name);
  const free = await isFreeDir(dir);
  if (free === false) return fail(messages.dirNotEmpty("clone", dir));

  // Everything that can be known before cloning is checked first: a config that would be
  // refused must not cost a clone that is then thrown away.
  // A config may already list the folder before it exists (`autosync init`'s example
  // `~/notes`, or a config copied from the first machine): then the clone fills that entry.
  const current =
    target.text !== undefined ? await checkConfigText(target.text, target, io, "off") : undefined;
  const listed = current?.ok === true && current.config.repositories.some((r) => r.path === dir);
  const entry = {
    path: configPathOf(dir, io.env),
    ...(kind !== configDefault && target.text !== undefined ? { recipe: kind } : {}),
  };
  const text =
    listed && target.text !== undefined ? target.text : textWithEntry(target, entry, kind);
  const before = await checkConfigText(text, target, io, "off");
  if (!before.ok) return fail(invalidConfigLines("clone", target, before.diagnostics));
  const notWritable = text === target.text ? undefined : await whyNotWritable(target);
  if (notWritable !== undefined)
    return fail(messages.configNotWritable("clone", target.shown, notWritable));

  const cloned = await cloneInto(url, dir, kind, io);
  if (!cloned.ok) return fail(messages.cloneFailed(url, cloned.detail));
  const enrolled = await enrol("clone", target, text, dir, io);
  if (!enrolled.ok) {
    // The config stays as it was, so the clone goes too: a retry starts from the same place.
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    if (free === "empty") await mkdir(dir).catch(() => {});
    return fail(enrolled.error);
  }
  io.stdout.write(`${[messages.cloned(url, dir), ...enrolled.lines].join("\n")}\n`);
  return ExitCode.ok;
}

export const cloneCommand: CliCommand = {
  name: "clone",
  summary: "Clone a repository and start syncing it (the second machine in one command)",
  help: messages.cloneHelp,
  run,
};
