import { Rng } from './random.js';

/**
 * Injected faults: latency with jitter, a fraction of 500 E0000009 answers and a fraction of
 * dropped connections. Every request draws the same three numbers in arrival order, so with a
 * seed the same request sequence meets the same faults whatever the rates are.
 */
export interface FaultPlan {
  delayMs: number;
  drop: boolean;
  fail: boolean;
}

export class Faults {
  private readonly rng: Rng;

  constructor(
    seed: number | null,
    public latencyMs: number,
    public jitterMs: number,
    public failRate: number,
    public dropRate: number,
  ) {
    this.rng = new Rng(seed);
  }

  next(): FaultPlan {
    const j = this.rng.next();
    const d = this.rng.next();
    const f = this.rng.next();
    const delayMs = Math.max(0, Math.round(this.latencyMs + (j * 2 - 1) * this.jitterMs));
    const drop = d < this.dropRate;
    return { delayMs, drop, fail: !drop && f < this.failRate };
  }
}
