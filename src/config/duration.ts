const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d)/gy;

/**
 * Parses `500ms`, `2s`, `10m`, `1h`, `1d`, combinations such as `1m30s`, and `0` (a number or
 * the string) into milliseconds. Undefined for anything else, so callers report the text.
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === "number") return text === 0 ? 0 : undefined;
  const trimmed = text.trim();
  if (trimmed === "0") return 0;
  if (trimmed === "") return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = PART.exec(trimmed); match; match = PART.exec(trimmed)) {
    total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    consumed = PART.lastIndex;
    while (trimmed[consumed] === " ") consumed++;
    PART.lastIndex = consumed;
  }
  if (consumed !== trimmed.length) return undefined;
  return Math.round(total);
}

/** The shortest exact spelling of a duration, for generated configs and messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0";
  for (const [unit, size] of [
    ["d", UNIT_MS.d],
    ["h", UNIT_MS.h],
    ["m", UNIT_MS.m],
    ["s", UNIT_MS.s],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
