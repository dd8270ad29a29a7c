import { execFile } from "node:child_process";
import type { Dirent } from "node:fs";
import { lstat, readdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, posix } from "node:path";
import ignore, { type Ignore } from "ignore";
import type { Recipe } from "../recipes/recipe.js";
import { EDITOR_TEMP_PATTERNS } from "./editor-temp-patterns.js";
import {
  translateBzrignore,
  translateGitignore,
  translateHgignore,
  type TranslatedRules,
} from "./ignore-file-syntax.js";

/**
 * What the watcher and the status must never report as the user's content: the metadata
 * directory, nested working copies, everything the DVCS's ignore files and the config exclude,
 * and editor temp files. One filter per repository, shared by the watcher (so events for these
 * are dropped) and by the operations (so status never offers them for a commit).
 */
export interface IgnoreFilter {
  /** `relPath` is root-relative with forward slashes; `isDir` when known (for `dir/` rules). */
  isIgnored(relPath: string, isDir?: boolean): boolean;
  /**
   * Learns from a batch of raw watcher paths (before filtering): an ignore file that changed
   * reloads the rules, a new directory is searched for nested working copies and ignore files.
   * Resolves true when the rules changed.
   */
  observe(relPaths: readonly string[]): Promise<boolean>;
  /** Re-reads every ignore source and re-walks the tree for nested working copies. */
  reload(): Promise<void>;
  /** Root-relative directories that hold their own working copy. */
  nestedRepositories(): string[];
  /** Problems found in ignore files (bad regexps, unknown syntax), for warning events. */
  problems(): string[];
  /** Directories a watcher watches (the root included): the native backend's inotify watches. */
  watchedDirectoryCount(): number;
}

