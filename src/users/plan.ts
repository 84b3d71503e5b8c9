import type { UserKind } from '../core/types.js';
import type { ActiveMilestones, Journal, PlanCounts, SnapshotWriter } from '../journal/types.js';
import type { BucketReading, OktaGateway } from '../okta/types.js';
import { FilterWatch, type FilterWarning } from '../records/filter-watch.js';
import { normalizeUser } from '../records/normalize.js';
import type { UserRules } from '../records/types.js';
import type { RowSource } from '../source/types.js';

/** One user source to read: its kind, the rows, and the rules that classify them. */
export interface UserSourceSpec {
  kind: UserKind;
  source: RowSource;
  rules: UserRules;
}

export interface RateEstimate {
  /** The users bucket (create + list share it) as Okta reported it. */
  limit: number;
  remaining: number;
  /** Fraction of the bucket this run may use (okta.share). */
  share: number;
  /** Creations per minute this run will aim at: share × limit. */
  perMinute: number;
}

export interface Plan {
  counts: PlanCounts[];
  /** Okta calls the run will make for users: creates + retries + conflict re-checks + updates. */
  toCreate: number;
  toUpdate: number;
  rate: RateEstimate | null;
  etaMs: number | null;
  /** When 50 %, 90 % and 100 % of the users active in the last year will have been created. */
  active?: { since: string; order: 'key' | 'last-login'; users: number; at: { percent: number; position: number; etaMs: number | null }[] };
  /** Filters (include, exclude, federatedWhen) that match no row or skip more than half of a source. */
  warnings: FilterWarning[];
}

/**
 * Streams every configured user source through normalize/classify into a journal snapshot.
 * All configured kinds are read even when a run is limited to one kind: duplicates across kinds
 * (an admin who is also a panelist) are only found when both are in the snapshot.
 */
export async function snapshotUsers(journal: Journal, specs: UserSourceSpec[], signal?: AbortSignal, watch?: FilterWatch): Promise<SnapshotWriter> {
  const snapshot = journal.beginSnapshot();
  try {
    for (const spec of specs) {
      snapshot.markKindRead(spec.kind);
      const observe = watch?.source(spec.kind, spec.rules);
      for await (const row of spec.source.rows(signal)) {
        observe?.(row);
        snapshot.add(normalizeUser(row, spec.rules));
      }
    }
    return snapshot;
  } catch (err) {
    snapshot.discard();
    throw err;
  }
}

/** The plan: a pure diff of source vs journal, plus (read-only) the rate Okta gives this token. */
export async function planUsers(
  deps: { journal: Journal; okta: OktaGateway | null },
  specs: UserSourceSpec[],
  options: { share: number; signal?: AbortSignal; active?: { since: string; order: 'key' | 'last-login' } },
): Promise<Plan> {
  const watch = new FilterWatch();
  const snapshot = await snapshotUsers(deps.journal, specs, options.signal, watch);
  let counts: PlanCounts[];
  let milestones: ActiveMilestones | null = null;
  try {
    counts = snapshot.diff();
    if (options.active && snapshot.activeMilestones) milestones = snapshot.activeMilestones(options.active.since, options.active.order);
  } finally {
    snapshot.discard();
  }
  const reading = deps.okta ? await deps.okta.probeUsersBucket() : null;
  const plan = summarizePlan(counts, reading, options.share, watch.warnings());
  if (options.active && milestones && milestones.active > 0) {
    const perMinute = plan.rate?.perMinute ?? null;
    plan.active = {
      ...options.active, users: milestones.active,
      at: milestones.at.map((m) => ({ ...m, etaMs: perMinute ? Math.ceil((m.position / perMinute) * 60_000) : null })),
    };
  }
  return plan;
}

export function summarizePlan(counts: PlanCounts[], reading: BucketReading | null, share: number, warnings: FilterWarning[] = []): Plan {
  const toCreate = counts.reduce((n, c) => n + c.create + c.retry + c.conflict, 0);
  const toUpdate = counts.reduce((n, c) => n + c.update, 0);
  const rate = reading ? { limit: reading.limit, remaining: reading.remaining, share, perMinute: Math.max(1, Math.floor(share * reading.limit)) } : null;
  const etaMs = rate ? Math.ceil((toCreate / rate.perMinute) * 60_000) : null;
  return { counts, toCreate, toUpdate, rate, etaMs, warnings };
}
