import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  largeTreePath,
  largeTreeSizes,
  parseByteSize,
  writeLargeTree,
} from "../../../bench/large-tree.js";
import { makeTempDir } from "../../support/temp-dir.js";

const MIB = 1024 * 1024;
const sum = (sizes: number[]) => sizes.reduce((total, size) => total + size, 0);

test("parseByteSize reads k/M/G in powers of 1024 and refuses anything else", () => {
  assert.equal(parseByteSize("2G"), 2 * 1024 ** 3);
  assert.equal(parseByteSize("500M"), 500 * MIB);
  assert.equal(parseByteSize("64k"), 64 * 1024);
  assert.equal(parseByteSize("1.5GiB"), 1.5 * 1024 ** 3);
  assert.equal(parseByteSize("123"), 123);
  for (const bad of ["", "G", "2X", "-1M", "2 G B"])
    assert.equal(parseByteSize(bad), undefined, bad);
});

test("largeTreeSizes: the total asked, many small files and some MB-sized, the same for the same seed", () => {
  const sizes = largeTreeSizes(100_000, 2_000_000_000, 7);
  assert.equal(sizes.length, 100_000);
  assert.equal(sum(sizes), 2_000_000_000);
  const big = sizes.filter((size) => size >= MIB).length;
  assert.ok(big >= 50 && big <= 1000, `${big} MB-sized files`);
  assert.ok(sizes.every((size) => size >= 1 && size <= 16 * MIB));
  assert.deepEqual(largeTreeSizes(100_000, 2_000_000_000, 7), sizes);
  assert.notDeepEqual(largeTreeSizes(100_000, 2_000_000_000, 8), sizes);
  // Less than the small files need: scaled down, none empty.
  const tiny = largeTreeSizes(1000, 100_000, 7);
  assert.ok(Math.abs(sum(tiny) - 100_000) < 1000);
  assert.ok(tiny.every((size) => size >= 1 && size < MIB));
});

test("writeLargeTree writes every file at its size, the same bytes for the same seed", async (t) => {
  const { dir, cleanup } = await makeTempDir("autosync-large-tree-");
  t.after(cleanup);
  const sizes = [10, 0, 3 * MIB + 5, 70, ...Array.from({ length: 1100 }, (_, i) => i % 300)];
  await writeLargeTree(join(dir, "a"), sizes, 1);
  await writeLargeTree(join(dir, "b"), sizes, 1);
  await writeLargeTree(join(dir, "c"), sizes, 2);
  for (const [index, size] of sizes.entries())
    assert.equal((await stat(join(dir, "a", largeTreePath(index)))).size, size, `file ${index}`);
  const read = (tree: string, index: number) => readFile(join(dir, tree, largeTreePath(index)));
  assert.deepEqual(await read("a", 2), await read("b", 2));
  assert.notDeepEqual(await read("a", 2), await read("c", 2));
  // Files never share content, or git would store one blob for both.
  assert.notDeepEqual(await read("a", 0), (await read("a", 3)).subarray(0, 10));
  assert.match((await read("a", 3)).toString("latin1"), /^[A-Za-z0-9+/]+$/);
});

test("writeLargeTree stops before its next folder once aborted", async (t) => {
  const { dir, cleanup } = await makeTempDir("autosync-large-tree-");
  t.after(cleanup);
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(writeLargeTree(dir, [1, 2, 3], 1, aborted.signal), { name: "AbortError" });
});
