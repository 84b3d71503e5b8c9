import path from 'node:path';
import { COUNTED_PROVISIONED } from '../core/lifecycle/user.js';
import { COUNTED_ACTIVE, NEEDS_ACTION, NOT_MIGRATED, STATE_CATEGORY, type RecordState } from '../core/lifecycle/record.js';
import type { Kind } from '../core/types.js';
import type { FunnelData } from '../journal/activation.js';
import type { ActivityEntry, Journal, LockHolder } from '../journal/types.js';

/**
 * The aggregate "status" of a journal: what the dashboard pushes every second, what `status --json`
 * prints and what the HTML report charts. ONE function computes it so that the numbers always match.
 *
 * Aggregates only: counts, reason codes, rates and times. No source key, login, name or email, and
 * no message text (Okta's error messages and ours can quote a login), so it is safe to serve.
 *
 * Deterministic: everything comes from the journal and `options.now`; the same journal and the same
 * `now` give the same object (the browser tests rely on that).
 */
export const STATUS_MODEL_VERSION = 1;

/** What the status needs from a journal: reads only (a readonly connection suffices). */
export type StatusJournal = Pick<Journal, 'path' | 'meta' | 'countByState' | 'activitySince' | 'lastRuns' | 'lockHolder'>;

export interface KindStatus {
  kind: Kind;
  total: number;
  /** Settled records: total − toDo. */
  done: number;
  inOkta: number;
  /** Users ACTIVE in Okta: password set (portals: registered). */
  active: number;
  /** Users emailed (or handed a link) who have not set a password yet (Okta PROVISIONED). */
  provisioned: number;
  toDo: number;
  needsAction: number;
  notMigrated: number;
  /** Count per state, keys sorted. */
  states: Record<string, number>;
}

export interface ReasonCount {
  kind: Kind;
  state: RecordState;
  /** The reason code (`email.invalid`, `okta.E0000001`, …); the state's name when the journal has none. */
  reason: string;
  count: number;
}

export interface BucketStatus {
  bucket: string;
  /** Requests per minute the bucket allows the whole org (X-Rate-Limit-Limit). */
  limit: number;
  remaining: number;
  resetAt: number;
  /** Fraction of the bucket this run may use. */
  share: number;
  /** limit × share, rounded down: this run's ceiling in requests per minute. */
  allowedPerMinute: number;
  /** When these numbers were learned. */
  at: number;
}

export interface StatusModel {
  version: typeof STATUS_MODEL_VERSION;
  generatedAt: number;
  journal: { file: string; installation: string | null };
  run: {
    /** A live process holds the journal lock now. */
    active: boolean;
    /**
     * The last run did not finish: its process is gone (killed, crashed) while still holding the
     * lock, or it stopped on an error. Running the same command again continues it.
     */
    interrupted: boolean;
    command: string | null;
    phase: string | null;
    startedAt: number | null;
    finishedAt: number | null;
    outcome: string | null;
    heartbeatAgeMs: number | null;
    /** How long the last finished run took. */
    durationMs: number | null;
  };
  totals: Omit<KindStatus, 'kind' | 'states'>;
  kinds: KindStatus[];
  /** The latest `progress` of the current (or last) phase run. */
  progress: { phase: string; done: number; total: number; at: number; fresh: boolean } | null;
  rate: {
    /** Records per minute over the last minute, while a run reports progress (0 otherwise). */
    currentPerMinute: number;
    /** Records per minute over the last `windowMs`. */
    averagePerMinute: number;
    windowMs: number;
    /** The bucket learned most recently, with this run's share of it. */
    bucket: BucketStatus | null;
    buckets: BucketStatus[];
  };
  throttling: {
    windowMs: number;
    /** 429s (rate or concurrency) in the window. */
    rateLimited: number;
    retries: number;
    retriesByCode: { code: string; count: number }[];
    /** 429s counted by the current (or last) run, from its progress reports. */
    rateLimitedThisRun: number | null;
  };
  eta: { ms: number | null; finishAt: number | null };
  failures: ReasonCount[];
  skipped: ReasonCount[];
  series: StatusSeries;
  /** The activation funnel (emailed → password set → signed in, per wave), when the journal has one. */
  activation: FunnelData | null;
}

