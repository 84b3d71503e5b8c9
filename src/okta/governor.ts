import type { Clock } from '../core/clock.js';
import { OktaCallError, OktaUnreachableError, type AuthError } from '../core/errors.js';
import type { CoreEmitter } from '../core/events.js';
import { authError, type CredentialHint } from './auth-messages.js';
import type { GovernorBudget } from './budget.js';
import { classifyRequest, GOVERNOR_BUCKETS, templatePath, type GovernorBucket } from './buckets.js';
import { ConcurrencyLimit } from './concurrency.js';
import { BucketPacer } from './pacer.js';
import { readRateHeaders, type HeaderSource, type RateReading } from './rate-headers.js';
import { isReplaySafe, maxAttemptsFor, ruleFor, type RetryRule } from './retry-table.js';

/**
 * The governor decides when the next Okta call may go out: per-bucket pacing (pacer.ts), a global
 * concurrency cap with AIMD (concurrency.ts) and the retry table (retry-table.ts). It does no I/O of
 * its own: `run` is handed the function that sends, and time comes from the injected Clock.
 */
export interface GovernorOptions {
  clock: Clock;
  emitter: CoreEmitter;
  /** Fraction of each bucket we may use (config okta.share). */
  share: number;
  /** Simultaneous requests at most (config okta.concurrency). */
  concurrency: number;
  /** Tries per call for 5xx and dropped connections (config okta.maxAttempts). */
  maxAttempts: number;
  credentials: CredentialHint;
  /** Exponential backoff: first wait (ms) and ceiling. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Brief back-off after a concurrency 429: min + random × spread (ms). */
  concurrencyBackoffMs?: number;
  random?: () => number;
  /** The run's part of a rate budget shared with the org's other runs (budget.ts); none: alone. */
  budget?: GovernorBudget;
}

export interface GovernedRequest {
  method: string;
  url: string;
  /**
   * A 401 may be a stale OAuth access token (they live an hour) that the SDK renews and retries
   * once: hand it back instead of stopping the run.
   */
  authRenewable?: boolean;
}

export interface AnswerLike {
  status: number;
  headers: HeaderSource;
}

export interface ErrorInfo {
  code: string | null;
  summary: string | null;
}

export interface BucketStatus {
  bucket: GovernorBucket;
  limit: number | null;
  remaining: number | null;
  resetAt: number | null;
  cap: number | null;
  tokenCap: number | null;
  windowMs: number;
  others: number | null;
}

interface BucketQueue {
  pacer: BucketPacer;
  waiters: { resolve: (id: number) => void; reject: (e: unknown) => void }[];
  pumping: boolean;
  wake: (() => void) | null;
}

export class Governor {
  readonly share: number;
  readonly maxAttempts: number;
  private readonly clock: Clock;
  private readonly emitter: CoreEmitter;
  private readonly credentials: CredentialHint;
  private readonly random: () => number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly concurrencyBackoffMs: number;
  private readonly budget: GovernorBudget | null;
  readonly concurrency: ConcurrencyLimit;
  private readonly queues = new Map<GovernorBucket, BucketQueue>();
  private nextId = 1;
  private fatalError: AuthError | null = null;
  /** Counters for the bench and the summary. */
  readonly stats = { sent: 0, rateLimited: 0, concurrencyLimited: 0, retried: 0, failed: 0, budgetWaits: 0 };

  constructor(options: GovernorOptions) {
    this.clock = options.clock;
    this.emitter = options.emitter;
    this.share = options.share;
    this.maxAttempts = Math.max(1, options.maxAttempts);
    this.credentials = options.credentials;
    this.random = options.random ?? Math.random;
    this.backoffBaseMs = options.backoffBaseMs ?? 500;
    this.backoffMaxMs = options.backoffMaxMs ?? 30_000;
    this.concurrencyBackoffMs = options.concurrencyBackoffMs ?? 1000;
    this.concurrency = new ConcurrencyLimit(options.concurrency, options.clock.now());
    this.budget = options.budget ?? null;
  }

