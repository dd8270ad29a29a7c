import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  SyncFixture,
  waitForConvergence,
  type AutosyncProcess,
  type Dvcs,
} from "./sync-fixture.js";

/** What the conflict scenario leaves: the fixture, its running daemons, the file and base. */
export interface ConflictScenario {
  fixture: SyncFixture;
  procs: AutosyncProcess[];
}

async function pushed(proc: AutosyncProcess): Promise<void> {
  await proc.waitForEvent("a push", (event) => event.type === "pushed", { timeoutMs: 40_000 });
}

export const CONFLICT_FILE = "notes é 1.md";
export const CONFLICT_BASE = "title\none\ntwo\nthree\n";

/**
 * Machines after the first are down while each edits CONFLICT_FILE; then they start one by one, so
 * each one's pull meets the others' pushed edit: a conflict with one copy per late machine.
 */
export async function conflictOn(
  t: { after(fn: () => unknown): void },
  dvcs: Dvcs,
  copies: number,
): Promise<ConflictScenario> {
  const fixture = await SyncFixture.create(t, {
    dvcs,
    copies,
    seed: { [CONFLICT_FILE]: CONFLICT_BASE },
  });
  const procs = [await fixture.start(0)];
  for (let index = 1; index < copies; index++) {
    const copy = fixture.copy(index);
    await writeFile(
      join(copy.path, CONFLICT_FILE),
      CONFLICT_BASE.replace("two", `two edited on ${copy.host}`),
    );
  }
  const first = fixture.copy(0);
  await writeFile(
    join(first.path, CONFLICT_FILE),
    CONFLICT_BASE.replace("one", `one edited on ${first.host}`),
  );
  await pushed(procs[0]!);
  for (let index = 1; index < copies; index++) {
    const proc = await fixture.start(index);
    procs.push(proc);
    await proc.waitForEvent("a conflict", (event) => event.type === "conflict", {
      timeoutMs: 60_000,
    });
    await waitForConvergence(fixture, fixture.copies.slice(0, index + 1), 60_000);
  }
  return { fixture, procs };
}
