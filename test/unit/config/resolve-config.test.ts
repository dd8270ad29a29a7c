import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { loadConfig, resolveConfigObject } from "../../../src/config/load-config.js";
import { readSchema } from "../../../src/config/schema-check.js";
import { CONFIG_DEFAULTS } from "../../../src/config/config-defaults.js";
import { parseDuration } from "../../../src/config/duration.js";
import { makeTempDir } from "../../support/temp-dir.js";

describe("resolving a config", async () => {
  const { dir, cleanup } = await makeTempDir("autosync-resolve-");
  after(cleanup);
  const env = { HOME: dir, AUTOSYNC_HOST: "testhost" };
  const repo = join(dir, "notes");
  await mkdir(repo);
  execFileSync("git", ["init", "-q", repo]);
  const resolve = (raw: unknown, rootChecks: "error" | "warning" | "off" = "error") =>
    resolveConfigObject(raw, {
      file: join(dir, "autosync.config.yaml"),
      cwd: dir,
      env,
      rootChecks,
    });

  test("a minimal config gets every default, filled into a complete EngineConfig", async () => {
    const result = await resolve({ version: 1, repositories: [{ path: "~/notes" }] });
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    const [notes] = result.config.repositories;
    assert.equal(notes!.name, "notes");
    assert.equal(notes!.path, repo);
    assert.equal(notes!.recipe.kind, "git");
    assert.equal(result.config.host, "testhost");
    assert.deepEqual(notes!.engine.timers, {
      commitDelayMs: 2000,
      maxCommitDelayMs: 60_000,
      pushDelayMs: 5000,
      pullIntervalMs: 600_000,
    });
    assert.deepEqual(notes!.engine.deletionGuard, { maxShare: 0.5, minFiles: 100 });
    assert.deepEqual(notes!.engine.largeFiles, { maxBytes: 50_000_000, action: "skip" });
    assert.deepEqual(notes!.engine.retry, {
      maxRejectedPushes: 5,
      initialBackoffMs: 2000,
      maxBackoffMs: 300_000,
      jitter: 0.2,
    });
    assert.equal(notes!.engine.scopedStatusMaxPaths, 500);
    assert.deepEqual(notes!.watcher, { backend: "native", rescanIntervalMs: 300_000 });
    assert.deepEqual(notes!.ignore, { files: [], patterns: [] });
    assert.equal(result.config.pidfile, join(dir, ".autosync.pid"));
    assert.match(result.config.controlSocket, /autosync-[0-9a-f]{12}\.sock$/);
    assert.deepEqual(result.config.channels, { peers: { pullFromOrigin: false } });
    assert.equal(result.config.notify.desktop.coalesceMs, 10_000);
    assert.ok(Object.values(result.config.notify.desktop.kinds).every(Boolean));
    // The recipe's pipeline, with timer names resolved to the repository's timers.
    assert.deepEqual(notes!.engine.pipeline[0], {
      on: ["change"],
      quietMs: 2000,
      maxWaitMs: 60_000,
      actions: [{ type: "commit" }],
    });
  });

  test("repository keys override defaults key by key; pipeline replaces as a whole", async () => {
    const result = await resolve({
      version: 1,
      defaults: {
        timers: { commitDelay: "1s", pushDelay: "3s" },
        ignore: { patterns: ["*.tmp"] },
        pipeline: [{ on: ["change"], quietPeriod: "commitDelay", do: ["commit"] }],
      },
      repositories: [
        {
          path: "notes",
          timers: { commitDelay: "500ms" },
          largeFiles: { maxSize: "1MiB" },
          deletionGuard: { maxShare: 0.2 },
          pipeline: [
            {
              on: ["committed"],
              quietPeriod: "pushDelay",
              maxWait: "1m",
              do: ["push", { run: ["make", "site"] }],
            },
          ],
        },
      ],
    });
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    const engine = result.config.repositories[0]!.engine;
    assert.equal(engine.timers.commitDelayMs, 500);
    assert.equal(engine.timers.pushDelayMs, 3000);
    assert.equal(engine.timers.pullIntervalMs, 600_000);
    assert.deepEqual(result.config.repositories[0]!.ignore.patterns, ["*.tmp"]);
    assert.equal(engine.largeFiles.maxBytes, 1024 * 1024);
    assert.deepEqual(engine.deletionGuard, { maxShare: 0.2, minFiles: 100 });
    assert.deepEqual(engine.pipeline, [
      {
        on: ["committed"],
        quietMs: 3000,
        maxWaitMs: 60_000,
        actions: [{ type: "push" }, { type: "run", argv: ["make", "site"] }],
      },
    ]);
  });

  test("command overrides replace single recipe commands; a bad placeholder points into the config", async () => {
    const ok = await resolve({
      version: 1,
      defaults: {
        commands: { push: ["git", "push", "{remote}"] },
        env: { GIT_SSH_COMMAND: "ssh -i k" },
      },
      repositories: [{ path: "notes" }],
    });
    assert.ok(ok.ok, JSON.stringify(ok.diagnostics));
    assert.deepEqual(ok.config.repositories[0]!.recipe.commands.push, ["git", "push", "{remote}"]);
    assert.equal(ok.config.repositories[0]!.recipe.env.GIT_SSH_COMMAND, "ssh -i k");

    const text = [
      "version: 1",
      "repositories:",
      "  - path: notes",
      "    commands:",
      "      push: [git, push, '{message}']",
      "      psuh: [git, push]",
      "",
    ].join("\n");
    await writeFile(join(dir, "overrides.yaml"), text);
    const bad = await loadConfig({ configPath: "overrides.yaml", cwd: dir, env });
    assert.equal(bad.ok, false);
    assert.deepEqual(
      bad.diagnostics.map((d) => [d.keyPath, d.line, d.column, d.found]),
      [
        ["repositories[0].commands.psuh", 6, 7, "'psuh'"],
        ["repositories[0].commands.push[2]", 5, 25, "{message}"],
      ],
    );
    assert.equal(bad.diagnostics[0]!.hint, "did you mean 'push'?");
  });

  test("an unknown recipe, duplicate names and overlapping roots are all reported", async () => {
    const result = await resolve(
      {
        version: 1,
        repositories: [
          { path: "notes", recipe: "gti" },
          { path: "notes/sub", name: "notes" },
          { path: "other", name: "notes" },
        ],
      },
      "off",
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.keyPath, d.expected.split(" ").slice(0, 4).join(" ")]),
      [
        ["repositories[0].recipe", "a built-in recipe (git,"],
        ["repositories[1].name", "a repository name no"],
        ["repositories[1].path", "a root that is"],
        ["repositories[2].name", "a repository name no"],
      ],
    );
    assert.equal(result.diagnostics[0]!.hint, "did you mean 'git'?");
  });

  test("roots that overlap through a symlink are found", async () => {
    await symlink(repo, join(dir, "notes-link"));
    const result = await resolve(
      {
        version: 1,
        repositories: [{ path: "notes-link" }, { path: "notes/inner", name: "inner" }],
      },
      "off",
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.diagnostics.map((d) => d.keyPath),
      ["repositories[1].path"],
    );
  });

  test("a root that is missing or not a working copy: error for run, warning for validate", async () => {
    await mkdir(join(dir, "plain"));
    const raw = {
      version: 1,
      repositories: [{ path: "missing" }, { path: "plain", recipe: "hg" }],
    };
    const asRun = await resolve(raw, "error");
    assert.equal(asRun.ok, false);
    assert.deepEqual(
      asRun.diagnostics.map((d) => [d.severity, d.keyPath, d.found]),
      [
        ["error", "repositories[0].path", `no such directory: ${join(dir, "missing")}`],
        ["error", "repositories[1].path", `no .hg in ${join(dir, "plain")}`],
      ],
    );
    const asValidate = await resolve(raw, "warning");
    assert.ok(asValidate.ok);
    assert.deepEqual(
      asValidate.diagnostics.map((d) => d.severity),
      ["warning", "warning"],
    );
  });

  test("a secret's unset variable is a warning; an unset variable in a path is an error", async () => {
    const result = await resolve(
      {
        version: 1,
        repositories: [{ path: "$NOTES_DIR/x" }],
        channels: { mqtt: { url: "mqtt://127.0.0.1:1883", password: { env: "MQTT_PW" } } },
      },
      "off",
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.severity, d.keyPath]),
      [
        ["error", "repositories[0].path"],
        ["warning", "channels.mqtt.password"],
      ],
    );
  });

  test("a duration longer than a timer can wait is refused where it is written", async () => {
    const result = await resolve({
      version: 1,
      defaults: { timers: { pullInterval: "30d" } },
      notify: { desktop: { coalesce: "25d" } },
      repositories: [
        { path: "notes", pipeline: [{ on: ["pulled"], quietPeriod: "999h", do: ["push"] }] },
      ],
    });
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.diagnostics.map((d) => d.keyPath),
      [
        "defaults.timers.pullInterval",
        "repositories[0].pipeline[0].quietPeriod",
        "notify.desktop.coalesce",
      ],
    );
  });

  test("a recipe file is read relative to the config, and its problems point into it", async () => {
    const git = await readFile(new URL("../../../recipes/git.yaml", import.meta.url), "utf8");
    await mkdir(join(dir, "recipes"));
    await writeFile(join(dir, "recipes", "mine.yaml"), git.replace(/^kind: git$/m, "kind: svn"));
    const bad = await resolve({
      version: 1,
      repositories: [{ path: "notes", recipe: "recipes/mine.yaml" }],
    });
    assert.equal(bad.ok, false);
    const [problem] = bad.diagnostics;
    assert.equal(problem!.file, join("recipes", "mine.yaml"));
    assert.equal(problem!.keyPath, "kind");
    assert.equal(problem!.line, git.split("\n").findIndex((line) => line === "kind: git") + 1);

    await writeFile(join(dir, "recipes", "mine.yaml"), git.replace(/^name: git$/m, "name: mine"));
    const good = await resolve({
      version: 1,
      repositories: [{ path: "notes", recipe: "recipes/mine.yaml" }],
    });
    assert.ok(good.ok, JSON.stringify(good.diagnostics));
    assert.equal(good.config.repositories[0]!.recipe.name, "mine");
  });

  test("channels resolve with their defaults", async () => {
    const result = await resolve({
      version: 1,
      host: "laptop",
      repositories: [{ path: "notes" }],
      channels: {
        xmpp: {
          jid: "me@example.org",
          password: { command: "pass show xmpp" },
          alsoNotify: "you@example.org",
        },
        mqtt: { url: "mqtts://broker:8883", caFile: "~/ca.pem" },
        secret: { env: "HOME" },
      },
    });
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    assert.deepEqual(result.config.channels, {
      peers: { pullFromOrigin: false },
      xmpp: {
        jid: "me@example.org",
        password: { command: "pass show xmpp" },
        resource: "autosync-laptop",
        alsoNotify: ["you@example.org"],
        allowFrom: [],
      },
      mqtt: { url: "mqtts://broker:8883", topicPrefix: "autosync", caFile: join(dir, "ca.pem") },
      secret: { env: "HOME" },
    });
  });

  test("channels.xmpp.caFile is expanded like MQTT's, relative to the config file; an unset variable in it is an error there", async () => {
    const relative = await resolve({
      version: 1,
      repositories: [{ path: "notes" }],
      channels: {
        xmpp: { jid: "me@example.org", password: "pw", caFile: "certs/xmpp-ca.pem" },
        mqtt: { url: "mqtts://broker:8883", caFile: "~/broker-ca.pem" },
      },
    });
    assert.ok(relative.ok, JSON.stringify(relative.diagnostics));
    assert.equal(relative.config.channels.xmpp?.caFile, join(dir, "certs", "xmpp-ca.pem"));
    assert.equal(relative.config.channels.mqtt?.caFile, join(dir, "broker-ca.pem"));

    const unset = await resolve(
      {
        version: 1,
        repositories: [{ path: "notes" }],
        channels: {
          xmpp: { jid: "me@example.org", password: "pw", caFile: "$NO_SUCH_DIR/ca.pem" },
        },
      },
      "off",
    );
    assert.equal(unset.ok, false);
    assert.deepEqual(
      unset.diagnostics.filter((d) => d.severity === "error").map((d) => d.keyPath),
      ["channels.xmpp.caFile"],
    );
  });

  test("the schema's documented defaults are the ones the code applies", () => {
    const defs = readSchema("autosync").$defs as Record<
      string,
      { properties: Record<string, { default?: unknown }> }
    >;
    for (const key of ["timers", "deletionGuard", "largeFiles", "watcher"] as const) {
      for (const [name, value] of Object.entries(CONFIG_DEFAULTS[key])) {
        assert.deepEqual(defs[key]!.properties[name]!.default, value, `${key}.${name}`);
      }
    }
    assert.equal(defs.repositorySettings!.properties.recipe!.default, CONFIG_DEFAULTS.recipe);
    assert.equal(parseDuration(CONFIG_DEFAULTS.timers.commitDelay), 2000);
  });
});
