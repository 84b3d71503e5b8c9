import type { BucketName } from './options.js';

/** Counters behind `GET /__sim/stats` and `sim.stats()`. */
export class SimStats {
  requests: Partial<Record<BucketName | 'inspect', Record<string, number>>> = {};
  total = 0;
  rateLimited = 0;
  concurrencyLimited = 0;
  failed = 0;
  dropped = 0;
  unauthorized = 0;
  inFlight = 0;
  peakConcurrency = 0;

  record(bucket: BucketName | 'inspect', status: number | 'dropped'): void {
    const per = (this.requests[bucket] ??= {});
    const key = String(status);
    per[key] = (per[key] ?? 0) + 1;
    this.total++;
  }

  enter(): number {
    this.inFlight++;
    if (this.inFlight > this.peakConcurrency) this.peakConcurrency = this.inFlight;
    return this.inFlight;
  }

  leave(): void {
    this.inFlight--;
  }

  reset(): void {
    this.requests = {};
    this.total = this.rateLimited = this.concurrencyLimited = this.failed = this.dropped = this.unauthorized = 0;
    this.peakConcurrency = this.inFlight;
  }
}
