// Loaded by main.ts before the Node.js version is known: no imports, and only syntax that
// Node.js 14 parses (no top-level await, no import attributes), so an old Node gets our message
// instead of a SyntaxError.

/** A version as [major, minor, patch]. */
export type NodeVersion = [number, number, number];

/**
 * The minimum of an `engines.node` range of the one form autosync uses, ">=MAJOR[.MINOR[.PATCH]]";
 * undefined for any other form (test/unit/cli/node-version.test.ts keeps package.json in it).
 */
export function minimumNodeVersion(range: string): NodeVersion | undefined {
  const match = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] || 0), Number(match[3] || 0)];
}

/** "20.20.2" (process.versions.node) as [20, 20, 2]; missing parts count as 0. */
export function parseNodeVersion(version: string): NodeVersion {
  const parts = version.replace(/^v/, "").split(/[.-]/);
  return [Number(parts[0]) || 0, Number(parts[1]) || 0, Number(parts[2]) || 0];
}

export function isAtLeast(found: NodeVersion, minimum: NodeVersion): boolean {
  for (let index = 0; index < 3; index++) {
    if (found[index] !== minimum[index])
      return (found[index] as number) > (minimum[index] as number);
  }
  return true;
}

/** "22.22" for [22, 22, 0]: the patch only when it matters. */
export function formatNodeVersion(version: NodeVersion): string {
  return version[2] === 0 ? version[0] + "." + version[1] : version.join(".");
}
