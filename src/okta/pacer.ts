import type { RateReading } from './rate-headers.js';

/**
 * Paces one Okta rate-limit bucket. Pure: time comes in as arguments, nothing is read or slept here.
 *
 * Okta counts requests per bucket in windows (one minute, not aligned to the clock minute), shared
 * by every token and app of the org: https://developer.okta.com/docs/reference/rl-global-mgmt/
 * We may use `share` of each bucket. Per window R (identified by its Reset) with Limit L:
 *
 *   cap        = min(floor(share × L), tokenCap)          tokenCap: a per-token ceiling learned
 *                                                          from a 429 whose Limit is below L
 *   ours       = our answered requests in R + our requests in flight
 *   others     = L − Remaining − ours(before that answer)  (what the org's other clients used)
 *   othersRate = others / time elapsed in R  (at least a quarter window; in that first quarter at
 *                                             least last window's rate)
 *   orgLeft    = Remaining(latest) − ours sent since − othersRate × (now − reading time)
 *                − (L − tokenCap) once the token is known to be shared (tokenShared)
 *   hard       = min(cap − ours,  orgLeft − margin)            < 1: wait for the next window
 *   soft       = min(cap − ours,  orgLeft − othersRate × timeLeft − margin)
 *   interval   = window / cap,  or when the others bind (soft < cap − ours):
 *                max(window / cap,  min(timeLeft / soft, window / 20))   never slower than a
 *                                                          trickle that brings fresh readings
 *
 * Sends follow a schedule `interval` apart (a late timer is made up, up to half an interval), so
 * alone we send exactly `cap` per window, spread evenly (no burst when a window opens); when
 * Remaining falls faster than our own calls explain, we slow down to what the others leave,
 * minus a margin of 1 % of L; and we never go above our share.
 */
export interface PacerOptions {
  share: number;
  /**
   * This run's part of a budget shared with other runs of the org (budget.ts), asked afresh at
   * every decision: it changes as runs join and leave. Never above `share`.
   */
  shareNow?: () => number;
  /** Okta's window is one minute; learned from Reset roll-overs when different (the simulator's --window). */
  defaultWindowMs?: number;
}

export type PacerDecision = { kind: 'go' } | { kind: 'wait'; ms: number } | { kind: 'blocked' };

interface WindowState {
  resetEpoch: number;
  resetAt: number;
  /** Our answered requests counted in this window (2xx–5xx answers that carried this Reset). */
  answered: number;
  /** Lowest Remaining seen, when, and how many of ours were answered by then. */
  remaining: number;
  readingAt: number;
  answeredAtReading: number;
  /** Other clients' use: highest estimate seen, and when. */
  others: number;
  othersAt: number;
  /**
   * When our first answer counted in this window came: the window had opened by then, so it has
   * ended by this + its length, often well before Reset (whole seconds, up to one late).
   */
  openedBy: number;
}

const DEFAULT_WINDOW_MS = 60_000;
/** The first quarter of a window: too early to project the others' use from this window alone. */
const EARLY = 0.25;
/** Remaining this high means the bucket is effectively unmetered (the simulator's --no-limits). */
const UNMETERED = 1_000_000;

export class BucketPacer {
  readonly name: string;
  private readonly share: number;
  private readonly shareNow: (() => number) | null;
  limit: number | null = null;
  tokenCap: number | null = null;
  /**
   * Another client uses our token: its ceiling answered 429 before we had sent that many in the
   * window. From then on, others' use counts against the token's ceiling too (budget below).
   */
  tokenShared = false;
  windowMs: number;
  private readonly defaultWindowMs: number;
  private minRollover: number | null = null;
  private maxTimeLeft = 0;
  private unmetered = false;
  private cur: WindowState | null = null;
  private prevOthersRate = 0;
  private readonly inflight = new Map<number, number>();
  private lastSentAt: number | null = null;
  /** When the last send was due by the pace (a timer that fires late does not push the pace back). */
  private lastDueAt: number | null = null;
  private nextDueAt: number | null = null;
  /** The pace asked the caller to wait for the next send: lateness from then on is the timer's. */
  private paceWaited = false;
  private pausedUntil = 0;
  private responses = 0;

  constructor(name: string, options: PacerOptions) {
    this.name = name;
    this.share = options.share;
    this.shareNow = options.shareNow ?? null;
    this.defaultWindowMs = options.defaultWindowMs ?? DEFAULT_WINDOW_MS;
    this.windowMs = this.defaultWindowMs;
  }

