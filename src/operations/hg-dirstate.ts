import { open } from "node:fs/promises";
import { join } from "node:path";

/** The working copy's parents: `p1` is `.`, `p2` is set while a merge is pending. */
export interface HgParents {
  p1: string | undefined;
  p2: string | undefined;
}

const V2_MARKER = Buffer.from("dirstate-v2\n");
const NULL_NODE = /^0+$/;

/**
 * The two parents of the working copy, read from `.hg/dirstate` (`hg help internals.dirstate-v2`:
 * v1 starts with the two 20-byte parent ids, v2 with its marker and two 32-byte slots). hg
 * replaces that file atomically at the end of every command that moves the working copy, so
 * once the command exited this is what `hg log -r .` and `-r 'p2()'` would print, without a
 * Python start. Undefined when the file is missing or not in a known shape: then ask hg.
 */
export async function readHgParents(metadataDir: string): Promise<HgParents | undefined> {
  const handle = await open(join(metadataDir, "dirstate"), "r").catch(() => undefined);
  if (!handle) return undefined;
  try {
    const header = Buffer.alloc(76);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    const bytes = header.subarray(0, bytesRead);
    if (bytes.subarray(0, V2_MARKER.length).equals(V2_MARKER)) {
      if (bytes.length < 76) return undefined;
      return parents(bytes.subarray(12, 32), bytes.subarray(44, 64));
    }
    if (bytes.length < 40) return undefined;
    return parents(bytes.subarray(0, 20), bytes.subarray(20, 40));
  } finally {
    await handle.close();
  }
}

function parents(p1: Buffer, p2: Buffer): HgParents {
  return { p1: node(p1), p2: node(p2) };
}

function node(bytes: Buffer): string | undefined {
  const hex = bytes.toString("hex");
  return NULL_NODE.test(hex) ? undefined : hex;
}