  /** The AuthError that stopped the run, if any: every later request fails with it at once. */
  get fatal(): AuthError | null {
    return this.fatalError;
  }

  status(bucket: GovernorBucket): BucketStatus {
    const p = this.queue(bucket).pacer;
    const w = p.window;
    return {
      bucket, limit: p.limit, remaining: w?.remaining ?? null, resetAt: w?.resetAt ?? null, cap: p.cap,
      tokenCap: p.tokenCap, windowMs: p.windowMs, others: w?.others ?? null,
    };
  }

  allStatus(): BucketStatus[] {
    return GOVERNOR_BUCKETS.filter((b) => this.queues.has(b)).map((b) => this.status(b));
  }

  /**
   * Sends `req` through pacing and the concurrency cap, retrying per the retry table. Returns the
   * final answer (success, or a non-retryable error answer for the caller to map); throws AuthError
   * (401/403: the run stops) or OktaCallError (retries exhausted, redirect, transport failure).
   */
  async run<R extends AnswerLike>(req: GovernedRequest, send: () => Promise<R>, readError: (res: R) => Promise<ErrorInfo | null>): Promise<R> {
    const bucket = classifyRequest(req.method, req.url);
    const path = templatePath(req.url);
    const method = req.method.toUpperCase();
    const replaySafe = isReplaySafe(method, req.url);
    const q = this.queue(bucket);
    for (let attempt = 1; ; attempt++) {
      this.throwIfFatal();
      const id = await this.admit(q);
      const started = this.clock.now();
      this.stats.sent++;
      this.emitter.emit('request:sent', { bucket, method, path });
      let res: R;
      try {
        res = await send();
      } catch (err) {
        this.concurrency.release();
        q.pacer.onNoAnswer(id);
        this.wake(q);
        this.emitter.emit('request:done', { bucket, method, path, status: 0, ms: this.clock.now() - started });
        if (isAbort(err)) throw err;
        const code = networkErrorCode(err);
        const rule = ruleFor('network', code ?? '*');
        const what = `${method} ${path} got no answer (${code ?? describeTransport(err)})`;
        await this.retryOrThrow(rule, { bucket, attempt, replaySafe, status: null, errorCode: code, what, cause: err });
        continue;
      }
      // The slot is released only once the answer is judged: after a 401 nothing else may go out.
      const now = this.clock.now();
      this.emitter.emit('request:done', { bucket, method, path, status: res.status, ms: now - started });
      const reading = readRateHeaders(res.headers, now);
      let info: ErrorInfo | null = null;
      try {
        info = res.status >= 400 ? await readError(res) : null;
      } catch {
        info = null;
      }
      const concurrency429 = res.status === 429 && (res.headers.get('x-rate-limit-limit') ?? '').trim() === '0';
      const rule = ruleFor(res.status, info?.code ?? null, concurrency429);
      let waitMs: number | null = null;
      if (res.status === 429 && concurrency429) {
        q.pacer.onAnswer(id, now, reading, false);
        this.stats.concurrencyLimited++;
        this.concurrency.decrease(now);
        // Never the Reset hint: on a concurrency 429 it stalls clients for minutes (okta-facts.md).
        waitMs = this.concurrencyBackoffMs + Math.floor(this.random() * this.concurrencyBackoffMs);
        this.emitter.emit('rate:limited', { bucket, kind: 'concurrency', waitMs });
      } else if (res.status === 429) {
        this.stats.rateLimited++;
        waitMs = q.pacer.onRateLimited(id, now, reading, this.random);
        this.emitter.emit('rate:limited', { bucket, kind: 'rate', waitMs });
      } else {
        const { learned } = q.pacer.onAnswer(id, now, reading, true);
        if (learned && reading) this.emitLearned(bucket, reading);
        if (res.status < 500) this.concurrency.calm(now);
      }
      if (rule.action === 'auth' && !(res.status === 401 && req.authRenewable === true)) {
        const err = authError({ status: res.status, code: info?.code ?? null, summary: info?.summary ?? null, method, path, bucket }, this.credentials);
        this.stop(err);
        this.concurrency.release();
        throw err;
      }
      this.concurrency.release();
      this.wake(q);
      if (rule.action === 'return' || rule.action === 'auth') return res;
      const statusText = `${res.status}${info?.code ? ` ${info.code}` : ''}${info?.summary ? ` (${info.summary})` : ''}`;
      await this.retryOrThrow(rule, {
        bucket, attempt, replaySafe, status: res.status, errorCode: info?.code ?? null,
        what: `Okta answered ${statusText} to ${method} ${path}`, waitMs,
      });
    }
  }

