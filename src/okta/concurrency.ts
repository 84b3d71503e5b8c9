/**
 * The cap on simultaneous requests, with AIMD: a concurrency 429 (Okta's org-wide limit of
 * simultaneous requests, 35–75, shared by every client: https://developer.okta.com/docs/reference/rl-concurrency/)
 * halves the cap; every `growEveryMs` without one, it grows back by one, up to the configured
 * maximum. Pure: the caller passes the time.
 */
export class ConcurrencyLimit {
  readonly max: number;
  private capValue: number;
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private lastChange: number;
  private readonly growEveryMs: number;
  /** Highest number in flight at once (for tests and the bench). */
  peak = 0;

  constructor(max: number, now: number, growEveryMs = 5000) {
    this.max = Math.max(1, Math.floor(max));
    this.capValue = this.max;
    this.lastChange = now;
    this.growEveryMs = growEveryMs;
  }

  get cap(): number {
    return this.capValue;
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Resolves when a slot is free (FIFO). */
  acquire(): Promise<void> {
    if (this.active < this.capValue && this.waiters.length === 0) {
      this.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.waiters.push(() => {
        this.take();
        resolve();
      });
    });
  }

  tryAcquire(): boolean {
    if (this.active < this.capValue && this.waiters.length === 0) {
      this.take();
      return true;
    }
    return false;
  }

  release(): void {
    this.active = Math.max(0, this.active - 1);
    this.pump();
  }

  /** A concurrency 429: halve (multiplicative decrease). */
  decrease(now: number): number {
    this.capValue = Math.max(1, Math.floor(this.capValue / 2));
    this.lastChange = now;
    return this.capValue;
  }

  /** A successful answer: grow by one if it has been calm long enough (additive increase). */
  calm(now: number): void {
    if (this.capValue < this.max && now - this.lastChange >= this.growEveryMs) {
      this.capValue++;
      this.lastChange = now;
      this.pump();
    }
  }

  private take(): void {
    this.active++;
    if (this.active > this.peak) this.peak = this.active;
  }

  private pump(): void {
    while (this.active < this.capValue && this.waiters.length > 0) {
      const next = this.waiters.shift() as () => void;
      next();
    }
  }
}
