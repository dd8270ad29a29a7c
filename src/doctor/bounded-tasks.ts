/**
 * Runs the tasks with at most `limit` at a time and returns their results in the tasks' order.
 * The doctor probes several remotes and servers at once, but not dozens: each probe may start
 * an ssh or a TLS handshake.
 */
export async function runBounded<T>(
  tasks: readonly (() => Promise<T>)[],
  limit: number,
): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
}

/**
 * The task's result, or `late()` when it takes longer than `ms`: a probe that hangs in a library
 * (a half-open TLS session) must not hold the whole report.
 */
export async function withDeadline<T>(task: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      task,
      new Promise<T>((resolve) => {
        timer = setTimeout(() => resolve(late()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
