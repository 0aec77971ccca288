/**
 * Runs `task` for each item with at most `limit` tasks in flight. Deterministic, so it is safe
 * in workflow code: items start in order and each free slot takes the next one.
 */
export async function runWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  });
  // Every lane settles before an error is rethrown, so a cancelled push counts the course pushes
  // that were still finishing before it stores its summary.
  const settled = await Promise.allSettled(lanes);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