/** Bars of the chart: records settled, 429s and retries per `bucketMs` from `from` (aligned down). */
export interface StatusSeries {
  from: number;
  bucketMs: number;
  points: { t: number; done: number; rateLimited: number; retries: number }[];
}

export interface StatusOptions {
  now: number;
  /** Rates, 429s and retries are counted over this window (default 5 minutes). */
  windowMs?: number;
  /** The chart covers [from, now] (default: the last hour). */
  from?: number;
  /** Width of one chart bar (default: chosen for about 60 bars). */
  bucketMs?: number;
  /** A progress report older than this means no run is moving (default 15 s; runs report every second). */
  freshMs?: number;
  /** The journal's activation funnel (journal/activation.ts), read by the caller. */
  funnel?: FunnelData | null;
  /** Whether the lock holder's process still runs (default: yes). The CLI asks the OS. */
  holderAlive?: (holder: LockHolder, now: number) => boolean;
}

const ACTIVITY_TYPES = ['progress', 'rate:limited', 'request:retry', 'rate:learned'];
/**
 * Activations whose --no-email link may never have reached a links file: Okta has the user
 * PROVISIONED and nobody has the link. While a run goes on, `link_pending` also counts the few
 * activations in flight (at most the concurrency); after a killed run it counts the lost links.
 */
const LOST_LINK_REASONS = ['activation.link_lost', 'activation.link_pending'];

export function buildStatus(journal: StatusJournal, options: StatusOptions): StatusModel {
  const now = options.now;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const from = options.from ?? now - 60 * 60_000;
  const freshMs = options.freshMs ?? 15_000;

  const { kinds, failures, skipped } = countKinds(journal);
  const totals = { total: 0, done: 0, inOkta: 0, active: 0, provisioned: 0, toDo: 0, needsAction: 0, notMigrated: 0 };
  for (const k of kinds) for (const f of Object.keys(totals) as (keyof typeof totals)[]) totals[f] += k[f];

  const runs = journal.lastRuns(20);
  const lastRun = runs[0] ?? null;
  const held = journal.lockHolder();
  const lock = held && (options.holderAlive?.(held, now) ?? true) ? held : null;
  const interrupted = held !== null ? lock === null : lastRun !== null && lastRun.finishedAt === null;
  const queryFrom = Math.min(from, now - windowMs);
  const activity = journal.activitySince(queryFrom, ACTIVITY_TYPES).filter((a) => a.at <= now);
  const progressRows = activity.filter((a) => a.type === 'progress');

  const latest = lastProgress(progressRows);
  const fresh = latest !== null && now - latest.at <= freshMs;
  const progress = latest ? { phase: latest.phase, done: latest.done, total: latest.total, at: latest.at, fresh } : null;

  const runStarts = runs.map((r) => r.startedAt);
  const deltas = progressDeltas(progressRows, runStarts, queryFrom);
  const series = buildSeries(deltas, activity, from, now, options.bucketMs);
  const windowFrom = now - windowMs;
  const inWindow = activity.filter((a) => a.at > windowFrom);
  const windowDone = deltas.reduce((n, d) => (d.at > windowFrom ? n + d.delta : n), 0);
  // A run that started inside the window has not been running for the whole window.
  const runStart = runStarts.filter((s) => s <= now).sort((a, b) => b - a)[0];
  const spanMs = Math.max(1000, runStart !== undefined && runStart > windowFrom ? now - runStart : windowMs);

  const retriesByCode = countBy(inWindow.filter((a) => a.type === 'request:retry').map((a) => a.code ?? 'unknown'));
  const buckets = latestBuckets(activity);

  return {
    version: STATUS_MODEL_VERSION,
    generatedAt: now,
    journal: { file: path.basename(journal.path), installation: journal.meta('installation') },
    run: {
      active: lock !== null,
      interrupted,
      command: held?.command ?? null,
      phase: lastRun?.phase ?? null,
      startedAt: held?.startedAt ?? lastRun?.startedAt ?? null,
      finishedAt: lock ? null : (lastRun?.finishedAt ?? null),
      outcome: lock ? null : interrupted ? 'interrupted' : (lastRun?.outcome ?? null),
      heartbeatAgeMs: held ? Math.max(0, now - held.heartbeat) : null,
      durationMs: !lock && lastRun?.finishedAt != null ? Math.max(0, lastRun.finishedAt - lastRun.startedAt) : null,
    },
    totals,
    kinds,
    progress,
    rate: {
      currentPerMinute: fresh && latest ? Math.round(latest.ratePerMinute) : 0,
      averagePerMinute: Math.round((windowDone / spanMs) * 60_000),
      windowMs,
      bucket: [...buckets].sort((a, b) => b.at - a.at || a.bucket.localeCompare(b.bucket))[0] ?? null,
      buckets,
    },
    throttling: {
      windowMs,
      rateLimited: inWindow.filter((a) => a.type === 'rate:limited').length,
      retries: inWindow.filter((a) => a.type === 'request:retry').length,
      retriesByCode,
      rateLimitedThisRun: latest?.rateLimited ?? null,
    },
    eta: fresh && latest && latest.etaMs !== null ? { ms: latest.etaMs, finishAt: now + latest.etaMs } : { ms: null, finishAt: null },
    failures: sortReasons(failures, NEEDS_ACTION),
    skipped: sortReasons(skipped, NOT_MIGRATED),
    series,
    // Null until a link has been sent: a journal before phase 2 has no funnel to show.
    activation: options.funnel && options.funnel.totals.emailed > 0 ? options.funnel : null,
  };
}

