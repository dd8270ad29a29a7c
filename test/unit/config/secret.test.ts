import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { resolveSecret, SecretError } from "../../../src/config/secret.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { makeTempDir } from "../../support/temp-dir.js";

describe("secrets", () => {
  test("an env secret reads the variable, and an unset one fails with its name", async () => {
    assert.equal(await resolveSecret({ env: "PW" }, { PW: "s3cret" }), "s3cret");
    await assert.rejects(resolveSecret({ env: "PW" }, {}), (error: unknown) => {
      assert.ok(error instanceof SecretError);
      assert.match(error.message, /PW is not set/);
      return true;
    });
  });

  test("a command secret is the command's output without the final newline", async () => {
    const env = { PATH: process.env.PATH, WHO: "world" };
    assert.equal(await resolveSecret({ command: 'printf "hello $WHO\\n"' }, env), "hello world");
    await assert.rejects(resolveSecret({ command: "echo nope >&2; exit 3" }, env), /exit 3: nope/);
    await assert.rejects(resolveSecret({ command: "true" }, env), /printed nothing/);
  });

  test("an inline secret is the value itself", async () => {
    assert.equal(await resolveSecret({ value: "inline" }, {}), "inline");
  });

  describe("inline secrets and file modes", async () => {
    const { dir, cleanup } = await makeTempDir("autosync-secret-");
    after(cleanup);
    const text = [
      "version: 1",
      "repositories: [{ path: . }]",
      "channels:",
      "  xmpp: { jid: me@example.org, password: hunter2 }",
      "",
    ].join("\n");
    const file = join(dir, "autosync.config.yaml");

    test("a file readable by others gets a warning at the secret", async () => {
      await writeFile(file, text);
      await chmod(file, 0o644);
      const result = await loadConfig({ cwd: dir, env: { HOME: dir }, rootChecks: "off" });
      assert.ok(result.ok);
      const warnings = result.diagnostics.filter((d) => d.keyPath === "channels.xmpp.password");
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]!.severity, "warning");
      assert.equal(warnings[0]!.line, 4);
      assert.match(warnings[0]!.found!, /mode 0644/);
      assert.deepEqual(result.config.channels.xmpp?.password, { value: "hunter2" });
    });

    test("a file only the owner can read gets none", async () => {
      await chmod(file, 0o600);
      const result = await loadConfig({ cwd: dir, env: { HOME: dir }, rootChecks: "off" });
      assert.ok(result.ok);
      assert.deepEqual(result.diagnostics, []);
    });
  });
});
