import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import {
  AUTOSYNC_MAIN,
  FAST_TIMERS,
  SyncFixture,
  nodeBinary,
  waitForRemote,
  writeFileIn,
  type AutosyncProcess,
} from "../../support/sync-fixture.js";
import { waitFor } from "../../support/wait-for.js";

/**
 * Live reload against a real `autosync run` (dist/cli/main.js: `npm run build` first): the
 * daemon takes new repositories from `autosync clone`, stops removed ones, applies changed
 * timers on SIGHUP, and refuses an invalid config while the old one keeps syncing.
 */

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function autosync(fixture: SyncFixture, cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      nodeBinary(),
      [AUTOSYNC_MAIN, ...args],
      { cwd, env: fixture.env, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function reloadedEvents(proc: AutosyncProcess): string[] {
  return proc.events.flatMap((event) =>
    event.type === "info" && event.message.startsWith("config reloaded") ? [event.message] : [],
  );
}

async function statusRepos(fixture: SyncFixture, configPath: string): Promise<string[]> {
  const status = await autosync(
    fixture,
    dirname(configPath),
    "status",
    "--json",
    "--config",
    configPath,
  );
  assert.equal(status.code, 0, status.stderr);
  const parsed = JSON.parse(status.stdout) as { repositories: { repo: string }[] };
  return parsed.repositories.map((repo) => repo.repo);
}

describe("live reload of a running daemon", () => {
  test("clone makes the daemon sync the new repository; SIGHUP stops a removed one and applies new timers", async (t) => {
    const fixture = await SyncFixture.create(t, { copies: 1, prefix: "autosync-reload-" });
    const copy = fixture.copy(0);
    const proc = await fixture.start(copy);
    await proc.waitStartupSync();

    const second = join(fixture.dir, "zweite Kopie ü");
    const cloned = await autosync(
      fixture,
      fixture.dir,
      "clone",
      fixture.remote,
      second,
      "--config",
      copy.configPath,
    );
    assert.equal(cloned.code, 0, `${cloned.stderr}\n${proc.describe()}`);
    assert.match(
      cloned.stdout,
      /The running daemon reloaded its config: config reloaded: started zweite Kopie ü/,
    );
    assert.deepEqual(await statusRepos(fixture, copy.configPath), ["notes", "zweite Kopie ü"]);
    await writeFileIn(second, "from the clone.md", "written on the new repository\n");
    await waitForRemote(fixture, "the new repository's file pushed", (tree) =>
      tree.has("from the clone.md"),
    );
    assert.ok(existsSync(join(second, ".git", "autosync-instance.json")), "the daemon locks it");

    // SIGHUP: the clone is gone from the config, notes gets another commit delay.
    await fixture.writeConfig(copy, { timers: { ...FAST_TIMERS, commitDelay: "250ms" } });
    const since = proc.events.length;
    proc.child.kill("SIGHUP");
    const reloaded = await proc.waitForEvent(
      "the reload after SIGHUP",
      (event) => event.type === "info" && event.message.startsWith("config reloaded"),
      { since },
    );
    assert.equal(
      reloaded.type === "info" ? reloaded.message : "",
      "config reloaded: stopped zweite Kopie ü; restarted notes",
    );
    assert.ok(proc.running, proc.describe());
    assert.deepEqual(await statusRepos(fixture, copy.configPath), ["notes"]);
    assert.equal(
      existsSync(join(second, ".git", "autosync-instance.json")),
      false,
      "lock released",
    );
    await writeFileIn(copy.path, "after reload.md", "still synced\n");
    await waitForRemote(fixture, "notes still synced after the reload", (tree) =>
      tree.has("after reload.md"),
    );

    // `autosync remove` of a repository that is not there changes nothing; add brings it back.
    const added = await autosync(fixture, fixture.dir, "add", second, "--config", copy.configPath);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /started zweite Kopie ü/);
    const removed = await autosync(
      fixture,
      fixture.dir,
      "remove",
      second,
      "--config",
      copy.configPath,
    );
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /config reloaded: stopped zweite Kopie ü/);
    assert.ok(existsSync(join(second, "from the clone.md")), "remove never touches the files");
  });

  test("an invalid config is refused with validate's lines, by reload and by SIGHUP, and the old one keeps syncing", async (t) => {
    const fixture = await SyncFixture.create(t, { copies: 1, prefix: "autosync-reload-bad-" });
    const copy = fixture.copy(0);
    const proc = await fixture.start(copy);
    await proc.waitStartupSync();
    const cwd = dirname(copy.configPath);

    const config = fixture.configFor(copy) as { defaults: Record<string, unknown> };
    const broken = {
      ...config,
      defaults: { ...config.defaults, timers: { ...FAST_TIMERS, commitDelay: "soon" } },
    };
    await writeFile(copy.configPath, stringify(broken));
    const validate = await autosync(fixture, cwd, "validate", copy.configPath);
    assert.equal(validate.code, 1);
    const validateLines = validate.stdout.trimEnd().split("\n").slice(0, -1);
    assert.ok(validateLines.length >= 1);

    const reload = await autosync(fixture, cwd, "reload", "--config", copy.configPath);
    assert.equal(reload.code, 1, reload.stdout);
    assert.equal(
      reload.stderr,
      [
        "config not reloaded: it has 1 problem; the running configuration stays",
        ...validateLines,
        "",
      ].join("\n"),
    );

    const since = proc.events.length;
    proc.child.kill("SIGHUP");
    const logged = await proc.waitForEvent(
      "the refused reload logged",
      (event) => event.type === "error" && event.message.startsWith("config not reloaded"),
      { since },
    );
    assert.equal(logged.type === "error" ? logged.message : "", reload.stderr.trimEnd());
    assert.ok(proc.running, proc.describe());
    assert.deepEqual(reloadedEvents(proc), []);
    await writeFileIn(copy.path, "old config.md", "the running configuration stays\n");
    await waitForRemote(fixture, "a change synced with the old config", (tree) =>
      tree.has("old config.md"),
    );
  });

  test("a repository another autosync holds is reported by the reload, and the daemon keeps running", async (t) => {
    const fixture = await SyncFixture.create(t, { copies: 2, prefix: "autosync-reload-lock-" });
    const [first, second] = [fixture.copy(0), fixture.copy(1)];
    const a = await fixture.start(first);
    const b = await fixture.start(second);
    await Promise.all([a.waitStartupSync(), b.waitStartupSync()]);
    const config = fixture.configFor(first) as { repositories: unknown[] };
    await writeFile(
      first.configPath,
      stringify({
        ...config,
        repositories: [...config.repositories, { path: second.path, name: "held" }],
      }),
    );
    const reload = await autosync(
      fixture,
      dirname(first.configPath),
      "reload",
      "--config",
      first.configPath,
    );
    assert.equal(reload.code, 0, reload.stderr);
    assert.match(
      reload.stdout,
      /^config reloaded: could not start held\nreload: held not started: .*already/m,
    );
    assert.ok(a.running && b.running, a.describe());
    await waitFor(
      "status lists only notes",
      async () => (await statusRepos(fixture, first.configPath)).join() === "notes",
    );
  });
});
