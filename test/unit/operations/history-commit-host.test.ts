import { test } from "node:test";
import assert from "node:assert/strict";
import { commitHost as hostOfCommitMessage } from "../../../src/conflicts/commit-host.js";
import { buildCommitMessage } from "../../../src/engine/commit-message.js";
import { engineMessages } from "../../../src/messages/engine-messages.js";
import { operationsMessages } from "../../../src/messages/operations-messages.js";
import { historyMessages } from "../../../src/messages/history-messages.js";

test("every message autosync writes, a restore's too, names the machine that wrote it", () => {
  const entries = [{ path: "autosync other: x.md", action: "added" as const }];
  assert.equal(hostOfCommitMessage(buildCommitMessage("laptop", entries)), "laptop");
  assert.equal(hostOfCommitMessage(buildCommitMessage("desk-1", entries, "my words")), "desk-1");
  assert.equal(hostOfCommitMessage(engineMessages.pullCommitMessage("vm.local")), "vm.local");
  assert.equal(hostOfCommitMessage(operationsMessages.mergeMessage("nas", "origin/main")), "nas");
  assert.equal(
    hostOfCommitMessage(
      historyMessages.restoreCommit("pi", "a b.md", "2026-12-01 14:00 UTC", "3f2a"),
    ),
    "pi",
  );
});

test("a commit made by hand names no machine, even when it mentions one", () => {
  assert.equal(hostOfCommitMessage("fix typo"), undefined);
  assert.equal(hostOfCommitMessage("talk about autosync laptop config\n\nmore"), undefined);
  assert.equal(hostOfCommitMessage(""), undefined);
});
