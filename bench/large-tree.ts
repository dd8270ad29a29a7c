import { createCipheriv, createHash } from "node:crypto";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { seededRandom } from "../test/support/seeded-random.js";

const KIB = 1024;
const MIB = 1024 * KIB;

/** "2G", "500M", "64k", "2GiB", "123" → bytes (powers of 1024, as `du -h` prints them). */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) return undefined;
  const power = " kmgt".indexOf((match[2] || " ").toLowerCase());
  return Math.round(Number(match[1]) * 1024 ** power);
}

const logUniform = (random: () => number, min: number, max: number) =>
  Math.floor(Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min))));

/**
 * Sizes of `files` files totalling about `totalBytes`, as a real tree spreads them: most small
 * (log-uniform 64 B–64 KiB: notes, source), a few MB-sized (1–16 MiB: images, archives, PDFs)
 * that make up the rest. Below what the small files need, every size is scaled down instead.
 */
export function largeTreeSizes(files: number, totalBytes: number, seed: number): number[] {
  const random = seededRandom(seed);
  const sizes = Array.from({ length: files }, () => logUniform(random, 64, 64 * KIB));
  const small = sizes.reduce((sum, size) => sum + size, 0);
  if (totalBytes <= small) {
    const scale = totalBytes / small;
    return sizes.map((size) => Math.max(1, Math.round(size * scale)));
  }
  let missing = totalBytes - small;
  const big = new Set<number>();
  while (missing > 0 && big.size < files) {
    const index = Math.floor(random() * files);
    if (big.has(index)) continue;
    big.add(index);
    const before = sizes[index]!;
    const size = Math.min(before + missing, logUniform(random, MIB, 16 * MIB));
    sizes[index] = size;
    missing -= size - before;
  }
  return sizes;
}

/** Where file `index` of a large tree lives: 1,000 files a folder, as real trees spread them. */
export const largeTreePath = (index: number) => `d${Math.floor(index / 1000)}/f${index}.txt`;

/**
 * Writes the tree `largeTreeSizes` describes under `root`. Each file's bytes are an AES-CTR
 * keystream keyed by the seed with the file's index as IV: as fast as the disk, never repeated
 * (so git neither dedups nor deltas the blobs), the same for the same seed in any write order.
 * Files under 1 MiB are base64 text (they compress as text does), bigger ones raw binary
 * (incompressible, as media are), streamed in 1 MiB chunks so memory stays flat.
 */
export async function writeLargeTree(
  root: string,
  sizes: readonly number[],
  seed: number,
  /** Aborted when the bench is interrupted: no new folder may appear in a tree being removed. */
  signal?: AbortSignal,
): Promise<void> {
  const key = createHash("sha256").update(`autosync-bench-large-${seed}`).digest().subarray(0, 16);
  const zeros = Buffer.alloc(MIB);
  const keystream = (index: number) => {
    const iv = Buffer.alloc(16);
    // The index in the high half, the block counter in the low half: no two files overlap.
    iv.writeUInt32BE(index, 4);
    return createCipheriv("aes-128-ctr", key, iv);
  };
  const writeOne = async (index: number) => {
    const size = sizes[index]!;
    const stream = keystream(index);
    const path = join(root, largeTreePath(index));
    if (size < MIB) {
      const raw = stream.update(zeros.subarray(0, Math.ceil((size * 3) / 4)));
      await writeFile(path, raw.toString("base64").slice(0, size));
      return;
    }
    const file = await open(path, "w");
    try {
      for (let left = size; left > 0; left -= MIB)
        await file.write(stream.update(zeros.subarray(0, Math.min(MIB, left))));
    } finally {
      await file.close();
    }
  };
  // 64 at a time: enough to keep the disk busy, and a batch spans at most two folders.
  const batch = 64;
  for (let start = 0; start < sizes.length; start += batch) {
    signal?.throwIfAborted();
    const end = Math.min(sizes.length, start + batch);
    for (const index of new Set([start, end - 1]))
      await mkdir(join(root, largeTreePath(index), ".."), { recursive: true });
    await Promise.all(Array.from({ length: end - start }, (_, k) => writeOne(start + k)));
  }
}
