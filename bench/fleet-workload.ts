import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { seededRandom } from "../test/support/seeded-random.js";
import { writeFileIn } from "../test/support/sync-fixture.js";

/**
 * The fleet workload of issue 10: every machine edits its own files at random for a while, and
 * three times every machine writes the same new file at the same moment (an n-way "both added"
 * conflict). The last of those is the last edit, so convergence after it measures how n machines
 * that all commit at once come to agree. Decided before the run from a seed, so the careful loop
 * and autosync get exactly the same edits, and a run can be replayed.
 */

export const STEP_MS = 500;
export const CONFLICTS = 3;

export interface PlannedWrite {
  copy: number;
  path: string;
  /** From what this copy last wrote at this path (appends build on it). */
  content: (previous: string) => string;
}

export interface Write {
  host: string;
  path: string;
  content: string;
  step: number;
}

/** Steps at which every machine writes one shared new file: evenly spread, the last one last. */
export function conflictSteps(steps: number): number[] {
  return Array.from({ length: CONFLICTS }, (_, k) =>
    Math.max(0, Math.round(((k + 1) * steps) / CONFLICTS) - 1),
  );
}

export function planWorkload(seed: number, seconds: number, hosts: string[]): PlannedWrite[][] {
  const random = seededRandom(seed);
  const steps = Math.max(CONFLICTS, Math.round((seconds * 1000) / STEP_MS));
  const conflicts = conflictSteps(steps);
  const plan: PlannedWrite[][] = [];
  for (let step = 0; step < steps; step++) {
    const writes: PlannedWrite[] = [];
    const conflict = conflicts.indexOf(step);
    hosts.forEach((host, copy) => {
      const token = Math.floor(random() * 1e9).toString(36);
      if (conflict >= 0) {
        // One line each: different one-line contents never merge, so each survives whole, at
        // the path or in a conflict copy.
        const path = `shared/conflict-${conflict + 1}.md`;
        writes.push({
          copy,
          path,
          content: () => `conflict ${conflict + 1} by ${host} ${token}\n`,
        });
        return;
      }
      if (random() < 0.6) return;
      const choice = random();
      if (choice < 0.4) {
        const path = `own-${host}/log.md`;
        writes.push({ copy, path, content: (prev) => `${prev}${host} step ${step} ${token}\n` });
      } else if (choice < 0.85) {
        const path = `own-${host}/notes/note-${Math.floor(random() * 3)}.md`;
        writes.push({ copy, path, content: () => `# ${host}\nstep ${step} ${token}\n` });
      } else {
        const path = `own-${host}/new/file ${step}.txt`;
        writes.push({ copy, path, content: () => `${host} created ${step} ${token}\n` });
      }
    });
    plan.push(writes);
  }
  return plan;
}

/** Plays the plan in real time (step n at n × STEP_MS) into the copies; returns what was written. */
export async function playWorkload(
  plan: PlannedWrite[][],
  copies: { host: string; path: string }[],
): Promise<Write[]> {
  const writes: Write[] = [];
  const written = new Map<string, string>();
  const started = performance.now();
  for (const [step, planned] of plan.entries()) {
    // Pacing of the workload, not a wait for a condition.
    const wait = started + step * STEP_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await Promise.all(
      planned.map(async ({ copy: index, path, content }) => {
        const copy = copies[index]!;
        const key = `${index}\0${path}`;
        const text = content(written.get(key) ?? "");
        written.set(key, text);
        await writeFileIn(copy.path, path, text);
        writes.push({ host: copy.host, path, content: text, step });
      }),
    );
  }
  return writes;
}

/**
 * `stem (conflict …).ext` beside `path`: autosync's and the careful loop's conflict copies both
 * start so (they differ in what follows the host).
 */
function isConflictCopyOf(candidate: string, path: string): boolean {
  const slash = path.lastIndexOf("/");
  const file = path.slice(slash + 1);
  const dot = file.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [file.slice(0, dot), file.slice(dot)] : [file, ""];
  const prefix = `${path.slice(0, slash + 1)}${stem} (conflict `;
  return candidate.startsWith(prefix) && candidate.endsWith(`)${ext}`);
}

export interface Verdict {
  /** Last writes found neither at their path nor (shared files only) in a conflict copy. */
  missing: string[];
  /** Files with a conflict marker line. */
  markers: string[];
}

/** Every machine's last write of every path is in `root`'s tree; no markers anywhere. */
export async function verifyTree(
  root: string,
  paths: readonly string[],
  writes: readonly Write[],
): Promise<Verdict> {
  const contents = new Map<string, string>();
  for (const path of paths) contents.set(path, await readFile(join(root, path), "utf8"));
  const last = new Map<string, Write>();
  for (const write of writes) last.set(`${write.host}\0${write.path}`, write);
  const missing: string[] = [];
  for (const write of last.values()) {
    if (contents.get(write.path) === write.content) continue;
    const shared = write.path.startsWith("shared/");
    const inCopy =
      shared &&
      [...contents].some(
        ([path, content]) => content === write.content && isConflictCopyOf(path, write.path),
      );
    if (!inCopy) missing.push(`${write.host} step ${write.step} ${JSON.stringify(write.path)}`);
  }
  const markers = [...contents]
    .filter(([, content]) => /^(<<<<<<<|>>>>>>>)( |$)/m.test(content))
    .map(([path]) => path);
  return { missing, markers };
}