export interface IgnoreFilterOptions {
  root: string;
  recipe: Pick<Recipe, "kind" | "metadataDir" | "ignoreFiles">;
  ignore: { files: readonly string[]; patterns: readonly string[] };
  /**
   * git's global excludes file. Undefined: ask `git config core.excludesFile`, falling back to
   * `$XDG_CONFIG_HOME/git/ignore` or `~/.config/git/ignore`. Null: none (tests).
   */
  globalExcludesFile?: string | null;
  /** Environment for HOME / XDG_CONFIG_HOME and the git lookup; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Any of these inside a subdirectory makes that subdirectory somebody else's working copy. */
const WORKING_COPY_MARKERS = [".git", ".hg", ".bzr"];

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

function gitGlobalExcludesFile(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  const fallback = env.XDG_CONFIG_HOME
    ? join(env.XDG_CONFIG_HOME, "git", "ignore")
    : join(env.HOME ?? homedir(), ".config", "git", "ignore");
  return new Promise((resolve) => {
    execFile(
      "git",
      ["config", "--path", "core.excludesFile"],
      { cwd: root, env: { ...env, GIT_TERMINAL_PROMPT: "0" }, timeout: 5000 },
      (error, stdout) => {
        const configured = String(stdout).trim();
        resolve(error || configured === "" ? fallback : configured);
      },
    );
  });
}

function translate(syntax: string, text: string, dir: string): TranslatedRules {
  if (syntax === "hgignore") return translateHgignore(text);
  if (syntax === "bzrignore") return translateBzrignore(text);
  return translateGitignore(text, dir);
}

interface Rules {
  matcher: Ignore;
  regexps: RegExp[];
  problems: string[];
}

export async function createIgnoreFilter(options: IgnoreFilterOptions): Promise<IgnoreFilter> {
  const { root, recipe } = options;
  const env = options.env ?? process.env;
  const metadataDir = recipe.metadataDir.replace(/\/+$/, "");
  const everyLevelFiles = recipe.ignoreFiles.filter((file) => file.scope === "every-level");
  const ignoreFileNames = new Set(everyLevelFiles.map((file) => file.path));
  const rootIgnoreFiles = new Set(
    recipe.ignoreFiles.filter((file) => file.scope === "root").map((file) => file.path),
  );
  for (const file of options.ignore.files) rootIgnoreFiles.add(file);

  const editorTemps = ignore().add(EDITOR_TEMP_PATTERNS.map((entry) => entry.pattern));
  const globalExcludes =
    options.globalExcludesFile === undefined && recipe.kind === "git"
      ? await gitGlobalExcludesFile(root, env)
      : (options.globalExcludesFile ?? undefined);

  let rules: Rules = { matcher: ignore(), regexps: [], problems: [] };
  let nested = new Set<string>();
  let knownDirs = new Set<string>([""]);
  const dirVerdicts = new Map<string, boolean>();

  function addRules(target: Rules, translated: TranslatedRules, source: string): void {
    target.matcher.add(translated.patterns);
    target.regexps.push(...translated.regexps);
    for (const problem of translated.problems) target.problems.push(`${source}: ${problem}`);
  }

  /** Returns how many ignore files it read. */
  async function addEveryLevelFiles(
    target: Rules,
    dir: string,
    names: Set<string>,
  ): Promise<number> {
    let read = 0;
    for (const file of everyLevelFiles) {
      if (!names.has(file.path)) continue;
      const text = await readText(join(root, dir, file.path));
      if (text !== undefined) {
        addRules(target, translate(file.syntax, text, dir), posix.join(dir, file.path));
        read++;
      }
    }
    return read;
  }

  function hardIgnored(relPath: string): boolean {
    const segments = relPath.split("/");
    if (segments[0] === metadataDir || relPath === metadataDir) return true;
    if (relPath.startsWith(`${metadataDir}/`)) return true;
    // A marker below the root means that directory is a working copy of its own.
    for (let i = 1; i < segments.length; i++) {
      if (WORKING_COPY_MARKERS.includes(segments[i] ?? "")) return true;
    }
    let prefix = "";
    for (let i = 0; i < segments.length; i++) {
      prefix = i === 0 ? (segments[0] ?? "") : `${prefix}/${segments[i]}`;
      if (nested.has(prefix)) return true;
    }
    const base = segments[segments.length - 1] ?? "";
    return editorTemps.ignores(base);
  }

  function matchesRegexp(target: Rules, relPath: string): boolean {
    if (target.regexps.length === 0) return false;
    const segments = relPath.split("/");
    let prefix = "";
    for (const segment of segments) {
      prefix = prefix === "" ? segment : `${prefix}/${segment}`;
      if (target.regexps.some((regexp) => regexp.test(prefix))) return true;
    }
    return false;
  }

  function ruleIgnored(target: Rules, relPath: string, isDir: boolean): boolean {
    if (matchesRegexp(target, relPath)) return true;
    return target.matcher.ignores(isDir ? `${relPath}/` : relPath);
  }

  function isIgnoredWith(target: Rules, relPath: string, isDir?: boolean): boolean {
    if (relPath === "" || relPath === ".") return false;
    if (relPath.startsWith("../") || relPath.startsWith("/")) return true;
    if (hardIgnored(relPath)) return true;
    const dir = isDir ?? knownDirs.has(relPath);
    if (target === rules && dir) {
      const cached = dirVerdicts.get(relPath);
      if (cached !== undefined) return cached;
      const verdict = ruleIgnored(target, relPath, true);
      dirVerdicts.set(relPath, verdict);
      return verdict;
    }
    return ruleIgnored(target, relPath, dir);
  }

  /**
   * Walks `start` (root-relative) top-down, adding every-level ignore files as it goes so an
   * ignored directory is never entered, and records directories and nested working copies.
   */
  async function walk(
    target: Rules,
    start: string,
    dirs: Set<string>,
    found: Set<string>,
  ): Promise<number> {
    let ignoreFilesRead = 0;
    const stack = [start];
    while (stack.length > 0) {
      const dir = stack.pop() as string;
      let entries: Dirent[];
      try {
        entries = await readdir(join(root, dir), { withFileTypes: true });
      } catch {
        continue;
      }
      const names = new Set(entries.map((entry) => entry.name));
      if (dir !== "" && WORKING_COPY_MARKERS.some((marker) => names.has(marker))) {
        found.add(dir);
        continue;
      }
      dirs.add(dir);
      ignoreFilesRead += await addEveryLevelFiles(target, dir, names);
      for (const entry of entries) {
        if (!entry.isDirectory()) continue;
        const child = dir === "" ? entry.name : `${dir}/${entry.name}`;
        if (dir === "" && entry.name === metadataDir) continue;
        if (WORKING_COPY_MARKERS.includes(entry.name)) continue;
        if (isIgnoredWith(target, child, true)) continue;
        stack.push(child);
      }
    }
    return ignoreFilesRead;
  }

  async function build(): Promise<void> {
    const next: Rules = { matcher: ignore(), regexps: [], problems: [] };
    // Lowest precedence first: in gitignore the last matching rule wins.
    if (globalExcludes) {
      const text = await readText(globalExcludes);
      if (text !== undefined) addRules(next, translateGitignore(text, ""), globalExcludes);
    }
    for (const path of rootIgnoreFiles) {
      const declared = recipe.ignoreFiles.find((file) => file.path === path);
      const text = await readText(join(root, path));
      if (text !== undefined)
        addRules(next, translate(declared?.syntax ?? "gitignore", text, ""), path);
    }
    next.matcher.add([...options.ignore.patterns]);
    const dirs = new Set<string>();
    const found = new Set<string>();
    // The walk reads nested ignore files as it descends; it must see the new nested set too.
    const previousNested = nested;
    nested = found;
    try {
      await walk(next, "", dirs, found);
    } catch (error) {
      nested = previousNested;
      throw error;
    }
    rules = next;
    knownDirs = dirs;
    dirVerdicts.clear();
  }

  await build();

  return {
    isIgnored: (relPath, isDir) => isIgnoredWith(rules, relPath, isDir),
    async observe(relPaths) {
      let reload = false;
      const newDirs: string[] = [];
      const candidates: string[] = [];
      for (const relPath of relPaths) {
        const base = relPath.slice(relPath.lastIndexOf("/") + 1);
        if (ignoreFileNames.has(base) || rootIgnoreFiles.has(relPath)) {
          reload = true;
          continue;
        }
        const segments = relPath.split("/");
        const marker = segments.findIndex(
          (segment, index) => index > 0 && WORKING_COPY_MARKERS.includes(segment),
        );
        if (marker > 0) {
          // `git init`/`hg init` in an existing directory: its files are somebody else's now.
          const repoDir = segments.slice(0, marker).join("/");
          if (!nested.has(repoDir) && !isIgnoredWith(rules, repoDir, true)) {
            nested.add(repoDir);
            dirVerdicts.clear();
            reload = true;
          }
          continue;
        }
        if (knownDirs.has(relPath) || isIgnoredWith(rules, relPath)) continue;
        candidates.push(relPath);
      }
      // In parallel: a 2,000-file burst must not hold its own delivery back by 2,000 round trips.
      for (let start = 0; start < candidates.length; start += 128) {
        const chunk = candidates.slice(start, start + 128);
        const stats = await Promise.all(
          // Gone already (a deletion, an editor's temp file): nothing to learn.
          chunk.map((relPath) => lstat(join(root, relPath)).catch(() => undefined)),
        );
        chunk.forEach((relPath, index) => {
          if (stats[index]?.isDirectory()) newDirs.push(relPath);
        });
      }
      if (!reload) {
        // Parents first, so a new tree is walked once from its top.
        newDirs.sort((a, b) => a.split("/").length - b.split("/").length);
        for (const dir of newDirs) {
          if (knownDirs.has(dir)) continue; // walked already with a new parent in this batch
          const dirs = new Set<string>();
          const found = new Set<string>();
          const probe: Rules = { matcher: ignore(), regexps: [], problems: [] };
          const ignoreFilesRead = await walk(probe, dir, dirs, found);
          for (const known of dirs) knownDirs.add(known);
          // A moved-in tree with its own working copy or ignore files changes the rules.
          if (found.size > 0 || ignoreFilesRead > 0) {
            reload = true;
            break;
          }
        }
      }
      if (reload) await build();
      return reload;
    },
    reload: build,
    nestedRepositories: () => [...nested].sort(),
    problems: () => [...rules.problems],
    watchedDirectoryCount: () => knownDirs.size,
  };
}
