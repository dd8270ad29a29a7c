import { test } from "node:test";
import assert from "node:assert/strict";
import { gitOfflineReason } from "../../../src/operations/git-offline.js";
import { chunkPaths, splitNul } from "../../../src/operations/recipe-commands.js";
import type { CommandResult } from "../../../src/runtime/command-runner.js";

function failed(stderr: string, extra: Partial<CommandResult> = {}): CommandResult {
  return {
    argv: ["git", "push"],
    cwd: "/r",
    exitCode: 128,
    signal: undefined,
    stdout: "",
    stderr,
    durationMs: 1,
    timedOut: false,
    failed: true,
    shortMessage: "git push failed",
    ...extra,
  };
}

test("unreachable remotes are offline with the telling line as the reason", () => {
  assert.equal(
    gitOfflineReason(
      failed(
        "fatal: '/mnt/usb/notes.git' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n",
      ),
    ),
    "'/mnt/usb/notes.git' does not appear to be a git repository",
  );
  assert.equal(
    gitOfflineReason(
      failed(
        "ssh: Could not resolve hostname nas.lan: Name or service not known\nfatal: Could not read from remote repository.\n",
      ),
    ),
    "Could not resolve hostname nas.lan: Name or service not known",
  );
  assert.match(
    gitOfflineReason(
      failed(
        "fatal: unable to access 'https://h/x/': Failed to connect to h port 443: Connection refused\n",
      ),
    ) ?? "",
    /Connection refused/,
  );
  assert.equal(
    gitOfflineReason(failed("", { timedOut: true, exitCode: undefined })),
    "git push timed out",
  );
});

test("a refusal by a reachable remote is not offline", () => {
  assert.equal(
    gitOfflineReason(failed("remote: policy says no\nerror: failed to push some refs to 'x'\n")),
    undefined,
  );
  assert.equal(gitOfflineReason({ ...failed(""), failed: false }), undefined);
});

test("long path lists are chunked below the limit, nothing lost or reordered", () => {
  const paths = Array.from({ length: 5000 }, (_, i) => `dir/${"x".repeat(i % 50)}-${i}`);
  const chunks = chunkPaths(paths, 10_000);
  assert.ok(chunks.length > 1);
  assert.ok(chunks.every((chunk) => chunk.join(" ").length <= 10_000));
  assert.deepEqual(chunks.flat(), paths);
  assert.deepEqual(chunkPaths([]), []);
});

test("NUL-separated output splits without empty fields", () => {
  assert.deepEqual(splitNul("a\0b c\0new\nline\0"), ["a", "b c", "new\nline"]);
  assert.deepEqual(splitNul(""), []);
});
