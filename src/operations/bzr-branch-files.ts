import { open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Facts of a standalone Breezy branch read from its control files instead of a `brz` process
 * (each a Python start of 100-400 ms). Every reader returns undefined when the files are not in
 * the shape described (another branch format, a lightweight checkout, a file being written):
 * the caller then asks brz as before.
 */

/** `.bzr/branch/last-revision` of branch format 7: `revno revision-id`, `0 null:` when empty. */
export async function readBzrTip(
  metadataDir: string,
): Promise<{ id: string | undefined } | undefined> {
  const text = await readFile(join(metadataDir, "branch", "last-revision"), "utf8").catch(
    () => undefined,
  );
  const match = text === undefined ? null : /^(\d+) (\S+)\n?$/.exec(text);
  if (!match) return undefined;
  const id = match[2];
  return { id: id === "null:" ? undefined : id };
}

const DIRSTATE_HEADER = "#bazaar dirstate flat format 3\n";
const CONFLICTS_HEADER = "BZR conflict list format 1\n";

/**
 * Whether a merge is pending (the working tree has more than one parent, in the parents line of
 * `.bzr/checkout/dirstate`) or conflicts are recorded (`.bzr/checkout/conflicts`): what `brz
 * status --short --versioned` shows as `P` and `C` lines.
 */
export async function readBzrMergePending(metadataDir: string): Promise<boolean | undefined> {
  const checkout = join(metadataDir, "checkout");
  const [dirstate, conflicts] = await Promise.all([
    readHead(join(checkout, "dirstate"), 4096),
    readFile(join(checkout, "conflicts"), "utf8").catch(() => undefined),
  ]);
  if (dirstate === undefined || conflicts === undefined) return undefined;
  if (!dirstate.startsWith(DIRSTATE_HEADER) || !conflicts.startsWith(CONFLICTS_HEADER)) {
    return undefined;
  }
  // Header lines `crc32: …` and `num_entries: …`, then NUL-separated fields, the first of
  // which is the number of parents.
  const lines = dirstate.split("\n");
  if (!lines[1]?.startsWith("crc32: ") || !lines[2]?.startsWith("num_entries: ")) return undefined;
  const parentCount = lines[3]?.split("\0")[0];
  if (parentCount === undefined || !/^\d+$/.test(parentCount)) return undefined;
  return Number(parentCount) > 1 || conflicts.length > CONFLICTS_HEADER.length;
}

/**
 * Whether the parent branch (`parent_location` in `.bzr/branch/branch.conf`, relative to this
 * branch or a `file://` URL) is a local branch that exists now. False also for every parent
 * that is not a local path: then only brz can tell.
 */
export async function localParentIsBranch(root: string, metadataDir: string): Promise<boolean> {
  const conf = await readFile(join(metadataDir, "branch", "branch.conf"), "utf8").catch(() => "");
  const value = /^parent_location = (.+)$/m.exec(conf)?.[1]?.trim();
  if (!value) return false;
  let url: URL;
  try {
    url = new URL(value, pathToFileURL(`${root}/`));
  } catch {
    return false;
  }
  if (url.protocol !== "file:" || url.host !== "") return false;
  const format = await stat(join(fileURLToPath(url), ".bzr", "branch", "format")).catch(
    () => undefined,
  );
  return format?.isFile() ?? false;
}

async function readHead(path: string, bytes: number): Promise<string | undefined> {
  const handle = await open(path, "r").catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}
