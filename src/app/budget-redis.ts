import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ConfigError } from '../core/errors.js';
import type { BudgetLease, BudgetStore, SlotAnswer, SlotRequest } from '../okta/budget.js';

/**
 * The shared rate budget of runs on several machines, in Redis. Leases are a hash of run → lease
 * plus a sorted set of expiry times, written in one MULTI. Request slots are a sorted set of send
 * times per token and bucket and one per org and bucket, counted and added by one Lua script (atomic
 * on the server). Times are Redis's clock (TIME), so machines whose clocks differ agree on them; a run
 * says how far back to count (`now − since`, the start of Okta's window as its pacer knows it), never
 * a time of its own clock.
 *
 * Why not rate-limiter-flexible, which counted the slots before: its windows are fixed and start at
 * a key's first request, so they cannot follow Okta's (which the runs learn from Reset): near either
 * window's edge it refused requests Okta's window had room for. Measured with three tokens' runs
 * sharing only Redis (`npm run bench -- budget`, 6 s windows): 0.76–0.81 of what the org allows
 * with it, against the ledger's anchored count (docs/many-installations.md for the figures since).
 */
const SWEEP_AFTER_MS = 3_600_000;

/**
 * KEYS: the token's and the org's slot sets. ARGV: token cap, org cap, how far back to count (ms),
 * window (ms), member. Returns {1} when the slot was taken, else {0, ms until the oldest counted
 * slot is a window old}.
 */
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local since = now - tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local counts = {}
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - 2 * window)
  counts[i] = redis.call('ZCOUNT', KEYS[i], '(' .. since, '+inf')
end
if counts[1] < tonumber(ARGV[1]) and counts[2] < tonumber(ARGV[2]) then
  for i = 1, 2 do
    redis.call('ZADD', KEYS[i], now, ARGV[5])
    redis.call('PEXPIRE', KEYS[i], 2 * window)
  end
  return {1}
end
local full = KEYS[2]
if counts[1] >= tonumber(ARGV[1]) then full = KEYS[1] end
local oldest = redis.call('ZRANGEBYSCORE', full, '(' .. since, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
return {0, math.max(1, tonumber(oldest[2] or now) + window - now)}
`;

interface SlotCommands {
  efsOktaTakeSlot(tokenKey: string, orgKey: string, tokenCap: number, orgCap: number, backMs: number, windowMs: number, member: string): Promise<[number, number?]>;
}

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
  private readonly member = randomBytes(6).toString('hex');
  private slots = 0;

  private constructor(private readonly redis: Redis & SlotCommands, private readonly prefix: string, where: string) {
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
    redis.defineCommand('efsOktaTakeSlot', { numberOfKeys: 2, lua: TAKE_SLOT });
    const host = new URL(o.org).host.toLowerCase();
    return new RedisStore(redis as Redis & SlotCommands, `efs-okta:budget:${host}:`, where);
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
    const keys = [`${this.prefix}slots:${s.bucket}:token:${s.principal}`, `${this.prefix}slots:${s.bucket}:org`] as const;
    const member = `${s.runId}:${this.member}:${++this.slots}`;
    const back = Math.max(0, Math.min(s.windowMs, s.now - s.since));
    const [ok, retryMs] = await this.redis.efsOktaTakeSlot(keys[0], keys[1], s.tokenCap, s.orgCap, Math.round(back), Math.round(s.windowMs), member);
    return ok === 1 ? { ok: true } : { ok: false, retryMs: retryMs ?? 1 };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async serverTime(): Promise<number> {
    const [sec, usec] = await this.redis.time();
    return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
  }
}
