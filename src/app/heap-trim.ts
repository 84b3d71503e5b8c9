import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Keeps a long run's memory near what it really holds.
 *
 * V8 lets the old generation grow to several times the live heap before it collects (its growing
 * factor is up to 4). Streaming a million source rows leaves a steady trickle of promoted garbage:
 * with the SDK loaded the live heap is ~35 MB, and the heap climbed to ~160 MB between full
 * collections, which was most of the 319 MB peak RSS of `npm run bench -- e2e` (issue 3 asks for
 * ≤ 300 MB). Collecting whenever the old generation has grown by `budgetBytes` since the last
 * collection bounds that, at the cost of one full GC per budget. Only the old generation counts:
 * the young one fills and empties many times a second, and counting it made the first version
 * (32 MB of the whole heap) collect 417 times in a 1,000,000-record run and cost 20 % of its rate.
 *
 * Measured (`npm run bench -- e2e`, 1,000,000 records): peak RSS 319 → 264 MB, 172 collections,
 * 2,419 records/s.
 * Started by the CLI (cli/main.ts) for its own process; the library never changes a host's GC.
 */
export interface HeapTrimOptions {
  /** Collect when the old generation has grown this much since the last collection (default 64 MiB). */
  budgetBytes?: number;
  /** How often to look (default 250 ms). */
  intervalMs?: number;
  /** Injected for tests. */
  heapUsed?: () => number;
  collect?: () => void;
}

export interface HeapTrim {
  /** Full collections triggered so far. */
  readonly collections: number;
  /** One look at the heap, as the timer does it (tests call it directly). */
  check(): void;
  stop(): void;
}

export const DEFAULT_HEAP_BUDGET = 64 * 1024 * 1024;

export function startHeapTrim(options: HeapTrimOptions = {}): HeapTrim {
  const budget = options.budgetBytes ?? DEFAULT_HEAP_BUDGET;
  const heapUsed = options.heapUsed ?? oldGenerationUsed;
  // Taken when first needed: a short command never touches V8's flags.
  const collect = options.collect ?? ((): void => fullGc()());
  let baseline = heapUsed();
  let collections = 0;
  const check = (): void => {
    if (heapUsed() - baseline < budget) return;
    collect();
    collections++;
    // What survived is the new baseline: a live heap that really grows moves it up, so a run that
    // needs more memory is never collected over and over.
    baseline = heapUsed();
  };
  const timer = options.intervalMs === 0 ? null : setInterval(check, options.intervalMs ?? 250);
  timer?.unref();
  return {
    get collections() {
      return collections;
    },
    check,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}

/** Bytes in use outside the young generation (new_space, new_large_object_space). */
export function oldGenerationUsed(): number {
  let used = 0;
  for (const space of v8.getHeapSpaceStatistics()) if (!space.space_name.startsWith('new_')) used += space.space_used_size;
  return used;
}

let cachedGc: (() => void) | null = null;

/**
 * V8's full collection. `global.gc` when node ran with --expose-gc; otherwise the flag is set now and
 * the function taken from a fresh context, where V8 installs it (flags set after start-up apply to
 * contexts created later).
 */
export function fullGc(): () => void {
  if (cachedGc) return cachedGc;
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') {
    cachedGc = existing;
    return cachedGc;
  }
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as unknown;
  if (typeof gc !== 'function') throw new Error('V8 did not expose gc() in a new context');
  cachedGc = gc as () => void;
  return cachedGc;
}
