const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
};

/**
 * A moment as a user writes it on the command line, parsed once here: `now`, `2 hours ago`,
 * `90 min ago`, `2026-12-01`, `2026-12-01 14:00`, `2026-12-01 14:00:30` (local time) or ISO 8601
 * with a zone (`2026-12-01T14:00:00Z`, `…+01:00`). Undefined when it is none of these.
 */
export function parseWhen(text: string, nowMs: number): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "now") return nowMs;
  const ago = /^(\d+(?:\.\d+)?)\s*([a-z]+?)s?\s+ago$/.exec(trimmed);
  if (ago) {
    const unit = UNIT_MS[ago[2] ?? ""];
    return unit === undefined ? undefined : nowMs - Number(ago[1]) * unit;
  }
  const date =
    /^(\d{4})-(\d{2})-(\d{2})(?:[ t](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(z|[+-]\d{2}:?\d{2})?)?$/.exec(
      trimmed,
    );
  if (!date) return undefined;
  const [, year, month, day, hour = "0", minute = "0", second = "0", zone] = date;
  const parts = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = parts;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  // 2026-02-31 would roll over into March: refuse it rather than guess.
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return undefined;
  if (zone !== undefined) {
    const offset = zone === "z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    const pad = (n: number) => String(n).padStart(2, "0");
    const ms = Date.parse(`${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${offset}`);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}
