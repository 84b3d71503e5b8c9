import { BUCKETS, type BucketName } from './options.js';

/**
 * Okta-style per-bucket windows (okta-facts.md, "Rate limits"): a window opens at a bucket's first
 * request and lasts `windowMs` (not aligned to the clock minute). Every token and app of the org
 * share the bucket, and by default one token may use only `tokenShare` of it; each token counts
 * against its own share (`tokenShares` for tokens whose org admin moved the slider:
 * https://developer.okta.com/docs/reference/rl2-token-oauth/). `tenantLoad`
 * stands for the org's other applications: they consume that fraction of the bucket evenly over
 * each window, so Remaining falls faster than our own calls explain.
 *
 * Headers: X-Rate-Limit-Limit is the bucket's org-wide limit and Remaining what the org has left
 * (ours plus the others'), as the governor needs to see others' use. A 429 caused by the per-token
 * cap reports the ceiling that was enforced: Limit = the token's cap, Remaining = 0.
 * A bucket whose limit is 0 is unlimited and reports UNLIMITED.
 */
export const UNLIMITED = 1_000_000;

export interface RateVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the bucket's window ends. */
  reset: number;
}

interface Window {
  start: number;
  end: number;
  used: number;
  perToken: Map<string, number>;
}

export interface BucketView {
  limit: number;
  used: number;
  others: number;
  remaining: number;
  windowStart: number | null;
  reset: number | null;
}

export class RateLimiter {
  private windows = new Map<BucketName, Window>();

  constructor(
    private windowMs: number,
    private readonly limits: Record<BucketName, number>,
    private readonly tokenShare: number,
    private readonly tenantLoad: Record<BucketName, number>,
    /** Tokens whose share differs from `tokenShare` (each token or service app has its own slider). */
    private readonly tokenShares: ReadonlyMap<string, number> = new Map(),
  ) {}

  /** The fraction of each bucket `token` may use. */
  shareOf(token: string): number {
    return this.tokenShares.get(token) ?? this.tokenShare;
  }

  setLimit(bucket: BucketName, limit: number): void {
    this.limits[bucket] = limit;
  }

  setTenantLoad(bucket: BucketName, fraction: number): void {
    this.tenantLoad[bucket] = fraction;
  }

  limitOf(bucket: BucketName): number {
    return this.limits[bucket];
  }

  private window(bucket: BucketName, now: number, create: boolean): Window | null {
    let w = this.windows.get(bucket) ?? null;
    if (w && now >= w.end) w = null;
    if (!w && create) {
      w = { start: now, end: now + this.windowMs, used: 0, perToken: new Map() };
      this.windows.set(bucket, w);
    }
    return w;
  }

  private others(bucket: BucketName, w: Window, now: number): number {
    const f = this.tenantLoad[bucket];
    if (f === 0) return 0;
    return Math.floor(f * this.limits[bucket] * Math.min(1, (now - w.start) / this.windowMs));
  }

  /** Spends one request of `token` on `bucket` if the bucket and the token's share allow it. */
  take(bucket: BucketName, token: string, now: number): RateVerdict {
    const limit = this.limits[bucket];
    const w = this.window(bucket, now, true) as Window;
    const reset = Math.ceil(w.end / 1000);
    if (limit === 0) {
      w.used++;
      return { allowed: true, limit: UNLIMITED, remaining: UNLIMITED, reset };
    }
    const others = this.others(bucket, w, now);
    const cap = Math.max(1, Math.floor(limit * this.shareOf(token)));
    const mine = w.perToken.get(token) ?? 0;
    const orgLeft = limit - w.used - others;
    if (orgLeft <= 0) return { allowed: false, limit, remaining: 0, reset };
    if (mine >= cap) return { allowed: false, limit: cap, remaining: 0, reset };
    w.used++;
    w.perToken.set(token, mine + 1);
    return { allowed: true, limit, remaining: Math.max(0, orgLeft - 1), reset };
  }

  /** The headers a request would see without spending anything (used for 401 answers). */
  peek(bucket: BucketName, now: number): RateVerdict {
    const limit = this.limits[bucket];
    const w = this.window(bucket, now, false);
    if (limit === 0) return { allowed: true, limit: UNLIMITED, remaining: UNLIMITED, reset: Math.ceil((w?.end ?? now + this.windowMs) / 1000) };
    if (!w) return { allowed: true, limit, remaining: limit, reset: Math.ceil((now + this.windowMs) / 1000) };
    const remaining = Math.max(0, limit - w.used - this.others(bucket, w, now));
    return { allowed: remaining > 0, limit, remaining, reset: Math.ceil(w.end / 1000) };
  }

  view(now: number): Record<BucketName, BucketView> {
    const out = {} as Record<BucketName, BucketView>;
    for (const b of BUCKETS) {
      const w = this.window(b, now, false);
      const limit = this.limits[b];
      const others = w ? this.others(b, w, now) : 0;
      out[b] = {
        limit,
        used: w?.used ?? 0,
        others,
        remaining: limit === 0 ? UNLIMITED : Math.max(0, limit - (w?.used ?? 0) - others),
        windowStart: w?.start ?? null,
        reset: w ? Math.ceil(w.end / 1000) : null,
      };
    }
    return out;
  }

  reset(): void {
    this.windows.clear();
  }
}
