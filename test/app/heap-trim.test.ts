import { describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import { fullGc, oldGenerationUsed, startHeapTrim } from '../../src/app/heap-trim.js';

const MB = 1024 * 1024;

describe('heap-trim', () => {
  it('collects once the heap has grown by the budget since the last collection', () => {
    let used = 40 * MB;
    let collected = 0;
    const trim = startHeapTrim({
      budgetBytes: 32 * MB,
      intervalMs: 0,
      heapUsed: () => used,
      collect: () => {
        collected++;
        used = 42 * MB; // what survived
      },
    });
    // [heap in use at the check (MB), collections so far]: after the first collection the baseline is
    // what survived (42 MB), so 31 MB of growth is under the budget and 32 MB is not.
    const steps: [number, number][] = [[71, 0], [72, 1], [73, 1], [74, 2]];
    for (const [mb, expected] of steps) {
      used = mb * MB;
      trim.check();
      expect(collected).toBe(expected);
    }
    expect(trim.collections).toBe(2);
    trim.stop();
  });

  it('does not collect again and again when the live heap itself grows', () => {
    let used = 40 * MB;
    let collected = 0;
    // Nothing is garbage: every collection leaves the heap where it was.
    const trim = startHeapTrim({ budgetBytes: 32 * MB, intervalMs: 0, heapUsed: () => used, collect: () => collected++ });
    for (let step = 0; step < 100; step++) {
      used += 4 * MB;
      trim.check();
    }
    // 400 MB of growth, one collection per 32 MB of it, never one per check.
    expect(collected).toBe(Math.floor(400 / 32));
    trim.stop();
  });

  it('fullGc returns V8 collection that frees unreachable objects without --expose-gc', () => {
    const gc = fullGc();
    expect(typeof gc).toBe('function');
    let garbage: { i: number; s: string }[] | null = [];
    for (let i = 0; i < 300_000; i++) garbage.push({ i, s: `row ${i}` });
    const before = v8.getHeapStatistics().used_heap_size;
    garbage = null;
    gc();
    const after = v8.getHeapStatistics().used_heap_size;
    expect(garbage).toBeNull();
    expect(before - after).toBeGreaterThan(10 * MB);
  });

  it('counts the old generation only: short-lived objects do not move it', () => {
    const gc = fullGc();
    gc();
    const before = oldGenerationUsed();
    // A few MB of objects that die young: allocated and dropped within one scavenge's reach.
    for (let round = 0; round < 50; round++) {
      const young = Array.from({ length: 2_000 }, (_, i) => ({ i }));
      expect(young.length).toBe(2_000);
    }
    expect(oldGenerationUsed() - before).toBeLessThan(4 * MB);
    expect(oldGenerationUsed()).toBeLessThan(v8.getHeapStatistics().used_heap_size + 1);
  });
});
