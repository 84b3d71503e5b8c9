/**
 * Reading Okta's X-Rate-Limit-* headers. Every answer carries the bucket's Limit, Remaining and
 * Reset (UTC epoch seconds) for the endpoint's bucket:
 * https://developer.okta.com/docs/reference/rl-best-practices/
 *
 * Reset is a wall-clock time on Okta's side. We convert it to our clock with the skew shown by the
 * answer's `Date` header. Date has whole-second resolution (the server's now is somewhere in
 * [Date, Date + 1 s)), so a difference under 2 s cannot be told from rounding and is ignored.
 */
export interface HeaderSource {
  get(name: string): string | null;
}

export interface RateReading {
  /** The bucket's limit per window as this answer reports it (0 on a concurrency 429). */
  limit: number;
  remaining: number;
  /** The header's Reset (epoch seconds): identifies the window. */
  resetEpoch: number;
  /** When the window ends, in our clock's milliseconds. */
  resetAt: number;
  /** Server time minus ours (ms), 0 when within Date's resolution. */
  skewMs: number;
}

const SKEW_RESOLUTION_MS = 2000;

function intHeader(headers: HeaderSource, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null) return null;
  // Duplicated headers come back comma-joined (the SDK guards against this too, OKTA-112507).
  const first = raw.split(',')[0]?.trim() ?? '';
  if (!/^\d+$/.test(first)) return null;
  return Number(first);
}

export function serverSkewMs(headers: HeaderSource, now: number): number {
  const date = headers.get('date');
  if (!date) return 0;
  const server = Date.parse(date);
  if (Number.isNaN(server)) return 0;
  const skew = server + 500 - now;
  return Math.abs(skew) < SKEW_RESOLUTION_MS ? 0 : skew;
}

/** The reading an answer carries, or null when it has no (usable) rate headers. */
export function readRateHeaders(headers: HeaderSource, now: number): RateReading | null {
  const limit = intHeader(headers, 'x-rate-limit-limit');
  const remaining = intHeader(headers, 'x-rate-limit-remaining');
  const reset = intHeader(headers, 'x-rate-limit-reset');
  if (limit === null || remaining === null || reset === null) return null;
  const skewMs = serverSkewMs(headers, now);
  return { limit, remaining, resetEpoch: reset, resetAt: reset * 1000 - skewMs, skewMs };
}
