import { FakeClock, flushMicrotasks } from '../../src/core/clock.js';
import { CoreEmitter, type CoreEventName, type CoreEvents } from '../../src/core/events.js';
import { Governor, type AnswerLike, type ErrorInfo, type GovernorOptions } from '../../src/okta/governor.js';
import type { HeaderSource } from '../../src/okta/rate-headers.js';
import { RateLimiter } from '../../src/sim/rate-limits.js';
import { classifyRequest } from '../../src/okta/buckets.js';
import { BUCKETS, DEFAULT_LIMITS, type BucketName } from '../../src/sim/options.js';

/**
 * A fake Okta for governor unit tests: answers come from the simulator's own RateLimiter (same
 * windows, per-token cap and tenant load), delayed by a latency on the FakeClock. No sockets.
 */
export class MapHeaders implements HeaderSource {
  private readonly map = new Map<string, string>();
  constructor(init: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(init)) this.map.set(k.toLowerCase(), v);
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
}

export interface FakeAnswer extends AnswerLike {
  body: { errorCode?: string; errorSummary?: string } | null;
}

export type Scripted = (req: { method: string; url: string; n: number; now: number }) => FakeAnswer | Error | null;

export interface FakeOktaOptions {
  windowMs?: number;
  limits?: Partial<Record<BucketName, number>>;
  tokenShare?: number;
  tenantLoad?: Partial<Record<BucketName, number>>;
  latencyMs?: number;
  /** Answers chosen by the test before the rate limiter (return null to fall through). */
  script?: Scripted;
}

export class FakeOkta {
  readonly clock: FakeClock;
  readonly limiter: RateLimiter;
  readonly latencyMs: number;
  readonly log: { method: string; url: string; at: number; status: number }[] = [];
  inFlight = 0;
  peakInFlight = 0;
  private n = 0;
  private readonly script: Scripted | undefined;

  constructor(clock: FakeClock, o: FakeOktaOptions = {}) {
    this.clock = clock;
    const limits = { ...DEFAULT_LIMITS, ...(o.limits ?? {}) };
    const load = Object.fromEntries(BUCKETS.map((b) => [b, o.tenantLoad?.[b] ?? 0])) as Record<BucketName, number>;
    this.limiter = new RateLimiter(o.windowMs ?? 60_000, limits, o.tokenShare ?? 1, load);
    this.latencyMs = o.latencyMs ?? 150;
    this.script = o.script;
  }

  count(status?: number): number {
    return this.log.filter((e) => status === undefined || e.status === status).length;
  }

  /** `token`: whose per-token share the request counts against (several runs may share one). */
  send(method: string, url: string, token = 'our-token'): () => Promise<FakeAnswer> {
    return async () => {
      this.inFlight++;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
      try {
        const now = this.clock.now();
        const n = ++this.n;
        const scripted = this.script?.({ method, url, n, now }) ?? null;
        let answer: FakeAnswer | Error;
        if (scripted) {
          answer = scripted;
        } else {
          const bucket = classifyRequest(method, url) as BucketName;
          const v = this.limiter.take(bucket, token, now);
          const headers = new MapHeaders({
            date: new Date(now).toUTCString(),
            'x-rate-limit-limit': String(v.limit),
            'x-rate-limit-remaining': String(v.remaining),
            'x-rate-limit-reset': String(v.reset),
          });
          answer = v.allowed
            ? { status: 200, headers, body: null }
            : { status: 429, headers, body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' } };
        }
        this.log.push({ method, url, at: now, status: answer instanceof Error ? 0 : answer.status });
        await this.clock.sleep(this.latencyMs);
        if (answer instanceof Error) throw answer;
        return answer;
      } finally {
        this.inFlight--;
      }
    };
  }
}

export const readError = async (res: FakeAnswer): Promise<ErrorInfo | null> =>
  res.body ? { code: res.body.errorCode ?? null, summary: res.body.errorSummary ?? null } : null;

export function errorAnswer(status: number, errorCode: string, headers: Record<string, string> = {}): FakeAnswer {
  return { status, headers: new MapHeaders(headers), body: { errorCode, errorSummary: `${errorCode} summary` } };
}

export function makeGovernor(clock: FakeClock, o: Partial<GovernorOptions> = {}): { governor: Governor; emitter: CoreEmitter; events: Recorder } {
  const emitter = o.emitter ?? new CoreEmitter();
  const events = new Recorder(emitter, clock);
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const governor = new Governor({
    clock, emitter, share: 0.5, concurrency: 8, maxAttempts: 6, credentials: { mode: 'ssws', from: 'env' }, random, ...o,
  });
  return { governor, emitter, events };
}

export class Recorder {
  readonly all: { event: CoreEventName; at: number; payload: unknown }[] = [];
  constructor(emitter: CoreEmitter, clock: FakeClock) {
    emitter.onAny((event, payload) => this.all.push({ event, at: clock.now(), payload }));
  }
  of<E extends CoreEventName>(event: E): CoreEvents[E][] {
    return this.all.filter((e) => e.event === event).map((e) => e.payload as CoreEvents[E]);
  }
}

/** Runs the FakeClock from wake-up to wake-up until `done()` or `untilMs` of fake time passed. */
export async function runClock(clock: FakeClock, done: () => boolean, untilMs: number): Promise<void> {
  const end = clock.now() + untilMs;
  for (;;) {
    await flushMicrotasks(50);
    if (done()) return;
    const next = clock.nextWake();
    if (next === null) {
      await flushMicrotasks(200);
      if (done() || clock.nextWake() === null) return;
      continue;
    }
    if (next > end) {
      await clock.advance(end - clock.now());
      return;
    }
    await clock.advance(Math.max(0, next - clock.now()));
  }
}

/** Runs the FakeClock until every promise has settled; returns their outcomes (value or error). */
export async function settle<T>(clock: FakeClock, promises: Promise<T>[], untilMs = 10 * 60_000): Promise<(T | unknown)[]> {
  let pending = promises.length;
  const outcomes = promises.map((p) =>
    p.then(
      (v) => {
        pending--;
        return v as T | unknown;
      },
      (e: unknown) => {
        pending--;
        return e;
      },
    ),
  );
  await runClock(clock, () => pending === 0, untilMs);
  if (pending > 0) throw new Error(`${pending} call(s) still pending after ${untilMs} ms of fake time`);
  return Promise.all(outcomes);
}

/** `workers` loops calling `once` until `stop()`; returns the results and errors. */
export function startWorkers(workers: number, once: () => Promise<unknown>, stop: () => boolean): { finished: () => boolean; errors: unknown[]; done: number } {
  const state = { running: workers, errors: [] as unknown[], done: 0 };
  for (let w = 0; w < workers; w++) {
    void (async () => {
      while (!stop()) {
        try {
          await once();
          state.done++;
        } catch (err) {
          state.errors.push(err);
        }
      }
      state.running--;
    })();
  }
  return {
    finished: () => state.running === 0,
    get errors() {
      return state.errors;
    },
    get done() {
      return state.done;
    },
  };
}
