import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCli } from "../../../src/cli/run-cli.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { captureIo } from "./cli-io.js";

const fixture = fileURLToPath(
  new URL("../../fixtures/config/legacy-autosync.ini", import.meta.url),
);

describe("autosync init", async () => {
  const { dir, cleanup } = await makeTempDir("autosync-init-");
  after(cleanup);
  const env = { HOME: dir, PATH: process.env.PATH };
  const cli = async (args: string[]) => {
    const io = captureIo(dir, env);
    return { code: await runCli(args, io), out: io.out(), err: io.err() };
  };

  test("in a working copy it writes a config for that working copy which validates cleanly", async () => {
    const wc = join(dir, "wc");
    execFileSync("hg", ["init", wc]);
    const written = await cli(["init", "wc"]);
    assert.equal(written.code, 0, written.err);
    const file = join(wc, "autosync.config.yaml");
    const text = await readFile(file, "utf8");
    assert.match(text, /^# yaml-language-server: \$schema=.*autosync\.schema\.json$/m);
    assert.match(text, /recipe: hg/);
    assert.match(text, /- path: \.$/m);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const checked = await cli(["validate", file, "--strict"]);
    assert.equal(checked.code, 0, checked.out);
  });

  test("elsewhere it writes the ~/notes example, valid apart from the missing root", async () => {
    const plain = join(dir, "plain");
    await mkdir(plain);
    assert.equal((await cli(["init", plain, "--recipe", "bzr"])).code, 0);
    const checked = await cli([
      "validate",
      join(plain, "autosync.config.yaml"),
      "--format",
      "json",
    ]);
    assert.equal(checked.code, 0, checked.out);
    const report = JSON.parse(checked.out) as {
      diagnostics: Array<{ keyPath: string; severity: string }>;
    };
    assert.deepEqual(
      report.diagnostics.map((d) => [d.severity, d.keyPath]),
      [["warning", "repositories[0].path"]],
    );
  });

  test("it refuses to overwrite an existing config and leaves it untouched", async () => {
    const existing = join(dir, "existing");
    await mkdir(existing);
    await writeFile(join(existing, "autosync.config.yaml"), "mine\n");
    const refused = await cli(["init", existing]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /already exists; not overwriting/);
    assert.equal(await readFile(join(existing, "autosync.config.yaml"), "utf8"), "mine\n");
  });

  test("a bad --recipe is a usage error", async () => {
    assert.equal((await cli(["init", dir, "--recipe", "svn"])).code, 2);
  });
});

describe("autosync import-legacy", async () => {
  const { dir, cleanup } = await makeTempDir("autosync-legacy-");
  after(cleanup);
  const env = { HOME: dir, PATH: process.env.PATH };

  test("the dvcs-autosync example converts into a config that validates", async () => {
    const io = captureIo(dir, env);
    assert.equal(await runCli(["import-legacy", fixture], io), 0, io.err());
    const yaml = io.out();
    assert.match(yaml, /- path: ~\/amw/);
    assert.match(yaml, /pidfile: ~\/\.autosync\.pid/);
    assert.match(yaml, /commitDelay: 5s/);
    assert.match(yaml, /patterns: \[.*src\/packages\/.*src\/cpp\/cryptopp\/\]/);
    assert.doesNotMatch(yaml, /\.git\//, "the recipe ignores .git itself");
    assert.match(yaml, /password: \{ env: AUTOSYNC_XMPP_PASSWORD \}/);
    assert.doesNotMatch(yaml, /your XMPP password here/, "the password is never copied");
    assert.doesNotMatch(yaml, /^\s*alsoNotify:/m, "the example's alsonotify is not a JID");
    assert.match(yaml, /recipe: git/);
    assert.match(yaml, /pulllock = conservative/);
    assert.match(yaml, /statuscmd/);
    await writeFile(join(dir, "converted.yaml"), yaml);
    const check = captureIo(dir, env);
    const code = await runCli(["validate", "converted.yaml", "--format", "json"], check);
    assert.equal(code, 0, check.out());
    const report = JSON.parse(check.out()) as {
      diagnostics: Array<{ keyPath: string; severity: string }>;
    };
    assert.ok(report.diagnostics.every((d) => d.severity === "warning"));
    assert.deepEqual(
      report.diagnostics.map((d) => d.keyPath),
      ["repositories[0].path", "channels.xmpp.password"],
    );
  });

  test("a real JID and alsonotify carry over; ~/.autosync is the default file", async () => {
    const legacy = (await readFile(fixture, "utf8"))
      .replace("your XMPP id here", "me@jabber.example")
      .replace(/alsonotify = .*/, "alsonotify = you@jabber.example");
    await writeFile(join(dir, ".autosync"), legacy);
    const io = captureIo(dir, env);
    assert.equal(await runCli(["import-legacy"], io), 0, io.err());
    assert.match(io.out(), /jid: me@jabber\.example/);
    assert.match(io.out(), /alsoNotify: you@jabber\.example/);
  });

  test("a missing file is exit 1 with the path", async () => {
    const io = captureIo(dir, env);
    assert.equal(await runCli(["import-legacy", "nope.ini"], io), 1);
    assert.match(io.err(), /cannot read .*nope\.ini \(ENOENT\)/);
  });
});

describe("legacy values written as YAML", () => {
  test("strings YAML would read as something else are quoted and read back unchanged", async () => {
    const { yamlScalar } = await import("../../../src/cli/commands/import-legacy.js");
    const { parse } = await import("yaml");
    const values = [
      "~/amw",
      "yes",
      "no",
      "on",
      "1.0",
      "0x10",
      "a: b",
      "#x",
      "~",
      "- x",
      "[x]",
      "{a}",
      "null",
      "it's",
      'say "hi"',
      " lead",
      "trail ",
      "a #b",
      "@home",
      "%d",
      "tab\there",
      "ünï cödé",
      "*alias",
      "&anchor",
      "!tag",
      "|",
      ">",
    ];
    for (const value of values) {
      assert.equal(parse(`key: ${yamlScalar(value)}`).key, value, value);
    }
  });
});
