import { realpath } from "node:fs/promises";
import { resolve } from "node:path";
import { removeRepositoryEntry } from "../../config/repository-entries.js";
import { enrolMessages as messages } from "../../messages/enrol-messages.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { failWith, parseEnrolArgs } from "../enrol-args.js";
import {
  checkConfigText,
  invalidConfigLines,
  targetConfig,
  tellDaemon,
  writeConfigAtomically,
} from "../repository-enrolment.js";

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseEnrolArgs("remove", args, io, {
    maxPositionals: 1,
    recipe: false,
    missing: messages.missingPath,
  });
  if (!parsed) return ExitCode.usage;
  const [what = ""] = parsed.positionals;
  const fail = (line: string): number => failWith(io, line);
  const target = await targetConfig("remove", parsed.config, io, { mayCreate: false });
  if (typeof target === "string") return fail(target);
  const text = target.text ?? "";
  const current = await checkConfigText(text, target, io, "off");
  if (!current.ok) return fail(invalidConfigLines("remove", target, current.diagnostics));
  // A path (as given, or with symlinks resolved) or else a repository name.
  const asPath = resolve(io.cwd, what);
  const real = await realpath(asPath).catch(() => asPath);
  const repositories = current.config.repositories;
  let index = repositories.findIndex((r) => r.path === asPath || r.path === real);
  if (index < 0) {
    const realPaths = await Promise.all(
      repositories.map((r) => realpath(r.path).catch(() => r.path)),
    );
    index = realPaths.findIndex((path) => path === real);
  }
  if (index < 0) index = repositories.findIndex((r) => r.name === what);
  const repository = repositories[index];
  if (repository === undefined) return fail(messages.notConfigured(what, target.shown));

  const next = removeRepositoryEntry(text, index);
  const checked = await checkConfigText(next, target, io, "off");
  if (!checked.ok) return fail(invalidConfigLines("remove", target, checked.diagnostics));
  try {
    await writeConfigAtomically(target, next);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return fail(messages.configNotWritable("remove", target.shown, code));
  }
  const lines = [
    messages.removed(repository.path, target.shown),
    await tellDaemon(checked.config.controlSocket, messages.nextNothing),
  ];
  io.stdout.write(`${lines.join("\n")}\n`);
  return ExitCode.ok;
}

export const removeCommand: CliCommand = {
  name: "remove",
  summary: "Stop syncing a working copy (its files stay as they are)",
  help: messages.removeHelp,
  run,
};
