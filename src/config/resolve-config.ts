import { realpathSync } from "node:fs";
import { stat } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join, relative, isAbsolute } from "node:path";
import type { NoticeKind } from "../engine/pipeline.js";
import { BUILTIN_RECIPES, isRecipePath, loadRecipe } from "../recipes/load-recipe.js";
import type { LoadRecipeResult } from "../recipes/load-recipe.js";
import type { Recipe } from "../recipes/recipe.js";
import { configMessages, recipeMessages } from "../messages/config-messages.js";
import { CONFIG_DEFAULTS, ENGINE_DEFAULTS } from "./config-defaults.js";
import { defaultControlSocket } from "./control-socket-path.js";
import type { AutosyncConfig, SecretSpec } from "./config-types.generated.js";
import type { Diagnostic } from "./diagnostic.js";
import { didYouMean } from "./did-you-mean.js";
import { displayPath } from "./display-path.js";
import { parseDuration } from "./duration.js";
import { expandPath } from "./expand-path.js";
import { formatKeyPath } from "./key-path.js";
import { resolvePipeline } from "./resolve-pipeline.js";
import type {
  ResolvedChannels,
  ResolvedConfig,
  ResolvedRepository,
  SecretRef,
} from "./resolved-config.js";
import { checkSchema } from "./schema-check.js";
import { parseShare } from "./share.js";
import { parseSize } from "./size.js";
import type { PathSegment, SourceDocument } from "./source-document.js";

