import type { TestContextLike } from "../test/support/sync-fixture.js";

const open = new Set<BenchScope>();

/** Closes every scope still open (on a signal). */
export async function closeAllScopes(): Promise<void> {
  await Promise.all([...open].map((scope) => scope.close()));
}

/** The `t.after` of a test, for a benchmark: cleanups run in reverse order, also on failure. */
export class BenchScope implements TestContextLike {
  private readonly cleanups: (() => unknown)[] = [];

  constructor() {
    open.add(this);
  }

  after(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  async close(): Promise<void> {
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        process.stderr.write(`bench cleanup failed: ${(error as Error).message}\n`);
      }
    }
    this.cleanups.length = 0;
    open.delete(this);
  }
}

/** Runs `body` with a fresh scope and always closes it. */
export async function withScope<T>(body: (scope: BenchScope) => Promise<T>): Promise<T> {
  const scope = new BenchScope();
  try {
    return await body(scope);
  } finally {
    await scope.close();
  }
}
