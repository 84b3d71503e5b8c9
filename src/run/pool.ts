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

/**
 * Runs one phase's pool (`body` answers whether it was interrupted) and ends it the same way
 * whatever happens. Ctrl-C cuts a wait short by rejecting with the signal's own reason: that means
 * "interrupted", not "failed", so it becomes `true`; any other error propagates. The meter is
 * finished either way, so the last progress line is written and its listener removed.
 */
export async function untilInterrupted(signal: AbortSignal | undefined, meter: { finish(): void }, body: () => Promise<boolean>): Promise<boolean> {
  try {
    return await body();
  } catch (err) {
    if (!(signal?.aborted && err === signal.reason)) throw err;
    return true;
  } finally {
    meter.finish();
  }
}
