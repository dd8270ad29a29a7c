import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { defaultRecipeOf } from "../../config/repository-entries.js";
import { enrolMessages as messages } from "../../messages/enrol-messages.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { failWith, parseEnrolArgs } from "../enrol-args.js";
import {
  checkConfigText,
  configPathOf,
  enrol,
  targetConfig,
  textWithEntry,
} from "../repository-enrolment.js";
import { detectKind } from "./init.js";

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseEnrolArgs("add", args, io, {
    maxPositionals: 1,
    recipe: true,
    missing: messages.missingPath,
  });
  if (!parsed) return ExitCode.usage;
  const [pathArg = ""] = parsed.positionals;
  const fail = (line: string): number => failWith(io, line);
  const dir = resolve(io.cwd, pathArg);
  if (!(await stat(dir).catch(() => undefined))?.isDirectory())
    return fail(messages.noSuchDir("add", dir));
  const kind = parsed.recipe ?? (await detectKind(dir));
  if (kind === undefined) return fail(messages.notWorkingCopy(dir));

  const target = await targetConfig("add", parsed.config, io, { mayCreate: true });
  if (typeof target === "string") return fail(target);
  const configDefault = target.text !== undefined ? defaultRecipeOf(target.text) : kind;
  if (target.text !== undefined) {
    const current = await checkConfigText(target.text, target, io, "off");
    if (current.ok && current.config.repositories.some((repository) => repository.path === dir))
      return fail(messages.alreadyConfigured("add", dir, target.shown));
  }
  const entry = {
    path: configPathOf(dir, io.env),
    ...(kind !== configDefault ? { recipe: kind } : {}),
  };
  const enrolled = await enrol("add", target, textWithEntry(target, entry, kind), dir, io);
  if (!enrolled.ok) return fail(enrolled.error);
  io.stdout.write(`${enrolled.lines.join("\n")}\n`);
  return ExitCode.ok;
}

export const addCommand: CliCommand = {
  name: "add",
  summary: "Start syncing a working copy that is already on this machine",
  help: messages.addHelp,
  run,
};