  /** Stops the run: every queued and later request fails with `err`. */
  stop(err: AuthError): void {
    if (this.fatalError) return;
    this.fatalError = err;
    for (const q of this.queues.values()) {
      const waiters = q.waiters.splice(0);
      for (const w of waiters) w.reject(err);
      this.wake(q);
    }
  }

  private async retryOrThrow(
    rule: RetryRule,
    ctx: { bucket: GovernorBucket; attempt: number; replaySafe: boolean; status: number | null; errorCode: string | null; what: string; waitMs?: number | null; cause?: unknown },
  ): Promise<void> {
    const details = { status: ctx.status, errorCode: ctx.errorCode };
    const opts = { context: { bucket: ctx.bucket, status: ctx.status, errorCode: ctx.errorCode, attempts: ctx.attempt }, cause: ctx.cause };
    if (rule.action === 'unreachable') {
      this.stats.failed++;
      throw new OktaUnreachableError('OKTA_UNREACHABLE', `${ctx.what}: ${rule.why}`, details, opts);
    }
    if (rule.action !== 'retry') {
      this.stats.failed++;
      throw new OktaCallError(ctx.status !== null && ctx.status >= 300 && ctx.status < 400 ? 'OKTA_REDIRECT' : 'OKTA_CALL_FAILED', `${ctx.what}: ${rule.why}`, details, opts);
    }
    if (rule.ambiguous && !ctx.replaySafe) {
      this.stats.failed++;
      throw new OktaCallError('OKTA_OUTCOME_UNKNOWN', `${ctx.what}; not sent again because a second one could create a duplicate: the next run looks it up first`, details, opts);
    }
    const max = maxAttemptsFor(rule, this.maxAttempts);
    if (ctx.attempt >= max) {
      this.stats.failed++;
      throw new OktaCallError('OKTA_RETRIES_EXHAUSTED', `${ctx.what}, ${ctx.attempt} attempt(s): giving up on this call for now; the next run retries it`, details, opts);
    }
    const waitMs = ctx.waitMs ?? this.backoffMs(ctx.attempt);
    this.stats.retried++;
    this.emitter.emit('request:retry', { bucket: ctx.bucket, status: ctx.status, errorCode: ctx.errorCode, attempt: ctx.attempt, waitMs });
    await this.clock.sleep(waitMs);
  }

