/**
 * Runs `work` over items pulled lazily from `items`, at most `concurrency` at a time. Stops taking
 * new items when the signal aborts or a worker throws (a fatal error: auth, journal); in-flight
 * work is always awaited (drained) before it returns or rethrows, so nothing is left half-recorded.
 */
export async function runPool<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ started: number; interrupted: boolean }> {
  const inFlight = new Set<Promise<void>>();
  let fatal: { error: unknown } | null = null;
  let started = 0;
  const iterator = Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  for (;;) {
    if (fatal || signal?.aborted) break;
    if (inFlight.size >= concurrency) {
      await Promise.race(inFlight);
      continue;
    }
    const next = await iterator.next();
    if (next.done) break;
    started++;
    const p: Promise<void> = work(next.value).then(
      () => {
        inFlight.delete(p);
      },
      (error: unknown) => {
        inFlight.delete(p);
        if (!fatal) fatal = { error };
      },
    );
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  if (fatal) throw (fatal as { error: unknown }).error;
  return { started, interrupted: signal?.aborted ?? false };
}