function countKinds(journal: StatusJournal): { kinds: KindStatus[]; failures: ReasonCount[]; skipped: ReasonCount[] } {
  const byKind = new Map<Kind, KindStatus>();
  const failures: ReasonCount[] = [];
  const skipped: ReasonCount[] = [];
  for (const row of journal.countByState()) {
    let k = byKind.get(row.kind);
    if (!k) {
      k = { kind: row.kind, total: 0, done: 0, inOkta: 0, active: 0, provisioned: 0, toDo: 0, needsAction: 0, notMigrated: 0, states: {} };
      byKind.set(row.kind, k);
    }
    const category = STATE_CATEGORY[row.state] ?? 'notMigrated';
    k.total += row.count;
    k[category] += row.count;
    if (category !== 'toDo') k.done += row.count;
    if (COUNTED_ACTIVE.includes(row.state)) k.active += row.count;
    if ((COUNTED_PROVISIONED as readonly RecordState[]).includes(row.state)) k.provisioned += row.count;
    k.states[row.state] = (k.states[row.state] ?? 0) + row.count;
    const reason = { kind: row.kind, state: row.state, reason: row.reason ?? row.state, count: row.count };
    if (category === 'needsAction' || LOST_LINK_REASONS.includes(row.reason ?? '')) failures.push(reason);
    else if (NOT_MIGRATED.includes(row.state)) skipped.push(reason);
  }
  const order: Kind[] = ['admin', 'panelist', 'portal'];
  const kinds = [...byKind.values()]
    .map((k) => ({ ...k, states: Object.fromEntries(Object.entries(k.states).sort(([a], [b]) => a.localeCompare(b))) }))
    .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  return { kinds, failures, skipped };
}

function sortReasons(list: ReasonCount[], stateOrder: readonly RecordState[]): ReasonCount[] {
  return [...list].sort((a, b) => b.count - a.count || stateOrder.indexOf(a.state) - stateOrder.indexOf(b.state)
    || a.kind.localeCompare(b.kind) || a.reason.localeCompare(b.reason));
}

interface ProgressRow { at: number; phase: string; done: number; total: number; ratePerMinute: number; rateLimited: number; etaMs: number | null }

