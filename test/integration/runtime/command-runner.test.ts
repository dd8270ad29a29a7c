import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner, runCommand } from "../../../src/runtime/command-runner.js";
import { makeTempDir } from "../../support/temp-dir.js";

// Real processes (sh, cat, sleep) in a temp dir: the runner is the one edge every DVCS command
// goes through, so what it hands back must be exactly what the command did.
let dir: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ dir, cleanup } = await makeTempDir("autosync-runner-"));
});
after(() => cleanup());

const sh = (script: string, ...args: string[]) => ["sh", "-c", script, "sh", ...args];

describe("processRunner", () => {
  test("stdout, stderr and the exit code come back as the command wrote them", async () => {
    const ok = await processRunner.run(sh('printf "out\\n"; printf "err\\n" >&2'), { cwd: dir });
    assert.equal(ok.failed, false);
    assert.equal(ok.exitCode, 0);
    assert.equal(ok.stdout, "out\n", "the final newline is kept");
    assert.equal(ok.stderr, "err\n");
    assert.equal(ok.shortMessage, `sh -c printf "out\\n"; printf "err\\n" >&2 sh ok`);
    assert.equal(ok.cwd, dir);

    const bad = await processRunner.run(sh("echo first >&2; echo last >&2; exit 3"), { cwd: dir });
    assert.equal(bad.failed, true);
    assert.equal(bad.exitCode, 3);
    assert.equal(bad.signal, undefined);
    assert.equal(bad.timedOut, false);
    assert.match(bad.shortMessage, / failed \(exit 3\): last$/);
  });

  test("names with spaces, newlines, leading dashes and unicode reach the command verbatim", async () => {
    const names = ["a b", "line\nbreak", "--force", "-", "ünï cödé ✓", "$(touch pwned)", "*"];
    const result = await processRunner.run(sh('printf "%s\\0" "$@"', ...names), { cwd: dir });
    assert.equal(result.failed, false);
    assert.deepEqual(result.stdout.split("\0").slice(0, -1), names);
    await assert.rejects(readFile(join(dir, "pwned")), "no shell ran the name");
  });

  test("a command that cannot start is a failed result, not an exception", async () => {
    const missing = await processRunner.run(["autosync-no-such-command", "x"], { cwd: dir });
    assert.equal(missing.failed, true);
    assert.equal(missing.exitCode, undefined);
    assert.match(missing.shortMessage, /autosync-no-such-command x failed \(ENOENT\)/);
    const nul = await processRunner.run(["printf", "a\0b"], { cwd: dir });
    assert.equal(nul.failed, true);
    const noCwd = await processRunner.run(["true"], { cwd: join(dir, "gone") });
    assert.equal(noCwd.failed, true);
  });

  test("a timeout stops the command and says so", async () => {
    const started = performance.now();
    const result = await processRunner.run(["sleep", "30"], { cwd: dir, timeoutMs: 200 });
    assert.equal(result.timedOut, true);
    assert.equal(result.failed, true);
    assert.equal(result.signal, "SIGTERM");
    assert.match(result.shortMessage, /sleep 30 failed \(timed out\)/);
    assert.ok(performance.now() - started < 20_000, "it did not wait for sleep 30");
  });

  test("with killProcessGroup a timeout also ends the helpers that hold the output open", async () => {
    // The background sleep inherits stdout: killing sh alone would leave the result waiting.
    const pidFile = join(dir, "helper.pid");
    const started = performance.now();
    const result = await processRunner.run(sh(`sleep 30 & echo $! > "$1"; wait`, pidFile), {
      cwd: dir,
      timeoutMs: 300,
      killProcessGroup: true,
    });
    assert.equal(result.timedOut, true);
    assert.ok(performance.now() - started < 20_000, "it did not wait for the helper");
    const helper = Number((await readFile(pidFile, "utf8")).trim());
    const alive = () => {
      try {
        process.kill(helper, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 10_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(), false, "the helper was killed with its group");
  });

  test("input goes to stdin, and binary output comes back byte for byte", async () => {
    const bytes = Uint8Array.from([0, 0xff, 0xfe, 0x80, 10, 0xc3]);
    const result = await processRunner.run(["cat"], {
      cwd: dir,
      input: bytes,
      binaryOutput: true,
    });
    assert.equal(result.failed, false);
    assert.deepEqual(Uint8Array.from(result.stdoutBytes ?? []), bytes);
    const text = await processRunner.run(["cat"], { cwd: dir, input: "hé\n" });
    assert.equal(text.stdout, "hé\n");
    assert.equal(text.stdoutBytes, undefined);
  });

  test("a command that exits without reading its input is not an error of the runner", async () => {
    const result = await processRunner.run(["true"], { cwd: dir, input: "x".repeat(4 << 20) });
    assert.equal(result.failed, false);
    assert.equal(result.exitCode, 0);
  });

  test("multi-byte characters split across reads are decoded whole", async () => {
    const file = join(dir, "unicode.txt");
    // 1 MB of 3-byte characters after one ASCII byte: reads of 64 KiB split characters.
    const content = "x" + "✓".repeat(350_000);
    await writeFile(file, content);
    const result = await processRunner.run(["cat", file], { cwd: dir });
    assert.equal(result.stdout.length, content.length);
    assert.equal(result.stdout, content);
  });

  test("env adds to the process environment; inheritEnv: false passes env alone", async () => {
    const added = await processRunner.run(sh('printf "%s|%s" "$AUTOSYNC_T" "$PATH"'), {
      cwd: dir,
      env: { AUTOSYNC_T: "set" },
    });
    assert.equal(added.stdout, `set|${process.env.PATH}`);
    const alone = await runCommand(
      ["/bin/sh", "-c", 'printf "%s|%s" "$AUTOSYNC_T" "${HOME-unset}"'],
      {
        cwd: dir,
        env: { AUTOSYNC_T: "only" },
        inheritEnv: false,
      },
    );
    assert.equal(alone.stdout, "only|unset");
  });
});
