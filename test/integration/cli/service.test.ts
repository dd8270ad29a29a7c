import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import type { CliIo } from "../../../src/cli/command.js";
import { runCli } from "../../../src/cli/run-cli.js";
import { systemdQuote } from "../../../src/cli/systemd-unit.js";
import { makeTempDir } from "../../support/temp-dir.js";

const run = promisify(execFile);

function io(
  cwd: string,
  env: NodeJS.ProcessEnv,
): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdout, stderr, env, cwd }, out: () => out, err: () => err };
}

function systemdAnalyzeMissing(): boolean {
  try {
    execFileSync("systemd-analyze", ["--version"], { stdio: "ignore" });
    return false;
  } catch {
    return true;
  }
}

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const temp = await makeTempDir("autosync-service-");
  t.after(temp.cleanup);
  const home = join(temp.dir, "home");
  await mkdir(home, { recursive: true });
  // A path systemd would misread unquoted: a space, a % specifier and a $ variable.
  const configDir = join(temp.dir, "my config $HOME");
  await mkdir(configDir, { recursive: true });
  const configPath = join(configDir, "autosync 100%.yaml");
  await writeFile(
    configPath,
    "version: 1\nhost: laptop\ndefaults: { recipe: git }\nrepositories: [{ path: /srv/notes, name: notes }]\n",
  );
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config") };
  return {
    dir: temp.dir,
    home,
    configPath,
    env,
    unit: join(home, ".config", "systemd", "user", "autosync.service"),
  };
}

describe("autosync service", () => {
  test("--dry-run prints a unit with absolute node, CLI and config paths, and writes nothing", async (t) => {
    const { dir, configPath, env, unit } = await setup(t);
    const cli = io(dir, env);
    assert.equal(
      await runCli(["service", "install", "--config", configPath, "--dry-run"], cli.io),
      0,
      cli.err(),
    );
    const text = cli.out();
    const execStart = text.split("\n").find((line) => line.startsWith("ExecStart="));
    assert.ok(execStart, text);
    assert.ok(execStart.startsWith(`ExecStart=${systemdQuote(process.execPath)} "/`), execStart);
    assert.ok(
      execStart.endsWith(`"run" "--no-tui" "--config" ${systemdQuote(configPath)}`),
      execStart,
    );
    assert.match(execStart, /my config \$\$HOME\/autosync 100%%\.yaml"$/);
    assert.match(text, /^Restart=on-failure$/m);
    assert.match(text, /^StandardOutput=journal$/m);
    assert.match(text, /^WantedBy=default\.target$/m);
    assert.equal(existsSync(unit), false);
  });

  test("install writes the unit under XDG_CONFIG_HOME and says how to enable it; uninstall removes it", async (t) => {
    const { dir, configPath, env, unit } = await setup(t);
    const dry = io(dir, env);
    await runCli(["service", "install", "--config", configPath, "--dry-run"], dry.io);
    const cli = io(dir, env);
    assert.equal(
      await runCli(["service", "install", "--config", configPath], cli.io),
      0,
      cli.err(),
    );
    assert.equal(await readFile(unit, "utf8"), dry.out());
    assert.match(
      cli.out(),
      /systemctl --user daemon-reload && systemctl --user enable --now autosync/,
    );
    const removed = io(dir, env);
    assert.equal(await runCli(["service", "uninstall"], removed.io), 0);
    assert.equal(existsSync(unit), false);
    assert.match(removed.out(), /systemctl --user disable --now autosync/);
    const again = io(dir, env);
    assert.equal(await runCli(["service", "uninstall"], again.io), 0);
    assert.match(again.out(), /Nothing to remove/);
  });

  test(
    "the unit passes systemd-analyze verify",
    { skip: systemdAnalyzeMissing() && "systemd-analyze is not installed" },
    async (t) => {
      const { dir, configPath, env } = await setup(t);
      const cli = io(dir, env);
      await runCli(["service", "install", "--config", configPath, "--dry-run"], cli.io);
      const file = join(dir, "autosync.service");
      await writeFile(file, cli.out());
      const { stderr } = await run("systemd-analyze", ["verify", file]);
      assert.doesNotMatch(stderr, /autosync\.service/, stderr);
    },
  );

  test("a missing or invalid config is refused before anything is written", async (t) => {
    const { dir, configPath, env, unit } = await setup(t);
    const missing = io(dir, env);
    assert.equal(
      await runCli(["service", "install", "--config", join(dir, "nope.yaml")], missing.io),
      1,
    );
    assert.match(missing.err(), /nope\.yaml/);
    await writeFile(configPath, "version: 1\nrepositories: 7\n");
    const invalid = io(dir, env);
    assert.equal(await runCli(["service", "install", "--config", configPath], invalid.io), 1);
    assert.match(invalid.err(), /has errors; fix them first/);
    assert.equal(existsSync(unit), false);
    const usage = io(dir, env);
    assert.equal(await runCli(["service", "restart"], usage.io), 2);
  });
});
