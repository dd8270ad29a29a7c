import { execFileSync } from "node:child_process";

let cached: number | undefined;

/** USER_HZ, the unit of /proc/<pid>/stat times (100 on every mainstream Linux; asked anyway). */
export function clockTicksPerSecond(): number {
  if (cached === undefined) {
    try {
      cached = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      cached = 100;
    }
  }
  return cached;
}
