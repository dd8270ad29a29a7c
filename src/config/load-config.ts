import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { loadMessages } from "../messages/config-messages.js";
import { displayPath } from "./display-path.js";
import { findConfig } from "./find-config.js";
import { resolveDocument } from "./resolve-config.js";
import type { ConfigResult, RootChecks } from "./resolve-config.js";
import { parseSource } from "./source-document.js";
import type { SourceDocument } from "./source-document.js";

export { resolveConfigObject } from "./resolve-config.js";
export type { ConfigResult, RootChecks } from "./resolve-config.js";

export interface LoadConfigOptions {
  /** `--config PATH`: load this file instead of searching. Relative to cwd. */
  configPath?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Default "error": `run` refuses roots that are missing or not working copies. */
  rootChecks?: RootChecks;
}

/**
 * Finds (or takes) the config file, parses it with positions, validates and resolves it.
 * On success `diagnostics` holds the warnings. Never throws for a user mistake.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<ConfigResult> {
  let file: string;
  if (options.configPath !== undefined) {
    file = resolve(options.cwd, options.configPath);
  } else {
    const found = await findConfig(options).catch(() => undefined);
    if (!found) {
      return {
        ok: false,
        diagnostics: [
          { severity: "error", file: options.cwd, keyPath: "", ...loadMessages.notFound },
        ],
      };
    }
    file = found.file;
  }
  const doc = await readConfigDocument(file, options.cwd);
  return resolveDocument(doc, {
    file,
    cwd: options.cwd,
    env: options.env,
    ...(options.rootChecks ? { rootChecks: options.rootChecks } : {}),
  });
}

/**
 * Reads and parses a config file with positions. For a package.json the document is its
 * `autosync` key, with positions still pointing into the package.json.
 */
export async function readConfigDocument(file: string, cwd: string): Promise<SourceDocument> {
  const shown = displayPath(file, cwd);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return {
      file: shown,
      value: undefined,
      errors: [
        {
          severity: "error",
          file: shown,
          keyPath: "",
          ...loadMessages.unreadable((error as NodeJS.ErrnoException).code ?? String(error)),
        },
      ],
      locate: () => undefined,
    };
  }
  const doc = parseSource(text, shown);
  if (basename(file) !== "package.json" || doc.errors.length > 0) return doc;
  const value = (doc.value as Record<string, unknown> | null | undefined)?.autosync;
  return {
    ...doc,
    value,
    locate: (path, at) => doc.locate(["autosync", ...path], at),
  };
}
