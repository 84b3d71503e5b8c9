/**
 * Time is passed in, never read from globals in the core, so the governor and the waves of
 * activation can be tested with a fake clock.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A manual clock for tests: time moves only when `advance` is called; sleepers wake in order.
 */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: { until: number; resolve: () => void; reject: (e: unknown) => void; seq: number }[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2026, 10, 27, 0, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        reject(signal?.reason);
      };
      // A sleeper that wakes normally drops its abort listener (long runs sleep thousands of times).
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const entry = { until: this.current + Math.max(0, ms), resolve: wake, reject, seq: this.seq++ };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Number of pending sleepers (useful to wait until the code under test is parked). */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Earliest wake-up time among sleepers, or null. */
  nextWake(): number | null {
    if (this.sleepers.length === 0) return null;
    return Math.min(...this.sleepers.map((s) => s.until));
  }

  /** Moves time forward by `ms`, waking every sleeper whose time has come (in time order). */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const due = this.sleepers
        .filter((s) => s.until <= target)
        .sort((a, b) => a.until - b.until || a.seq - b.seq)[0];
      if (!due) break;
      this.current = Math.max(this.current, due.until);
      this.sleepers = this.sleepers.filter((s) => s !== due);
      due.resolve();
      // Let the woken code run (and possibly sleep again) before the next one wakes.
      await flushMicrotasks();
    }
    this.current = target;
    await flushMicrotasks();
  }
}

export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/**
 * How far Okta's clock may be behind ours when the proof compares Okta's `created` with the
 * moment we marked the record `creating`. Okta's servers keep NTP time; a host a few minutes off
 * still recovers its lost creates, and a foreign user would also have to match the profile we sent,
 * be STAGED and sit in our groups (which only this journal's creates fill) to pass.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;
