import { readFile } from "node:fs/promises";
import { clockTicksPerSecond } from "./clock-ticks.js";

/**
 * CPU and memory of a running process, read from /proc (Linux). CPU includes the DVCS children
 * it waited for (cutime/cstime): an idle autosync that polls git is not idle.
 */
export interface ProcSample {
  /** Seconds of CPU of the process itself. */
  selfCpuS: number;
  /** Seconds of CPU of the process plus its reaped children. */
  totalCpuS: number;
  rssMb: number;
  atMs: number;
}

export async function sampleProc(pid: number): Promise<ProcSample> {
  const [stat, status] = await Promise.all([
    readFile(`/proc/${pid}/stat`, "utf8"),
    readFile(`/proc/${pid}/status`, "utf8"),
  ]);
  // The command name (field 2) may hold spaces and parentheses: split after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
  const ticks = (field: number) => Number(fields[field - 3]);
  const hz = clockTicksPerSecond();
  const rssKb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return {
    selfCpuS: (ticks(14) + ticks(15)) / hz,
    totalCpuS: (ticks(14) + ticks(15) + ticks(16) + ticks(17)) / hz,
    rssMb: rssKb / 1024,
    atMs: performance.now(),
  };
}
