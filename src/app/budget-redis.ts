import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ConfigError } from '../core/errors.js';
import type { BudgetLease, BudgetStore, SlotAnswer, SlotRequest } from '../okta/budget.js';

/**
 * The shared rate budget of runs on several machines, in Redis. Request slots are counted by
 * rate-limiter-flexible (an atomic INCR with expiry per key: one key per token and bucket, one per
 * org and bucket); leases are a hash of run → lease plus a sorted set of expiry times, written in
 * one MULTI. Expiry uses Redis's clock (TIME), so machines whose clocks differ agree on it.
 *
 * Counts are per window of the bucket's length starting at the first request (rate-limiter-
 * flexible's fixed window), not aligned with Okta's: the runs' pacers spread their requests
 * evenly, and the count only guards the sum of their shares.
 */
const SWEEP_AFTER_MS = 3_600_000;

export interface RedisStoreOptions {
  url: string;
  /** EFS_OKTA_REDIS_PASSWORD; never part of the URL or of a message. */
  password?: string;
  org: string;
  connectTimeoutMs?: number;
}

export class RedisStore implements BudgetStore {
  readonly kind = 'redis' as const;
  readonly where: string;
  private readonly limiters = new Map<string, RateLimiterRedis>();

  private constructor(private readonly redis: Redis, private readonly prefix: string, where: string) {
    this.where = where;
  }

  /** Connects (and pings) before the run starts: a run told to share through Redis must not go alone. */
  static async open(o: RedisStoreOptions): Promise<RedisStore> {
    const u = new URL(o.url);
    const where = `${u.protocol}//${u.host}${u.pathname.length > 1 ? u.pathname : ''}`;
    const redis = new Redis(o.url, {
      ...(o.password ? { password: o.password } : {}),
      lazyConnect: true,
      connectTimeout: o.connectTimeoutMs ?? 5000,
      maxRetriesPerRequest: 1,
    });
    // ioredis reports connection trouble as events and reconnects by itself; the calls that fail
    // meanwhile are handled by RunBudget (a warning, the run goes on).
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new ConfigError('BUDGET_STORE_UNREACHABLE', `cannot reach the shared rate budget at ${where} (${(err as Error).message}): check okta.budget.url and that Redis runs (a password goes in EFS_OKTA_REDIS_PASSWORD), or run with --budget-store local / none`, { context: { where }, cause: err });
    }
    const host = new URL(o.org).host.toLowerCase();
    return new RedisStore(redis, `efs-okta:budget:${host}:`, where);
  }

  async heartbeat(lease: BudgetLease, now: number): Promise<BudgetLease[]> {
    const t = await this.serverTime();
    const stored = { ...lease, expiresAt: t + (lease.expiresAt - now) };
    const [leases, expiry] = [`${this.prefix}leases`, `${this.prefix}expiry`];
    // Only leases dead for an hour are swept: a lease renewed between the read and the MULTI must not
    // be removed (readers skip expired leases anyway).
    const dead = await this.redis.zrangebyscore(expiry, '-inf', t - SWEEP_AFTER_MS);
    const m = this.redis.multi().hset(leases, lease.runId, JSON.stringify(stored)).zadd(expiry, stored.expiresAt, lease.runId);
    if (dead.length > 0) m.hdel(leases, ...dead).zrem(expiry, ...dead);
    await m.exec();
    return this.list(now);
  }

  async leave(runId: string): Promise<void> {
    await this.redis.multi().hdel(`${this.prefix}leases`, runId).zrem(`${this.prefix}expiry`, runId).exec();
  }

  async list(now: number): Promise<BudgetLease[]> {
    const t = await this.serverTime();
    const all = await this.redis.hgetall(`${this.prefix}leases`);
    // Back in the caller's clock, so a lease reads the same from every machine.
    return Object.values(all)
      .map((v) => JSON.parse(v) as BudgetLease)
      .filter((l) => l.expiresAt > t)
      .map((l) => ({ ...l, expiresAt: now + (l.expiresAt - t) }))
      .sort((a, b) => a.runId.localeCompare(b.runId));
  }

  async take(s: SlotRequest): Promise<SlotAnswer> {
    const seconds = Math.max(1, Math.round(s.windowMs / 1000));
    const token = this.limiter(s.tokenCap, seconds);
    const org = this.limiter(s.orgCap, seconds);
    const tokenKey = `${s.bucket}:token:${s.principal}`;
    const orgKey = `${s.bucket}:org`;
    const refused = await consumeOne(token, tokenKey);
    if (refused !== null) return refused;
    const orgRefused = await consumeOne(org, orgKey);
    if (orgRefused !== null) {
      await token.reward(tokenKey, 1);
      return orgRefused;
    }
    return { ok: true };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** One limiter per cap and window length; they share the counts (the keys), not the caps. */
  private limiter(points: number, duration: number): RateLimiterRedis {
    const k = `${points}/${duration}`;
    let l = this.limiters.get(k);
    if (!l) {
      l = new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `${this.prefix}slots`, points, duration });
      this.limiters.set(k, l);
    }
    return l;
  }

  private async serverTime(): Promise<number> {
    const [sec, usec] = await this.redis.time();
    return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
  }
}

/** Consumes one point; over the cap it gives the point back (a refused request was not sent). */
async function consumeOne(limiter: RateLimiterRedis, key: string): Promise<SlotAnswer | null> {
  try {
    await limiter.consume(key, 1);
    return null;
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    await limiter.reward(key, 1);
    return { ok: false, retryMs: Math.max(1, err.msBeforeNext) };
  }
}
