import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { checkSchema } from "../../../src/config/schema-check.js";
import { formatDiagnostic } from "../../../src/config/format-diagnostic.js";
import { parseSource } from "../../../src/config/source-document.js";

const check = (text: string) => checkSchema(parseSource(text, "autosync.config.yaml"), "autosync");

describe("schema diagnostics", () => {
  test("a bad duration names key, expected, found and the position of the value", () => {
    const text = [
      "version: 1",
      "defaults:",
      "  recipe: git",
      "repositories:",
      "  - path: ~/notes",
      "    name: notes",
      "    repositoryId: notes",
      "    timers:",
      "      commitDelay:   soon",
    ].join("\n");
    const [diagnostic, ...rest] = check(text);
    assert.deepEqual(rest, []);
    assert.equal(
      formatDiagnostic(diagnostic!),
      "repositories[0].timers.commitDelay: expected a duration such as '2s' or '500ms', got 'soon' (autosync.config.yaml:9:22)",
    );
  });

  test("every error is reported at once, each at its own line and column", () => {
    const text = [
      "version: 2", // 1
      "defaults:", // 2
      "  recipe: git", // 3
      "  timers: { comitDelay: 2s, pushDelay: later }", // 4
      "  largeFiles: { action: maybe }", // 5
      "repositories:", // 6
      "  - name: nopath", // 7
      "notify: { desktop: { enabled: 'yes' } }", // 8
      "channels:", // 9
      "  xmpp: { jid: notajid, password: { env: 'bad name' }, alsoNotify: [a@b.org, c] }", // 10
    ].join("\n");
    const found = check(text).map((d) => [d.keyPath, d.line, d.column, d.found, d.hint]);
    assert.deepEqual(found, [
      ["version", 1, 10, "2", undefined],
      [
        "defaults.timers.comitDelay",
        4,
        13,
        "unknown key 'comitDelay'",
        "did you mean 'commitDelay'?",
      ],
      ["defaults.timers.pushDelay", 4, 40, "'later'", undefined],
      ["defaults.largeFiles.action", 5, 25, "'maybe'", undefined],
      ["repositories[0].path", 7, 5, "nothing", undefined],
      ["channels.xmpp.jid", 10, 16, "'notajid'", undefined],
      ["channels.xmpp.password.env", 10, 42, "'bad name'", undefined],
      ["channels.xmpp.alsoNotify[1]", 10, 78, "'c'", undefined],
      ["notify.desktop.enabled", 8, 31, "'yes'", undefined],
    ]);
  });

  test("enum errors list the allowed values", () => {
    const [d] = check("version: 1\nrepositories: [{ path: x, watcher: { backend: inotify } }]\n");
    assert.equal(d!.expected, "one of native, chokidar");
    assert.equal(d!.found, "'inotify'");
  });

  test("pipeline rules are checked with the recipe schema's definitions", () => {
    const text = [
      "version: 1",
      "defaults:",
      "  pipeline:",
      "    - { on: [change], quietPeriod: commitDely, do: [commit, { notify: bogus }] }",
      "repositories: [{ path: x }]",
    ].join("\n");
    const diagnostics = check(text);
    assert.deepEqual(
      diagnostics.map((d) => [d.keyPath, d.expected]),
      [
        [
          "defaults.pipeline[0].quietPeriod",
          "a timer name (commitDelay, maxCommitDelay, pushDelay) or a duration such as '500ms'",
        ],
        [
          "defaults.pipeline[0].do[1].notify",
          "one of pushed, pulled, conflict, error, offline, online",
        ],
      ],
    );
  });

  test("the same config as JSON gets positions too", () => {
    const json =
      '{\n  "version": 1,\n  "repositories": [{ "path": "x", "timers": { "pushDelay": true } }]\n}\n';
    const [d] = checkSchema(parseSource(json, "autosync.config.json"), "autosync");
    assert.equal(
      formatDiagnostic(d!),
      "repositories[0].timers.pushDelay: expected a duration such as '2s' or '500ms', got true (autosync.config.json:3:60)",
    );
  });
});

describe("source positions", () => {
  test("syntax errors become diagnostics with a position, never exceptions", () => {
    const doc = parseSource("version: 1\nrepositories:\n  - path: [unclosed\n", "c.yaml");
    assert.ok(doc.errors.length > 0);
    assert.equal(doc.errors[0]!.line, 4);
    assert.equal(doc.value, undefined);
  });
  test("duplicate keys are syntax errors at the duplicate", () => {
    const doc = parseSource("version: 1\nversion: 1\n", "c.yaml");
    assert.equal(doc.errors.length, 1);
    assert.equal(doc.errors[0]!.line, 2);
  });
  test("an alias bomb is refused instead of expanded", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
    ].join("\n");
    const doc = parseSource(bomb, "bomb.yaml");
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0]!.expected, /alias/);
  });
  test("a missing key locates its parent", () => {
    const doc = parseSource("version: 1\nrepositories:\n  - name: x\n", "c.yaml");
    assert.deepEqual(doc.locate(["repositories", 0, "path"]), { line: 3, column: 5 });
    assert.deepEqual(doc.locate(["repositories", 0, "name"], "key"), { line: 3, column: 5 });
  });
});
