import { test } from "node:test";
import assert from "node:assert/strict";
import { expandArgv, TemplateError } from "../../../src/recipes/expand-argv.js";

test("{paths} expands to one argv element per path, names untouched", () => {
  assert.deepEqual(
    expandArgv(["git", "add", "-A", "--", "{paths}"], {
      paths: ["a b.txt", "-x", "new\nline", "{message}", "*.md"],
    }),
    ["git", "add", "-A", "--", "a b.txt", "-x", "new\nline", "{message}", "*.md"],
  );
});

test("no paths means no elements", () => {
  assert.deepEqual(expandArgv(["git", "status", "--", "{paths}"], { paths: [] }), [
    "git",
    "status",
    "--",
  ]);
});

test("other placeholders substitute inside one element, values are never re-expanded", () => {
  assert.deepEqual(
    expandArgv(["git", "push", "{remote}", "HEAD:refs/heads/{remoteBranch}"], {
      remote: "origin",
      remoteBranch: "{remote}",
    }),
    ["git", "push", "origin", "HEAD:refs/heads/{remote}"],
  );
  assert.deepEqual(expandArgv(["git", "commit", "-m", "{message}"], { message: "a\n\n$(x) `y`" }), [
    "git",
    "commit",
    "-m",
    "a\n\n$(x) `y`",
  ]);
});

test("doubled braces are literal braces", () => {
  assert.deepEqual(expandArgv(["git", "rev-parse", "@{{upstream}}", "HEAD^{{commit}}"], {}), [
    "git",
    "rev-parse",
    "@{upstream}",
    "HEAD^{commit}",
  ]);
});

test("a missing value or {paths} inside an element is a programming error", () => {
  assert.throws(() => expandArgv(["git", "{remote}"], {}), TemplateError);
  assert.throws(() => expandArgv(["git", "--x={paths}"], { paths: ["a"] }), TemplateError);
  assert.throws(() => expandArgv(["git", "{message}"], { message: ["a"] }), TemplateError);
});
