import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { execa } from "execa";
import {
  isMailboxRefLine,
  mailboxHost,
  mailboxHostPart,
  mailboxName,
  mailboxOnly,
  withoutMailbox,
} from "../../../src/operations/git-mailbox.js";

const AWKWARD_HOSTS = [
  "laptop",
  "-rf",
  "--upload-pack=x",
  "host.with..dots.lock",
  "ünïcödé-机器",
  "with space\nand newline",
  "...",
  "",
  "a".repeat(300),
  "refs/heads/main",
  "@{-1}",
  "x.lock",
];

test("a mailbox name from any host is one valid ref component, unique per working copy", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "autosync-mailbox-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const host of AWKWARD_HOSTS) {
    const gitDir = await mkdtemp(join(dir, "git-"));
    const name = await mailboxName(gitDir, host);
    assert.match(name, /^[A-Za-z0-9_][A-Za-z0-9_-]{0,39}-[0-9a-f]{6}$/, JSON.stringify(host));
    await execa("git", ["check-ref-format", `refs/heads/synced/${name}`]);
    await execa("git", ["check-ref-format", "--branch", `synced/${name}`]);
    assert.equal(await mailboxName(gitDir, host), name, "kept once created");
    assert.equal(mailboxHost(name), mailboxHostPart(host));
    const other = await mkdtemp(join(dir, "git-"));
    assert.notEqual(await mailboxName(other, host), name, "another working copy, another name");
  }
});

test("a damaged mailbox file gives a new valid name instead of a bad ref", async (t) => {
  const gitDir = await mkdtemp(join(tmpdir(), "autosync-mailbox-"));
  t.after(() => rm(gitDir, { recursive: true, force: true }));
  await writeFile(join(gitDir, "autosync-mailbox"), "../../main\n");
  const name = await mailboxName(gitDir, "laptop");
  assert.match(name, /^laptop-[0-9a-f]{6}$/);
  assert.equal((await readFile(join(gitDir, "autosync-mailbox"), "utf8")).trim(), name);
});

test("the push argv loses exactly the mailbox refspec; porcelain lines are told apart", () => {
  const template = [
    "git",
    "push",
    "{remote}",
    "HEAD:refs/heads/{remoteBranch}",
    "+HEAD:refs/heads/synced/{mailbox}",
  ];
  const argv = [
    "git",
    "push",
    "origin",
    "HEAD:refs/heads/main",
    "+HEAD:refs/heads/synced/a-123abc",
  ];
  assert.deepEqual(withoutMailbox(template, argv), argv.slice(0, 4));
  assert.equal(
    isMailboxRefLine("!\tHEAD:refs/heads/synced/a-123abc\t[remote rejected] (hook declined)"),
    true,
  );
  assert.equal(isMailboxRefLine("!\tHEAD:refs/heads/main\t[rejected] (fetch first)"), false);
  assert.equal(isMailboxRefLine("*\tHEAD:refs/heads/synced-notes\t[new branch]"), false);
});

test("the mailbox-only push keeps the program, options and remote, drops main and --set-upstream", () => {
  const options = ["--porcelain", "--set-upstream", "--no-verify"];
  const template = ["git", "push", ...options, "{remote}", "HEAD:refs/heads/{remoteBranch}"];
  const argv = ["git", "push", ...options, "origin", "HEAD:refs/heads/"];
  const mailboxTemplate = [...template, "+HEAD:refs/heads/synced/{mailbox}"];
  const mailboxArgv = [...argv, "+HEAD:refs/heads/synced/alpha-0a1b2c"];
  assert.deepEqual(mailboxOnly(mailboxTemplate, mailboxArgv), [
    "git",
    "push",
    "--porcelain",
    "--no-verify",
    "origin",
    "+HEAD:refs/heads/synced/alpha-0a1b2c",
  ]);
  // Without a mailbox or a remote element there is nothing to send it with.
  assert.equal(mailboxOnly(template, argv), undefined);
  assert.equal(
    mailboxOnly(
      ["git", "push", "origin", "+HEAD:refs/heads/synced/{mailbox}"],
      ["git", "push", "origin", "+HEAD:refs/heads/synced/x-000000"],
    ),
    undefined,
  );
});
