import { stat } from "node:fs/promises";

/**
 * Identifies one state of a few files (inode, size, change and modification times): any write
 * gives a new stamp. The operations keep facts read from a DVCS's config (remote URL, upstream,
 * branch) until the stamp of that config changes, so a re-pointed remote or a renamed branch
 * is seen before the next operation at the cost of a stat, not a process.
 */
export async function fileStamp(paths: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    paths.map(async (path) => {
      const info = await stat(path, { bigint: true }).catch(() => undefined);
      return info ? `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}` : "-";
    }),
  );
  return parts.join("|");
}
