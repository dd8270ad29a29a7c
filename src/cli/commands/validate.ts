import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Diagnostic } from "../../config/diagnostic.js";
import { displayPath } from "../../config/display-path.js";
import { findConfig } from "../../config/find-config.js";
import { diagnosticMessage, formatDiagnostic } from "../../config/format-diagnostic.js";
import { readConfigDocument } from "../../config/load-config.js";
import { resolveDocument } from "../../config/resolve-config.js";
import { parseSource } from "../../config/source-document.js";
import { validateMessages as messages } from "../../messages/config-messages.js";
import { loadRecipe } from "../../recipes/load-recipe.js";
import type { CliCommand, CliIo } from "../command.js";
import { ExitCode } from "../exit-codes.js";

export type FileKind = "config" | "recipe";

/**
 * A file is a recipe when it says so through `$schema` (the key, or a yaml-language-server
 * modeline) naming recipe.schema.json, or, without such a reference, when it has a top-level
 * `commands` or `statusParser` key and no `repositories`. Everything else is a config.
 */
export function classify(text: string, value: unknown): FileKind {
  const modeline = /^#\s*yaml-language-server:\s*\$schema=(\S+)/m.exec(text)?.[1];
  const record =
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const schema = typeof record.$schema === "string" ? record.$schema : modeline;
  if (schema !== undefined) {
    if (/recipe\.schema\.json/.test(schema)) return "recipe";
    if (/autosync\.schema\.json/.test(schema)) return "config";
  }
  const looksLikeRecipe = "commands" in record || "statusParser" in record;
  return looksLikeRecipe && !("repositories" in record) ? "recipe" : "config";
}

/** Validates one file; all of its problems, errors and warnings. */
export async function validateFile(
  file: string,
  io: Pick<CliIo, "cwd" | "env">,
): Promise<{ kind: FileKind; diagnostics: Diagnostic[] }> {
  const shown = displayPath(file, io.cwd);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      kind: "config",
      diagnostics: [{ severity: "error", file: shown, keyPath: "", ...messages.unreadable(code) }],
    };
  }
  const parsed = parseSource(text, shown);
  const kind = basename(file) === "package.json" ? "config" : classify(text, parsed.value);
  if (kind === "recipe") {
    const result = await loadRecipe(file, {
      baseDir: io.cwd,
      displayPath: (path) => displayPath(path, io.cwd),
    });
    return { kind, diagnostics: result.diagnostics };
  }
  const doc = basename(file) === "package.json" ? await readConfigDocument(file, io.cwd) : parsed;
  const result = await resolveDocument(doc, {
    file,
    cwd: io.cwd,
    env: io.env,
    rootChecks: "warning",
  });
  return { kind, diagnostics: result.diagnostics };
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string", default: "text" },
        strict: { type: "boolean", default: false },
        config: { type: "string" },
      },
    });
  } catch (error) {
    io.stderr.write(messages.usage((error as Error).message));
    return ExitCode.usage;
  }
  const { format, strict, config } = parsed.values;
  if (format !== "text" && format !== "json") {
    io.stderr.write(messages.usage(messages.badFormat(format)));
    return ExitCode.usage;
  }
  const files = parsed.positionals.map((file) => resolve(io.cwd, file));
  if (config !== undefined) files.push(resolve(io.cwd, config));

  const diagnostics: Diagnostic[] = [];
  const summaries: string[] = [];
  if (files.length === 0) {
    const found = await findConfig(io).catch(() => undefined);
    if (found) files.push(found.file);
    else {
      diagnostics.push({ severity: "error", file: io.cwd, keyPath: "", ...messages.notFound });
    }
  }
  for (const file of files) {
    const result = await validateFile(file, io);
    const fileDiagnostics = strict
      ? result.diagnostics.map((d) => ({ ...d, severity: "error" as const }))
      : result.diagnostics;
    diagnostics.push(...fileDiagnostics);
    summaries.push(messages.summary(displayPath(file, io.cwd), result.kind, fileDiagnostics));
  }
  const valid = !diagnostics.some((d) => d.severity === "error");
  if (format === "json") {
    const report = {
      valid,
      diagnostics: diagnostics.map((d) => ({
        severity: d.severity,
        file: d.file,
        line: d.line ?? null,
        column: d.column ?? null,
        keyPath: d.keyPath,
        expected: d.expected,
        found: d.found ?? null,
        hint: d.hint ?? null,
        message: diagnosticMessage(d),
      })),
    };
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const d of diagnostics) io.stdout.write(`${formatDiagnostic(d)}\n`);
    for (const line of summaries) io.stdout.write(`${line}\n`);
  }
  return valid ? ExitCode.ok : ExitCode.failure;
}

export const validateCommand: CliCommand = {
  name: "validate",
  summary: "Check config and recipe files; every problem with file:line:column",
  help: messages.help,
  run,
};
