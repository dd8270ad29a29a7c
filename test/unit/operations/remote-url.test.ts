import { test } from "node:test";
import assert from "node:assert/strict";
import { stripCredentials } from "../../../src/operations/remote-url.js";

test("credentials are stripped from http(s) URLs", () => {
  assert.equal(stripCredentials("https://user:pw@host/x"), "https://host/x");
  assert.equal(
    stripCredentials("https://ghp_token@github.com/me/notes.git"),
    "https://github.com/me/notes.git",
  );
  assert.equal(stripCredentials("http://u:p%40ss@host:8080/r"), "http://host:8080/r");
});

test("ssh user names stay, passwords go; other forms are unchanged", () => {
  assert.equal(stripCredentials("ssh://git@host/x.git"), "ssh://git@host/x.git");
  assert.equal(stripCredentials("ssh://me:secret@host/x"), "ssh://me@host/x");
  assert.equal(stripCredentials("git@github.com:me/notes.git"), "git@github.com:me/notes.git");
  assert.equal(stripCredentials("/srv/git/notes.git"), "/srv/git/notes.git");
  assert.equal(stripCredentials("https://host/x"), "https://host/x");
});
