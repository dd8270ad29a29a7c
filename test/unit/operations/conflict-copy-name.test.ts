import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { conflictCopyName, isConflictCopy } from "../../../src/operations/conflict-copy-name.js";

const NOW = Date.UTC(2026, 10, 25, 13, 45, 1);
const bytes = (text: string) => new TextEncoder().encode(text);
const hash6 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 6);

test("the copy keeps the extension last and names host, UTC time and a content hash", () => {
  assert.equal(
    conflictCopyName("notes.md", "laptop", NOW, bytes("local")),
    `notes (conflict laptop 2026-11-25 134501 ${hash6("local")}).md`,
  );
  assert.equal(
    conflictCopyName("dir/sub dir/notes.md", "laptop", NOW, bytes("x")),
    `dir/sub dir/notes (conflict laptop 2026-11-25 134501 ${hash6("x")}).md`,
  );
});

test("dotfiles, names without extension and multi-dot names", () => {
  const h = hash6("");
  assert.equal(
    conflictCopyName(".bashrc", "pc", NOW, bytes("")),
    `.bashrc (conflict pc 2026-11-25 134501 ${h})`,
  );
  assert.equal(
    conflictCopyName("Makefile", "pc", NOW, bytes("")),
    `Makefile (conflict pc 2026-11-25 134501 ${h})`,
  );
  assert.equal(
    conflictCopyName("a.tar.gz", "pc", NOW, bytes("")),
    `a.tar (conflict pc 2026-11-25 134501 ${h}).gz`,
  );
  assert.equal(
    conflictCopyName(".config.yaml", "pc", NOW, bytes("")),
    `.config (conflict pc 2026-11-25 134501 ${h}).yaml`,
  );
  assert.equal(
    conflictCopyName("trailing.", "pc", NOW, bytes("")),
    `trailing. (conflict pc 2026-11-25 134501 ${h})`,
  );
});

test("two machines with the same host name at the same second get different names for different contents", () => {
  const one = conflictCopyName("notes.md", "container", NOW, bytes("from the first clone"));
  const two = conflictCopyName("notes.md", "container", NOW, bytes("from the second clone"));
  assert.notEqual(one, two);
  assert.equal(one, conflictCopyName("notes.md", "container", NOW, bytes("from the first clone")));
});

test("host names cannot add path separators; long names stay within 255 bytes", () => {
  const name = conflictCopyName("a.md", "evil/../host", NOW, bytes(""));
  assert.ok(!name.slice(0, name.indexOf(")")).includes("/"));
  const long = conflictCopyName(`dir/${"ü".repeat(200)}.md`, "host", NOW, bytes(""));
  const base = long.slice("dir/".length);
  assert.ok(Buffer.byteLength(base) <= 255, `${Buffer.byteLength(base)} bytes`);
  assert.ok(base.endsWith(").md"));
});

test("a later attempt appends a counter", () => {
  assert.equal(
    conflictCopyName("n.md", "h", NOW, bytes(""), 2),
    `n (conflict h 2026-11-25 134501 ${hash6("")} 2).md`,
  );
});

test("conflict copies are recognised, ordinary names are not", () => {
  for (const path of [
    conflictCopyName("notes.md", "laptop", NOW, bytes("x")),
    conflictCopyName("dir/.bashrc", "laptop", NOW, bytes("x")),
    conflictCopyName("a.tar.gz", "my host (2)", NOW, bytes("x"), 3),
    "notes (conflict laptop 2026-11-25 134501).md",
  ]) {
    assert.ok(isConflictCopy(path), path);
  }
  for (const path of [
    "notes.md",
    "notes (conflict).md",
    "conflict laptop 2026-11-25 134501.md",
    "(conflict x 2026-11-25 134501)/a.md",
  ]) {
    assert.ok(!isConflictCopy(path), path);
  }
});
