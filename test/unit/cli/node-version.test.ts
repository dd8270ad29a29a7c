import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  formatNodeVersion,
  isAtLeast,
  minimumNodeVersion,
  parseNodeVersion,
} from "../../../src/cli/node-version.js";

test("package.json's engines.node has the one form the bin entry's check reads", () => {
  const manifest = JSON.parse(
    readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
  ) as { engines: { node: string } };
  // Any other form would make the check pass every Node.js silently.
  assert.ok(minimumNodeVersion(manifest.engines.node), manifest.engines.node);
});

test("a >= range gives its minimum; missing parts are 0 and other forms are not guessed at", () => {
  assert.deepEqual(minimumNodeVersion(">=22.22"), [22, 22, 0]);
  assert.deepEqual(minimumNodeVersion(">= 22"), [22, 0, 0]);
  assert.deepEqual(minimumNodeVersion(">=22.22.1"), [22, 22, 1]);
  assert.equal(minimumNodeVersion("^22.22"), undefined);
  assert.equal(minimumNodeVersion(">=20 <23"), undefined);
  assert.equal(minimumNodeVersion("22.22 || 24"), undefined);
});

test("versions compare part by part as numbers, not as text", () => {
  const minimum: [number, number, number] = [22, 22, 0];
  assert.equal(isAtLeast(parseNodeVersion("22.22.0"), minimum), true);
  assert.equal(isAtLeast(parseNodeVersion("22.23.5"), minimum), true);
  assert.equal(isAtLeast(parseNodeVersion("24.0.0"), minimum), true);
  assert.equal(isAtLeast(parseNodeVersion("100.0.0"), minimum), true);
  assert.equal(isAtLeast(parseNodeVersion("22.3.0"), minimum), false);
  assert.equal(isAtLeast(parseNodeVersion("22.21.9"), minimum), false);
  assert.equal(isAtLeast(parseNodeVersion("20.20.2"), minimum), false);
  assert.equal(isAtLeast(parseNodeVersion("9.99.99"), minimum), false);
  assert.deepEqual(parseNodeVersion("v23.0.0-nightly2026"), [23, 0, 0]);
});

test("a minimum prints without a zero patch", () => {
  assert.equal(formatNodeVersion([22, 22, 0]), "22.22");
  assert.equal(formatNodeVersion([22, 22, 1]), "22.22.1");
});