  /** Requests of ours this bucket may send per window. */
  get cap(): number | null {
    if (this.limit === null) return null;
    const share = this.shareNow === null ? this.share : Math.min(this.share, this.shareNow());
    const shareCap = Math.max(1, Math.floor(share * this.limit));
    return this.tokenCap === null ? shareCap : Math.max(1, Math.min(shareCap, this.tokenCap));
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  /** Whether the window's length has been seen (a Reset roll-over), not assumed to be Okta's minute. */
  get windowKnown(): boolean {
    return this.minRollover !== null;
  }

  /** No rate headers, or a limit so high that it is not metered: nothing to pace or share. */
  get isUnmetered(): boolean {
    return this.unmetered;
  }

  get paused(): number {
    return this.pausedUntil;
  }

  /** The latest reading of the window in force (for `plan` and the dashboard). */
  get window(): { limit: number; remaining: number; resetAt: number; resetEpoch: number; others: number } | null {
    if (this.limit === null || this.cur === null) return null;
    return { limit: this.limit, remaining: this.cur.remaining, resetAt: this.cur.resetAt, resetEpoch: this.cur.resetEpoch, others: this.cur.others };
  }

  decide(now: number, random: () => number = Math.random): PacerDecision {
    this.nextDueAt = null;
    if (now < this.pausedUntil) return this.waitForWindow(this.pausedUntil - now);
    if (this.unmetered) return { kind: 'go' };
    const cap = this.cap;
    if (cap === null) {
      // Nothing learned yet: one request, read its headers, then pace.
      return this.inflight.size > 0 ? { kind: 'blocked' } : { kind: 'go' };
    }
    const base = this.windowMs / cap;
    let interval = base;
    const cur = this.cur;
    const endBy = cur === null ? 0 : Math.min(cur.resetAt, cur.openedBy + this.windowMs);
    if (cur !== null && now < endBy) {
      const { hard, soft, shareLeft } = this.budget(cur, cap, now);
      const timeLeft = cur.resetAt - now;
      // Our share is spent: the next window is ours to use from its first moment, which is no
      // later than `endBy` (waiting for Reset, whole seconds, would lose up to a second of it).
      if (shareLeft < 1) return this.waitForWindow(endBy - now + 10);
      if (hard < 1) {
        // The bucket is spent by everyone: wait for the next window plus jitter, so that all
        // clients do not come back at its first millisecond.
        return this.waitForWindow(endBy - now + 100 + Math.floor(random() * 400));
      }
      // Only the others' projected use stretches the pace: our own share left over the time left
      // would stretch it at every window's end, since Reset's whole seconds make the window look
      // up to a second longer than it is (what is not sent by its real end is lost to us).
      // When the others leave little or nothing (soft small or < 1): a projection from a burst,
      // or from the first moments of a window, can be far too high, and without requests no new
      // reading comes: never slower than a trickle (1/20 of a window apart) until Remaining shows
      // what the others really do. `hard` still keeps the margin.
      const trickle = this.windowMs / 20;
      if (soft < shareLeft) interval = Math.max(base, soft < 1 ? trickle : Math.min(trickle, timeLeft / soft));
    }
    if (this.lastSentAt === null) return { kind: 'go' };
    // The pace runs on a schedule, not from the moment of the last send: a wake-up that comes a
    // few ms late (timers, a busy event loop, the shared store's answer) would otherwise lengthen
    // every interval and lose that time for good. Lateness after a wait the pace asked for is made
    // up to half an interval; an idle stretch, a spent window or a 429's pause is not (the next
    // send is a whole interval after the one that ended it). The window's cap (`hard`) stays.
    const due = (this.lastDueAt ?? this.lastSentAt) + interval;
    if (due > now) {
      this.paceWaited = true;
      return { kind: 'wait', ms: Math.ceil(due - now) };
    }
    this.nextDueAt = this.paceWaited ? Math.max(due, now - interval / 2) : now;
    return { kind: 'go' };
  }

  /** A wait that is not the pace (a spent window, a 429's pause): the schedule starts afresh after it. */
  private waitForWindow(ms: number): PacerDecision {
    this.lastDueAt = null;
    this.paceWaited = false;
    return { kind: 'wait', ms };
  }

  /**
   * What we may still send in window `cur` (see the formula above): `hard` from our share and what
   * the bucket has left now, `soft` also keeping the others' projected use for the rest of the window.
   */
  private budget(cur: WindowState, cap: number, now: number): { hard: number; soft: number; shareLeft: number } {
    const limit = this.limit ?? 0;
    const ours = cur.answered + this.inflight.size;
    const shareLeft = cap - ours;
    const rate = this.othersRate(cur, now);
    const sentSinceReading = cur.answered - cur.answeredAtReading + this.inflight.size;
    const left = cur.remaining - sentSinceReading - rate * Math.max(0, now - cur.readingAt);
    const margin = Math.max(1, Math.ceil(0.01 * limit));
    // Okta's headers speak of the org's bucket only. Once we know the token is shared, assume the
    // worst: all the others' use is on our token, so its room is Remaining − (limit − tokenCap).
    const orgLeft = this.tokenShared && this.tokenCap !== null ? left - Math.max(0, limit - this.tokenCap) : left;
    const hard = Math.floor(Math.min(shareLeft, orgLeft - margin));
    const soft = Math.floor(Math.min(shareLeft, orgLeft - rate * (cur.resetAt - now) - margin));
    return { hard, soft, shareLeft };
  }

  /**
   * Other clients' requests per ms in window `cur`. Early in a window a handful of requests (the
   * others' first sends after waiting for it, and Reset's whole seconds, which put the window's
   * start up to a second late) would project to far more than they use: the elapsed time counts as
   * at least a quarter of the window, and until then last window's rate is the floor.
   */
  private othersRate(cur: WindowState, now: number): number {
    const start = cur.resetAt - this.windowMs;
    const elapsed = Math.max(cur.othersAt - start, EARLY * this.windowMs);
    const rate = cur.others / elapsed;
    const early = now - start < EARLY * this.windowMs;
    return early ? Math.max(rate, this.prevOthersRate) : rate;
  }

  onSend(id: number, now: number): void {
    this.inflight.set(id, now);
    this.lastSentAt = now;
    // A send that was not paced (the first, an unmetered bucket) starts the schedule afresh.
    this.lastDueAt = this.nextDueAt === null ? null : Math.min(this.nextDueAt, now);
    this.paceWaited = false;
    this.nextDueAt = null;
  }

  /**
   * An answer arrived. `reading` null: it carried no rate headers. `counted`: whether the server
   * counted it against the bucket (not a 429).
   */
  onAnswer(id: number, now: number, reading: RateReading | null, counted: boolean): { learned: boolean } {
    const sentAt = this.inflight.get(id) ?? now;
    this.inflight.delete(id);
    this.responses++;
    if (reading === null) {
      // No rate headers at all on a first answer: this endpoint is not metered; don't serialize it.
      if (this.limit === null && this.responses === 1) this.unmetered = true;
      return { learned: false };
    }
    if (reading.limit === 0) return { learned: false }; // concurrency 429: says nothing about the bucket
    if (!counted) return { learned: false }; // 429 readings are handled by onRateLimited
    this.unmetered = reading.limit >= UNMETERED || reading.remaining >= UNMETERED;
    let learned = this.limit !== reading.limit;
    this.limit = reading.limit;
    this.maxTimeLeft = Math.max(this.maxTimeLeft, reading.resetAt - now - 1000);
    let cur = this.cur;
    if (cur === null || reading.resetEpoch > cur.resetEpoch) {
      if (cur !== null) {
        this.minRollover = Math.min(this.minRollover ?? Infinity, (reading.resetEpoch - cur.resetEpoch) * 1000);
        const start = cur.resetAt - this.windowMs;
        this.prevOthersRate = cur.others / Math.max(cur.othersAt - start, EARLY * this.windowMs);
      }
      this.windowMs = Math.max(this.maxTimeLeft, this.minRollover ?? this.defaultWindowMs, 1000);
      cur = {
        resetEpoch: reading.resetEpoch,
        resetAt: reading.resetAt,
        answered: 0,
        remaining: reading.remaining + 1,
        readingAt: now,
        answeredAtReading: 0,
        others: 0,
        othersAt: now,
        openedBy: now,
      };
      this.cur = cur;
      learned = true;
    } else if (reading.resetEpoch < cur.resetEpoch) {
      return { learned }; // a straggler from the previous window
    }
    cur.answered++;
    // Ours that the server had counted when it answered this one: answered ones, plus those in
    // flight that were sent before it.
    let inflightBefore = 0;
    for (const t of this.inflight.values()) if (t < sentAt) inflightBefore++;
    const others = reading.limit - reading.remaining - cur.answered - inflightBefore;
    if (others > cur.others) {
      cur.others = others;
      cur.othersAt = now;
    }
    if (reading.remaining <= cur.remaining) {
      cur.remaining = reading.remaining;
      cur.readingAt = now;
      cur.answeredAtReading = cur.answered;
    }
    return { learned };
  }

  /** A request that got no answer: it may or may not have been counted; keep it as counted. */
  onNoAnswer(id: number): void {
    this.inflight.delete(id);
    if (this.cur !== null) this.cur.answered++;
  }

  /**
   * A rate 429 (E0000047, Limit > 0). A Limit below the bucket's is a per-token ceiling (Okta lets
   * one token use only part of a bucket, 50 % by default): remember it so we stop hitting it.
   * Returns when the bucket may be used again: Reset + 1 s (Reset has whole-second resolution)
   * + up to 1 s jitter. Every request of the bucket waits until then, not only this one.
   */
  onRateLimited(id: number, now: number, reading: RateReading | null, random: () => number): number {
    this.inflight.delete(id);
    if (reading !== null && this.limit !== null && reading.limit > 0 && reading.limit < this.limit) {
      this.tokenCap = reading.limit;
      const ours = this.cur === null ? 0 : this.cur.answered + this.inflight.size + 1;
      if (ours < reading.limit) this.tokenShared = true;
    } else if (reading !== null && this.limit === null && reading.limit > 0) {
      this.limit = reading.limit;
    }
    const resetAt = reading?.resetAt ?? (this.cur?.resetAt ?? now + this.windowMs);
    const until = Math.max(now, resetAt) + 1000 + Math.floor(random() * 1000);
    this.pausedUntil = Math.max(this.pausedUntil, until);
    return this.pausedUntil - now;
  }
}