  /** Jittered exponential backoff: d = base × 2^(n−1) (capped), wait d/2 + random × d/2. */
  backoffMs(attempt: number): number {
    const d = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (attempt - 1));
    return Math.floor(d / 2 + this.random() * (d / 2));
  }

  private emitLearned(bucket: GovernorBucket, reading: RateReading): void {
    this.emitter.emit('rate:learned', { bucket, limit: reading.limit, remaining: reading.remaining, resetAt: reading.resetAt, share: this.share });
  }

  private throwIfFatal(): void {
    if (this.fatalError) throw this.fatalError;
  }

  private queue(bucket: GovernorBucket): BucketQueue {
    let q = this.queues.get(bucket);
    if (!q) {
      const budget = this.budget;
      const pacer = new BucketPacer(bucket, budget ? { share: this.share, shareNow: () => budget.fraction() } : { share: this.share });
      q = { pacer, waiters: [], pumping: false, wake: null };
      this.queues.set(bucket, q);
    }
    return q;
  }

  /** Resolves with a request id once pacing and the concurrency cap let it go (holding a slot). */
  private admit(q: BucketQueue): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      q.waiters.push({ resolve, reject });
      if (!q.pumping) void this.pump(q);
    });
  }

  private wake(q: BucketQueue): void {
    const w = q.wake;
    q.wake = null;
    w?.();
  }

  /** One pump per bucket releases its waiters one by one, in order, at the pace the pacer sets. */
  private async pump(q: BucketQueue): Promise<void> {
    q.pumping = true;
    try {
      while (q.waiters.length > 0 && !this.fatalError) {
        const d = q.pacer.decide(this.clock.now(), this.random);
        if (d.kind === 'blocked') {
          await new Promise<void>((resolve) => (q.wake = resolve));
          continue;
        }
        if (d.kind === 'wait') {
          await this.clock.sleep(d.ms);
          continue;
        }
        await this.concurrency.acquire();
        // Waiting for a slot took time: a 429 may have paused the bucket meanwhile.
        if (this.fatalError || q.pacer.decide(this.clock.now(), this.random).kind !== 'go') {
          this.concurrency.release();
          continue;
        }
        if (q.waiters.length === 0) {
          this.concurrency.release();
          break;
        }
        const refusedMs = await this.takeBudgetSlot(q.pacer);
        if (refusedMs !== null) {
          this.concurrency.release();
          this.stats.budgetWaits++;
          await this.clock.sleep(refusedMs);
          continue;
        }
        const waiter = q.waiters.shift();
        if (!waiter) {
          this.concurrency.release();
          break;
        }
        const id = this.nextId++;
        q.pacer.onSend(id, this.clock.now());
        waiter.resolve(id);
      }
    } finally {
      q.pumping = false;
    }
  }

  /**
   * Takes one request slot from the shared budget, if there is one and the bucket is metered.
   * Returns null when the request may go, else how long to wait (the runs of this token or org have
   * used what the last window allows; jittered so they do not all ask again at once).
   */
  private async takeBudgetSlot(pacer: BucketPacer): Promise<number | null> {
    // Until a roll-over shows the window's length, a count over an assumed minute could hold a
    // shorter window's runs back for that minute: pacing to the shares alone guards them meanwhile.
    if (!this.budget || pacer.limit === null || pacer.isUnmetered || !pacer.windowKnown) return null;
    const answer = await this.budget.take(pacer.name, pacer.limit, pacer.windowMs);
    if (answer.ok) return null;
    // Ask again soon rather than when the store's count expires: a fixed count window (Redis) can
    // refuse for most of a window while Okta's, offset from it, already has room.
    const spacing = pacer.windowMs / Math.max(1, pacer.cap ?? 1);
    return Math.max(10, Math.min(answer.retryMs, 2 * spacing)) + Math.floor(this.random() * spacing);
  }
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { type?: unknown }).type === 'aborted');
}

/** The network error's code as the retry table knows it (node-fetch FetchError, Node socket errors). */
export function networkErrorCode(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const e = err as Error & { code?: unknown; type?: unknown; errno?: unknown; cause?: unknown };
  if (e.type === 'request-timeout' || e.type === 'body-timeout') return 'request-timeout';
  if (typeof e.code === 'string' && e.code.length > 0) return e.code;
  if (typeof e.errno === 'string' && e.errno.length > 0) return e.errno;
  if (/socket hang up/i.test(e.message)) return 'ECONNRESET';
  if (e.cause !== undefined && e.cause !== err) return networkErrorCode(e.cause);
  return null;
}

function describeTransport(err: unknown): string {
  return err instanceof Error ? err.message.replace(/https?:\/\/\S+/g, '<url>') : 'unknown error';
}
