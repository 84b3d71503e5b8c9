import { describe, expect, it } from 'vitest';
import { runPool, untilInterrupted } from '../../src/run/pool.js';

describe('run/pool', () => {
  it('runPool stops taking items after a worker error and drains the in-flight ones before it rethrows', async () => {
    const started: number[] = [];
    const done: number[] = [];
    const release: (() => void)[] = [];
    const work = async (n: number): Promise<void> => {
      started.push(n);
      if (n === 1) throw new Error('fatal');
      await new Promise<void>((r) => release.push(r));
      done.push(n);
    };
    const pool = runPool([0, 1, 2, 3, 4, 5], 3, work);
    let settled = false;
    const outcome = pool.then(() => 'resolved', (err: Error) => err.message).finally(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    const stopped = [...started];
    for (const r of release) r();
    expect(await outcome).toBe('fatal');
    expect(started).toEqual(stopped);
    expect(stopped.length).toBeLessThan(6);
    expect(done).toEqual(stopped.filter((n) => n !== 1));
  });

  it('untilInterrupted: the signal’s own reason after an abort means interrupted, and the meter is finished', async () => {
    const controller = new AbortController();
    let finished = 0;
    const meter = { finish: () => finished++ };
    const interrupted = await untilInterrupted(controller.signal, meter, async () => {
      controller.abort();
      throw controller.signal.reason;
    });
    expect(interrupted).toBe(true);
    expect(finished).toBe(1);
  });

  it('untilInterrupted: passes the body’s answer through and rethrows any other error, finishing the meter both times', async () => {
    const controller = new AbortController();
    let finished = 0;
    const meter = { finish: () => finished++ };
    expect(await untilInterrupted(controller.signal, meter, async () => false)).toBe(false);
    controller.abort();
    const other = new Error('journal gone');
    await expect(untilInterrupted(controller.signal, meter, async () => Promise.reject(other))).rejects.toBe(other);
    await expect(untilInterrupted(undefined, meter, async () => Promise.reject(other))).rejects.toBe(other);
    expect(finished).toBe(3);
  });
});
