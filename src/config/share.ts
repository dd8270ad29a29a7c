/** Parses a share of a whole: `"50%"` or a number in 0..1. Undefined when out of range. */
export function parseShare(value: string | number): number | undefined {
  if (typeof value === "number") return value >= 0 && value <= 1 ? value : undefined;
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$/.exec(value);
  if (!match) return undefined;
  const share = Number(match[1]) / 100;
  return share <= 1 ? share : undefined;
}