export type ConfigResult =
  | { ok: true; config: ResolvedConfig; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * How strictly the machine is checked beyond the file: a watch root that is missing or not a
 * working copy is an `error` for `autosync run` (the default), a `warning` for
 * `autosync validate` (the file is valid; this machine is not ready), or not checked (`off`).
 */
export type RootChecks = "error" | "warning" | "off";

export interface ResolveOptions {
  /** Absolute path of the config file; undefined for an embedded config. */
  file?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  rootChecks?: RootChecks;
}

/** Validates and resolves a config that is already data (the demo's embedded config). */
export async function resolveConfigObject(
  raw: unknown,
  options: ResolveOptions,
): Promise<ConfigResult> {
  const shown = options.file ? displayPath(options.file, options.cwd) : configMessages.embedded;
  const doc: SourceDocument = { file: shown, value: raw, errors: [], locate: () => undefined };
  return resolveDocument(doc, options);
}

/** Validates a parsed document against the schema, then resolves it. */
export async function resolveDocument(
  doc: SourceDocument,
  options: ResolveOptions,
): Promise<ConfigResult> {
  if (doc.errors.length > 0) return { ok: false, diagnostics: doc.errors };
  if (doc.value === undefined || doc.value === null) {
    return {
      ok: false,
      diagnostics: [
        { severity: "error", file: doc.file, keyPath: "", ...configMessages.emptyDocument },
      ],
    };
  }
  const schemaProblems = checkSchema(doc, "autosync");
  if (schemaProblems.length > 0) {
    // Report everything at once: the checks beyond the schema that can run on a document with
    // type errors (recipe names, duplicate names, overlapping roots, the watch roots) run too.
    const reported = new Set(schemaProblems.map((d) => d.keyPath));
    const more = (await new Resolver(doc, options).lenientChecks(doc.value)).filter(
      (d) => !reported.has(d.keyPath),
    );
    return { ok: false, diagnostics: [...schemaProblems, ...more] };
  }
  return new Resolver(doc, options).run(doc.value as AutosyncConfig);
}

type SettingKey = "timers" | "ignore" | "deletionGuard" | "largeFiles" | "watcher";

class Resolver {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly baseDir: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly rootChecks: RootChecks;
  private fileMode: number | undefined;

  constructor(
    private readonly doc: SourceDocument,
    private readonly options: ResolveOptions,
  ) {
    this.baseDir = options.file ? dirname(options.file) : options.cwd;
    this.env = options.env;
    this.rootChecks = options.rootChecks ?? "error";
  }

  private report(
    severity: Diagnostic["severity"],
    path: readonly PathSegment[],
    text: { expected: string; found?: string; hint?: string },
    at: "value" | "key" = "value",
  ): void {
    const position = this.doc.locate(path, at);
    this.diagnostics.push({
      severity,
      file: this.doc.file,
      ...(position ? { line: position.line, column: position.column } : {}),
      keyPath: formatKeyPath(path),
      ...text,
    });
  }

  /** A duration in ms that a timer can actually wait. */
  private timerMs(duration: string | 0, at: readonly PathSegment[]): number {
    const value = ms(duration);
    this.checkTimerRange(value, at);
    return value;
  }

  /**
   * Node's timers fire at once when asked to wait longer than 2^31-1 ms (about 24.8 days), so
   * `pullInterval: 30d` would pull in a tight loop; refuse it here instead.
   */
  private checkTimerRange(value: number, at: readonly PathSegment[]): void {
    if (value > MAX_TIMER_MS) this.report("error", at, configMessages.durationTooLong);
  }

  private path(text: string, at: readonly PathSegment[]): string {
    const expanded = expandPath(text, { env: this.env, baseDir: this.baseDir });
    for (const name of expanded.unsetVariables) {
      this.report("error", at, configMessages.pathVariableUnset(name, text));
    }
    return expanded.path;
  }

  async run(config: AutosyncConfig): Promise<ConfigResult> {
    if (this.options.file) {
      this.fileMode = await stat(this.options.file).then(
        (stats) => stats.mode,
        () => undefined,
      );
    }
    const host = config.host ?? (this.env.AUTOSYNC_HOST || hostname());
    const repositories: ResolvedRepository[] = [];
    const recipeCache = new Map<string, Promise<LoadRecipeResult>>();
    for (const index of config.repositories.keys()) {
      const resolved = await this.repository(config, index, host, recipeCache);
      if (resolved) repositories.push(resolved);
    }
    this.checkNamesAndRoots(config);
    const pidfile = this.path(config.pidfile ?? CONFIG_DEFAULTS.pidfile, ["pidfile"]);
    const controlSocket = config.controlSocket
      ? this.path(config.controlSocket, ["controlSocket"])
      : this.defaultControlSocket(pidfile);
    const channels = this.channels(config, host);
    const kinds: Record<NoticeKind, boolean> = {
      pushed: true,
      pulled: true,
      conflict: true,
      error: true,
      offline: true,
      online: true,
      ...config.notify?.desktop?.kinds,
    };
    const coalesceMs = this.timerMs(
      config.notify?.desktop?.coalesce ?? CONFIG_DEFAULTS.notifyCoalesce,
      ["notify", "desktop", "coalesce"],
    );
    const diagnostics = dedupe(this.diagnostics);
    const warnings = diagnostics.filter((d) => d.severity === "warning");
    if (diagnostics.some((d) => d.severity === "error")) return { ok: false, diagnostics };
    return {
      ok: true,
      diagnostics: warnings,
      config: {
        file: this.options.file,
        host,
        repositories,
        channels,
        notify: {
          desktop: {
            enabled: config.notify?.desktop?.enabled ?? true,
            kinds,
            coalesceMs,
          },
        },
        pidfile,
        controlSocket,
        warnings,
      },
    };
  }

  private async repository(
    config: AutosyncConfig,
    index: number,
    host: string,
    recipeCache: Map<string, Promise<LoadRecipeResult>>,
  ): Promise<ResolvedRepository | undefined> {
    const repo = config.repositories[index]!;
    const defaults = config.defaults ?? {};
    const here = (...rest: PathSegment[]): PathSegment[] => ["repositories", index, ...rest];
    const builtIn: Record<SettingKey, object> = {
      timers: CONFIG_DEFAULTS.timers,
      ignore: {},
      deletionGuard: CONFIG_DEFAULTS.deletionGuard,
      largeFiles: CONFIG_DEFAULTS.largeFiles,
      watcher: CONFIG_DEFAULTS.watcher,
    };
    const merged = (key: SettingKey) =>
      ({ ...builtIn[key], ...defaults[key], ...repo[key] }) as Record<string, unknown>;

    const recipeRef = repo.recipe ?? defaults.recipe ?? CONFIG_DEFAULTS.recipe;
    const recipePath =
      repo.recipe !== undefined
        ? here("recipe")
        : defaults.recipe !== undefined
          ? ["defaults", "recipe"]
          : [];
    const commands: Record<string, string[]> = {};
    const commandPaths: Record<string, PathSegment[]> = {};
    for (const [name, argv] of Object.entries(defaults.commands ?? {})) {
      commands[name] = argv;
      commandPaths[name] = ["defaults", "commands", name];
    }
    for (const [name, argv] of Object.entries(repo.commands ?? {})) {
      commands[name] = argv;
      commandPaths[name] = here("commands", name);
    }
    const env = { ...defaults.env, ...repo.env };
    const cacheKey = JSON.stringify([recipeRef, recipePath, commands, commandPaths, env]);
    let loading = recipeCache.get(cacheKey);
    if (!loading) {
      loading = loadRecipe(recipeRef, {
        baseDir: this.baseDir,
        overrides: commands,
        env,
        origin: { doc: this.doc, recipePath, commandPaths },
        displayPath: (file) => displayPath(file, this.options.cwd),
      });
      recipeCache.set(cacheKey, loading);
    }
    const loaded = await loading;
    this.diagnostics.push(...loaded.diagnostics);

    const root = this.path(repo.path, here("path"));
    const name = repo.name ?? basename(root);
    const timers = merged("timers") as Record<string, string | 0>;
    const setting = (key: SettingKey, sub: string): PathSegment[] =>
      (repo[key] as Record<string, unknown> | undefined)?.[sub] !== undefined
        ? here(key, sub)
        : ["defaults", key, sub];
    const timer = (name: string) => this.timerMs(timers[name]!, setting("timers", name));
    const timersMs = {
      commitDelayMs: timer("commitDelay"),
      maxCommitDelayMs: timer("maxCommitDelay"),
      pushDelayMs: timer("pushDelay"),
      pullIntervalMs: timer("pullInterval"),
    };
    if (timersMs.maxCommitDelayMs < timersMs.commitDelayMs) {
      const at =
        repo.timers?.maxCommitDelay !== undefined
          ? here("timers", "maxCommitDelay")
          : ["defaults", "timers", "maxCommitDelay"];
      this.report("warning", at, configMessages.maxBelowQuiet);
    }
    const guard = merged("deletionGuard");
    const large = merged("largeFiles");
    const watcher = merged("watcher");
    const ignore = { files: [] as string[], patterns: [] as string[], ...merged("ignore") };

    if (!loaded.ok) return undefined;
    const recipe: Recipe = loaded.recipe;
    await this.checkRoot(root, recipe, here("path"));
    const pipelineSpec = repo.pipeline ?? defaults.pipeline ?? recipe.pipeline;
    const pipeline = resolvePipeline(pipelineSpec, {
      commitDelay: timersMs.commitDelayMs,
      maxCommitDelay: timersMs.maxCommitDelayMs,
      pushDelay: timersMs.pushDelayMs,
    });
    const pipelineAt: PathSegment[] =
      repo.pipeline !== undefined
        ? here("pipeline")
        : defaults.pipeline !== undefined
          ? ["defaults", "pipeline"]
          : recipePath;
    pipeline.forEach((rule, index) => {
      const ruleAt = pipelineAt === recipePath ? recipePath : [...pipelineAt, index];
      if (rule.quietMs !== undefined)
        this.checkTimerRange(rule.quietMs, [...ruleAt, "quietPeriod"]);
      if (rule.maxWaitMs !== undefined)
        this.checkTimerRange(rule.maxWaitMs, [...ruleAt, "maxWait"]);
    });
    return {
      name,
      path: root,
      recipe,
      engine: {
        repo: name,
        host,
        timers: timersMs,
        pipeline,
        deletionGuard: {
          maxShare: parseShare(guard.maxShare as string | number) ?? 0.5,
          minFiles: guard.minFiles as number,
        },
        largeFiles: {
          maxBytes: parseSize(large.maxSize as string | number) ?? 50e6,
          action: large.action as "skip" | "commit",
        },
        retry: { ...ENGINE_DEFAULTS.retry },
        scopedStatusMaxPaths: ENGINE_DEFAULTS.scopedStatusMaxPaths,
      },
      ignore: { files: [...ignore.files], patterns: [...ignore.patterns] },
      watcher: {
        backend: watcher.backend as "native" | "chokidar",
        rescanIntervalMs: this.timerMs(
          watcher.rescanInterval as string | 0,
          setting("watcher", "rescanInterval"),
        ),
      },
      ...(repo.repositoryId !== undefined ? { repositoryId: repo.repositoryId } : {}),
      ...(repo.pullUrl !== undefined ? { pullUrl: repo.pullUrl } : {}),
    };
  }

  /** The Syncthing lesson: a root that is gone or lost its marker must never look empty. */
  private async checkRoot(root: string, recipe: Recipe, at: PathSegment[]): Promise<void> {
    if (this.rootChecks === "off") return;
    const severity = this.rootChecks;
    const info = await stat(root).catch(() => undefined);
    if (!info) return this.report(severity, at, configMessages.rootMissing(root, recipe.kind));
    if (!info.isDirectory())
      return this.report(severity, at, configMessages.rootNotDirectory(root));
    const marker = await stat(join(root, recipe.marker)).catch(() => undefined);
    if (!marker)
      this.report(severity, at, configMessages.markerMissing(root, recipe.kind, recipe.marker));
  }

  /** Checks that make sense on a document that failed the schema; returns what they found. */
  async lenientChecks(value: unknown): Promise<Diagnostic[]> {
    const config = record(value);
    const repositories = Array.isArray(config?.repositories) ? config.repositories : [];
    const refs: Array<[unknown, PathSegment[]]> = [
      [record(config?.defaults)?.recipe, ["defaults", "recipe"]],
      ...repositories.map((repo, index): [unknown, PathSegment[]] => [
        record(repo)?.recipe,
        ["repositories", index, "recipe"],
      ]),
    ];
    for (const [ref, at] of refs) {
      if (typeof ref !== "string" || ref === "" || isRecipePath(ref)) continue;
      if ((BUILTIN_RECIPES as readonly string[]).includes(ref)) continue;
      const suggestion = didYouMean(ref, BUILTIN_RECIPES);
      this.report("error", at, {
        expected: recipeMessages.recipeRef(BUILTIN_RECIPES),
        found: `'${ref}'`,
        ...(suggestion ? { hint: recipeMessages.didYouMean(suggestion) } : {}),
      });
    }
    this.checkNamesAndRoots({
      repositories: repositories.flatMap((repo) => {
        const item = record(repo);
        return typeof item?.path === "string" && item.path !== ""
          ? [{ path: item.path, name: typeof item.name === "string" ? item.name : undefined }]
          : [undefined];
      }),
    });
    await this.lenientRootChecks(config?.defaults, repositories);
    return this.diagnostics;
  }

  /**
   * The watch roots of a document that failed the schema, so a missing root is not learnt only
   * after the schema errors are fixed. A root is checked when its entry's path is a string
   * whose variables are set and its recipe loads (as in `run`, where a broken recipe skips the
   * root check); the recipe's own problems are reported once the schema errors are gone.
   */
  private async lenientRootChecks(defaults: unknown, repositories: unknown[]): Promise<void> {
    if (this.rootChecks === "off") return;
    const defaultRecipe = record(defaults)?.recipe ?? CONFIG_DEFAULTS.recipe;
    const recipes = new Map<string, Promise<LoadRecipeResult>>();
    for (const [index, entry] of repositories.entries()) {
      const repo = record(entry);
      const at: PathSegment[] = ["repositories", index, "path"];
      if (typeof repo?.path !== "string" || repo.path === "") continue;
      const recipeRef = repo.recipe ?? defaultRecipe;
      if (typeof recipeRef !== "string" || recipeRef === "") continue;
      // A path naming an unset variable cannot be resolved: `path` reports that instead.
      const { unsetVariables } = expandPath(repo.path, { env: this.env, baseDir: this.baseDir });
      const root = this.path(repo.path, at);
      if (unsetVariables.length > 0) continue;
      let loading = recipes.get(recipeRef);
      if (!loading) {
        loading = loadRecipe(recipeRef, { baseDir: this.baseDir });
        recipes.set(recipeRef, loading);
      }
      const loaded = await loading;
      if (loaded.ok) await this.checkRoot(root, loaded.recipe, at);
    }
  }

  private checkNamesAndRoots(config: {
    repositories: ReadonlyArray<{ path: string; name?: string | undefined } | undefined>;
  }): void {
    const byName = new Map<string, number>();
    const roots: Array<{ index: number; root: string }> = [];
    config.repositories.forEach((repo, index) => {
      if (!repo) return;
      const written = expandPath(repo.path, { env: this.env, baseDir: this.baseDir }).path;
      const name = repo.name ?? basename(written);
      // Through symlinks: ~/notes -> /data/notes and /data/notes/sub are the same tree.
      const root = realRoot(written);
      const first = byName.get(name);
      if (first !== undefined) {
        const at: PathSegment[] = [
          "repositories",
          index,
          repo.name !== undefined ? "name" : "path",
        ];
        this.report("error", at, configMessages.duplicateName(name, first));
      } else byName.set(name, index);
      for (const other of roots) {
        const inside = (outer: string, inner: string) => {
          const rel = relative(outer, inner);
          return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
        };
        if (inside(other.root, root) || inside(root, other.root)) {
          this.report(
            "error",
            ["repositories", index, "path"],
            configMessages.overlappingRoots(root, other.root, other.index),
          );
        }
      }
      roots.push({ index, root });
    });
  }

  private channels(config: AutosyncConfig, host: string): ResolvedChannels {
    const raw = config.channels ?? {};
    const channels: ResolvedChannels = {
      peers: { pullFromOrigin: raw.peers?.pullFromOrigin ?? false },
    };
    if (raw.xmpp) {
      const xmpp = raw.xmpp;
      channels.xmpp = {
        jid: xmpp.jid,
        password: this.secret(xmpp.password, ["channels", "xmpp", "password"]),
        resource: xmpp.resource ?? `autosync-${host}`,
        ...(xmpp.service !== undefined ? { service: xmpp.service } : {}),
        ...(xmpp.caFile !== undefined
          ? { caFile: this.path(xmpp.caFile, ["channels", "xmpp", "caFile"]) }
          : {}),
        alsoNotify: xmpp.alsoNotify === undefined ? [] : ([] as string[]).concat(xmpp.alsoNotify),
        allowFrom: [...(xmpp.allowFrom ?? [])],
      };
    }
    if (raw.mqtt) {
      const mqtt = raw.mqtt;
      channels.mqtt = {
        url: mqtt.url,
        ...(mqtt.username !== undefined ? { username: mqtt.username } : {}),
        ...(mqtt.password !== undefined
          ? { password: this.secret(mqtt.password, ["channels", "mqtt", "password"]) }
          : {}),
        topicPrefix: mqtt.topicPrefix ?? CONFIG_DEFAULTS.mqttTopicPrefix,
        ...(mqtt.caFile !== undefined
          ? { caFile: this.path(mqtt.caFile, ["channels", "mqtt", "caFile"]) }
          : {}),
      };
    }
    if (raw.secret !== undefined) channels.secret = this.secret(raw.secret, ["channels", "secret"]);
    return channels;
  }

  /** Secrets are resolved when used; here only what can be known now is reported. */
  private secret(raw: SecretSpec, at: PathSegment[]): SecretRef {
    if (typeof raw === "string") {
      if (this.fileMode !== undefined && (this.fileMode & 0o077) !== 0) {
        this.report(
          "warning",
          at,
          configMessages.inlineSecretReadable(this.fileMode, this.doc.file),
        );
      }
      return { value: raw };
    }
    if ("env" in raw) {
      if (!this.env[raw.env]) this.report("warning", at, configMessages.secretEnvUnset(raw.env));
      return { env: raw.env };
    }
    return { command: raw.command };
  }

  private defaultControlSocket(pidfile: string): string {
    return defaultControlSocket(
      {
        ...(this.options.file !== undefined ? { file: this.options.file } : {}),
        cwd: this.options.cwd,
        env: this.env,
      },
      pidfile,
    );
  }
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** `item` as an object with keys, or undefined: a document failing the schema holds anything. */
function record(item: unknown): Record<string, unknown> | undefined {
  return item !== null && typeof item === "object" && !Array.isArray(item)
    ? (item as Record<string, unknown>)
    : undefined;
}

function realRoot(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

function ms(duration: string | 0): number {
  // The schema admitted only durations, so this parses; 0 keeps a typo from ever meaning "never".
  return parseDuration(duration) ?? 0;
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([
      d.severity,
      d.file,
      d.line,
      d.column,
      d.keyPath,
      d.expected,
      d.found,
    ]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
