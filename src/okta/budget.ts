import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import { allocateShares, sharedCaps, type BudgetClaim } from './budget-share.js';

/**
 * A run's part of the org's shared rate budget. Runs that draw on one Okta org (one machine: the
 * SQLite ledger; several: Redis) each hold a lease in a shared store, renewed by a heartbeat; from
 * the live leases every run computes the same division (budget-share.ts) and paces to its part.
 * Before each request it also takes a slot from the store's shared count, so the runs of a token
 * together never send more than the token may, even while a division is changing.
 *
 * A run that finishes removes its lease (the others take its share at their next heartbeat); a run
 * that is killed stops renewing, and its lease expires after `leaseMs`. Core does no I/O: the store
 * and the clock are passed in.
 */
export interface BudgetProgress {
  phase: string;
  done: number;
  total: number;
  ratePerMinute: number;
  etaMs: number | null;
}

export interface BudgetLease extends BudgetClaim {
  installation: string;
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  expiresAt: number;
  /** The fraction of each bucket this run paced to at its last heartbeat. */
  fraction: number;
  progress: BudgetProgress | null;
}

export interface SlotRequest {
  bucket: string;
  principal: string;
  runId: string;
  /** What the runs of `principal` may send together per window, and all runs of the org. */
  tokenCap: number;
  orgCap: number;
  windowMs: number;
  now: number;
}

export type SlotAnswer = { ok: true } | { ok: false; retryMs: number };

/** The shared store of one org's budget (ledger-sqlite.ts, budget-redis.ts). */
export interface BudgetStore {
  readonly kind: 'local' | 'redis';
  /** Where it lives, for messages (a file, or host:port; never a password). */
  readonly where: string;
  /** Writes or renews `lease` and returns every live lease of the org (expired ones are dropped). */
  heartbeat(lease: BudgetLease, now: number): Promise<BudgetLease[]>;
  leave(runId: string): Promise<void>;
  /** Counts one request if the token's and the org's counts of the last window allow it (atomic). */
  take(slot: SlotRequest): Promise<SlotAnswer>;
  list(now: number): Promise<BudgetLease[]>;
  close(): Promise<void>;
}

/** What the governor asks of a budget (governor.ts). */
export interface GovernorBudget {
  /** This run's fraction of every bucket now. */
  fraction(): number;
  take(bucket: string, limit: number, windowMs: number): Promise<SlotAnswer>;
}

export interface RunBudgetOptions {
  store: BudgetStore;
  clock: Clock;
  emitter: CoreEmitter;
  identity: { runId: string; principal: string; installation: string; host: string; pid: number };
  priority: number;
  share: number;
  tokenShare: number;
  heartbeatMs?: number;
  leaseMs?: number;
}

export class RunBudget implements GovernorBudget {
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  private readonly o: RunBudgetOptions;
  private live: BudgetLease[] = [];
  private current: number;
  private progress: BudgetProgress | null = null;
  private readonly startedAt: number;
  private loop: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private readonly warned = new Set<string>();
  private offProgress: (() => void) | null = null;

  constructor(options: RunBudgetOptions) {
    this.o = options;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.startedAt = options.clock.now();
    this.current = Math.min(options.share, options.tokenShare);
  }

  /** The live leases of the org at the last heartbeat (this run's included). */
  get runs(): readonly BudgetLease[] {
    return this.live;
  }

  fraction(): number {
    return this.current;
  }

  /** Joins the budget (the first heartbeat) and keeps the lease alive until `stop`. */
  async start(): Promise<void> {
    this.offProgress = this.o.emitter.on('progress', (e) => {
      this.progress = { phase: e.phase, done: e.done, total: e.total, ratePerMinute: e.ratePerMinute, etaMs: e.etaMs };
    });
    await this.beat();
    this.loop = this.keepAlive();
  }

  /** Leaves the budget at once: the other runs take this run's share at their next heartbeat. */
  async stop(): Promise<void> {
    this.offProgress?.();
    this.abort.abort();
    await this.loop?.catch(() => undefined);
    try {
      await this.o.store.leave(this.o.identity.runId);
    } catch (err) {
      this.warn('leave', `could not remove this run from the shared rate budget (${this.o.store.where}): ${describe(err)}; its lease expires in ${Math.round(this.leaseMs / 1000)} s`);
    }
  }

  async take(bucket: string, limit: number, windowMs: number): Promise<SlotAnswer> {
    const { tokenCap, orgCap } = sharedCaps(this.claims(), this.o.identity.principal, limit);
    try {
      return await this.o.store.take({ bucket, principal: this.o.identity.principal, runId: this.o.identity.runId, tokenCap, orgCap, windowMs, now: this.o.clock.now() });
    } catch (err) {
      // Without the store the run still paces to its last share and reads Okta's headers.
      this.warn('take', `the shared rate budget (${this.o.store.where}) did not answer: ${describe(err)}; pacing on this run's last share and Okta's headers`);
      return { ok: true };
    }
  }

  /** One heartbeat: renew the lease, read the others', recompute this run's share. */
  async beat(): Promise<void> {
    const now = this.o.clock.now();
    const lease: BudgetLease = {
      ...this.claim(), installation: this.o.identity.installation, host: this.o.identity.host, pid: this.o.identity.pid,
      startedAt: this.startedAt, heartbeatAt: now, expiresAt: now + this.leaseMs, fraction: this.current, progress: this.progress,
    };
    try {
      const leases = await this.o.store.heartbeat(lease, now);
      this.live = leases.some((l) => l.runId === lease.runId) ? leases : [...leases, lease];
      this.current = allocateShares(this.claims()).get(lease.runId) ?? this.current;
    } catch (err) {
      this.warn('heartbeat', `the shared rate budget (${this.o.store.where}) did not answer: ${describe(err)}; pacing on this run's last share and Okta's headers`);
    }
  }

  private claim(): BudgetClaim {
    const { runId, principal } = this.o.identity;
    return { runId, principal, priority: this.o.priority, share: this.o.share, tokenShare: this.o.tokenShare };
  }

  private claims(): BudgetClaim[] {
    return this.live.length > 0 ? this.live : [this.claim()];
  }

  private async keepAlive(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        await this.o.clock.sleep(this.heartbeatMs, this.abort.signal);
      } catch {
        return;
      }
      await this.beat();
    }
  }

  private warn(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.o.emitter.emit('warning', { code: 'RATE_BUDGET', message });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message.replace(/\/\/[^@/\s]*@/g, '//') : String(err);
}