export function parseProgress(a: ActivityEntry): ProgressRow | null {
  try {
    const d = JSON.parse(a.detail ?? '') as Partial<Omit<ProgressRow, 'at' | 'phase'>>;
    if (typeof d.done !== 'number' || typeof d.total !== 'number') return null;
    return {
      at: a.at, phase: a.code ?? 'run', done: d.done, total: d.total,
      ratePerMinute: typeof d.ratePerMinute === 'number' ? d.ratePerMinute : 0,
      rateLimited: typeof d.rateLimited === 'number' ? d.rateLimited : 0,
      etaMs: typeof d.etaMs === 'number' ? d.etaMs : null,
    };
  } catch {
    return null;
  }
}

function lastProgress(rows: ActivityEntry[]): ProgressRow | null {
  for (let i = rows.length - 1; i >= 0; i--) {
    const p = parseProgress(rows[i] as ActivityEntry);
    if (p) return p;
  }
  return null;
}

/** The latest `rate:learned` row of each bucket (detail: {limit, remaining, resetAt, share}). */
function latestBuckets(activity: ActivityEntry[]): BucketStatus[] {
  const byBucket = new Map<string, BucketStatus>();
  for (const a of activity) {
    if (a.type !== 'rate:learned' || !a.code) continue;
    try {
      const d = JSON.parse(a.detail ?? '') as { limit?: unknown; remaining?: unknown; resetAt?: unknown; share?: unknown };
      if (typeof d.limit !== 'number' || typeof d.share !== 'number') continue;
      byBucket.set(a.code, {
        bucket: a.code, limit: d.limit, share: d.share, allowedPerMinute: Math.floor(d.limit * d.share),
        remaining: typeof d.remaining === 'number' ? d.remaining : 0, resetAt: typeof d.resetAt === 'number' ? d.resetAt : 0, at: a.at,
      });
    } catch {
      continue;
    }
  }
  return [...byBucket.values()].sort((a, b) => a.bucket.localeCompare(b.bucket));
}

function countBy(values: string[]): { code: string; count: number }[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/**
 * Records settled between consecutive progress reports. A report's `done` counts from the start of
 * its phase run, so a drop, a new phase or a run started in between means a new run: its `done`
 * is all new. The first report counts in full only when its run started inside the queried span.
 */
function progressDeltas(rows: ActivityEntry[], runStarts: number[], queryFrom: number): { at: number; delta: number }[] {
  const out: { at: number; delta: number }[] = [];
  let prev: ProgressRow | null = null;
  for (const row of rows) {
    const p = parseProgress(row);
    if (!p) continue;
    const startedSince = (after: number): boolean => runStarts.some((s) => s > after && s <= p.at);
    let delta: number;
    if (prev === null) delta = startedSince(queryFrom - 1) ? p.done : 0;
    else if (p.phase !== prev.phase || p.done < prev.done || startedSince(prev.at)) delta = p.done;
    else delta = p.done - prev.done;
    out.push({ at: p.at, delta });
    prev = p;
  }
  return out;
}

const NICE_BUCKETS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

/** A bar width that gives about 60 bars over the span. */
export function niceBucketMs(spanMs: number): number {
  const want = spanMs / 60;
  return NICE_BUCKETS.find((b) => b >= want) ?? Math.ceil(want / 86_400_000) * 86_400_000;
}

function buildSeries(deltas: { at: number; delta: number }[], activity: ActivityEntry[], from: number, now: number, bucketMs?: number): StatusSeries {
  const width = bucketMs ?? niceBucketMs(Math.max(1000, now - from));
  const start = Math.floor(from / width) * width;
  const n = Math.max(1, Math.floor((now - start) / width) + 1);
  const points = Array.from({ length: n }, (_, i) => ({ t: start + i * width, done: 0, rateLimited: 0, retries: 0 }));
  const slot = (at: number): (typeof points)[number] | undefined => (at < start ? undefined : points[Math.floor((at - start) / width)]);
  for (const d of deltas) {
    const p = slot(d.at);
    if (p) p.done += d.delta;
  }
  for (const a of activity) {
    const p = a.type === 'rate:limited' || a.type === 'request:retry' ? slot(a.at) : undefined;
    if (!p) continue;
    if (a.type === 'rate:limited') p.rateLimited++;
    else p.retries++;
  }
  return { from: start, bucketMs: width, points };
}
