import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';

/**
 * Counts finished units and emits `progress` at most once a second: done/total, the rate over the
 * last minute, the 429s seen, and an ETA from that rate. Renderers (bar, NDJSON, dashboard) subscribe.
 */
export class ProgressMeter {
  private done = 0;
  private rateLimited = 0;
  private readonly stamps: number[] = [];
  private lastEmit = 0;
  private readonly off: () => void;

  constructor(
    private readonly phase: string,
    private readonly total: number,
    private readonly clock: Clock,
    private readonly emitter: CoreEmitter,
  ) {
    this.off = emitter.on('rate:limited', () => {
      this.rateLimited++;
    });
  }

  tick(): void {
    this.done++;
    const now = this.clock.now();
    this.stamps.push(now);
    while (this.stamps.length > 0 && (this.stamps[0] as number) < now - 60_000) this.stamps.shift();
    if (now - this.lastEmit >= 1000) this.emit(now);
  }

  finish(): void {
    this.emit(this.clock.now());
    this.off();
  }

  private emit(now: number): void {
    this.lastEmit = now;
    const first = this.stamps[0];
    const spanMs = first === undefined ? 0 : Math.max(now - first, 1000);
    const ratePerMinute = this.stamps.length === 0 ? 0 : (this.stamps.length / spanMs) * 60_000;
    const left = Math.max(0, this.total - this.done);
    const etaMs = ratePerMinute > 0 ? (left / ratePerMinute) * 60_000 : left === 0 ? 0 : null;
    this.emitter.emit('progress', { phase: this.phase, done: this.done, total: this.total, ratePerMinute, rateLimited: this.rateLimited, etaMs });
  }
}
