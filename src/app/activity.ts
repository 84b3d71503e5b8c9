import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import type { Journal } from '../journal/types.js';

/**
 * Keeps the journal's activity log (read by `status` and the dashboard from another process):
 * rate limiting, retries, failures and run boundaries. Per-user successes are not logged here:
 * the records table already says when each user changed state.
 */
export function recordActivity(emitter: CoreEmitter, journal: Journal, clock: Clock): () => void {
  // Every response teaches the bucket again: keep one row per bucket a second (or on a change) for the dashboard.
  const learned = new Map<string, { at: number; limit: number; share: number }>();
  const offs = [
    emitter.on('rate:learned', (e) => {
      const now = clock.now();
      const last = learned.get(e.bucket);
      if (last && now - last.at < 1000 && last.limit === e.limit && last.share === e.share) return;
      learned.set(e.bucket, { at: now, limit: e.limit, share: e.share });
      journal.logActivity(null, { at: now, type: 'rate:learned', code: e.bucket, detail: JSON.stringify({ limit: e.limit, remaining: e.remaining, resetAt: e.resetAt, share: e.share }) });
    }),
    emitter.on('rate:limited', (e) => journal.logActivity(null, { at: clock.now(), type: 'rate:limited', code: e.kind, detail: `${e.bucket} ${e.waitMs}ms` })),
    emitter.on('request:retry', (e) => journal.logActivity(null, { at: clock.now(), type: 'request:retry', code: e.errorCode ?? String(e.status ?? 'network'), detail: e.bucket })),
    emitter.on('user:failed', (e) => journal.logActivity(null, { at: clock.now(), type: 'user:failed', kind: e.kind, key: e.key, code: e.code, detail: e.message.slice(0, 500) })),
    emitter.on('portal:failed', (e) => journal.logActivity(null, { at: clock.now(), type: 'portal:failed', kind: 'portal', key: e.key, code: e.code, detail: e.message.slice(0, 500) })),
    emitter.on('progress', (e) => journal.logActivity(null, { at: clock.now(), type: 'progress', code: e.phase, detail: JSON.stringify({ done: e.done, total: e.total, ratePerMinute: Math.round(e.ratePerMinute), rateLimited: e.rateLimited, etaMs: e.etaMs }) })),
  ];
  return () => offs.forEach((off) => off());
}
