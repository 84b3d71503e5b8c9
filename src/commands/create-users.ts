import { preflightSources, USER_SOURCES } from '../app/preflight.js';
import { userSourceSpecs, type Runtime } from '../app/runtime.js';
import { ConfigError } from '../core/errors.js';
import type { UserKind } from '../core/types.js';
import { effectiveShare } from '../config/load.js';
import { pageByLastLogin } from '../journal/activation.js';
import type { PlanCounts } from '../journal/types.js';
import { FilterWatch, type FilterWarning } from '../records/filter-watch.js';
import type { ActivationOrder } from '../users/activate-order.js';
import { createUsers as createPhase, type CreateSummary } from '../users/create.js';
import { planUsers, snapshotUsers } from '../users/plan.js';
import { needsAttention } from './exit-codes.js';
import { runCommand, type CommandOutcome } from './run-command.js';
import { defaultOrder, kindsOrAll } from './user-kinds.js';

/** `users create`: phase 1, every pending admin and panelist created STAGED in Okta; a rerun syncs what changed. */
export interface CreateUsersOptions {
  kinds?: UserKind[];
  /** Create at most this many users in this run. */
  limit?: number;
  /** Who first (default: last-login when the panelists map lastLogin, else key). */
  order?: ActivationOrder;
  /** Deactivate the Okta users of records that left the source or became excluded (default: only report them). */
  deactivateRemoved?: boolean;
  /** Confirms a deactivation larger than safety.maxDeactivateShare. */
  yes?: boolean;
  /** Use Okta groups with the installation's names that this journal did not create. */
  adoptGroups?: boolean;
  signal?: AbortSignal;
  /** The sources are in the journal and nothing was sent yet: what this run is about to do. */
  onSnapshot?: (s: SnapshotInfo) => void;
  /** Right before the run record opens (the CLI starts its dashboard here). */
  beforeRun?: () => Promise<void> | void;
}

export interface SnapshotInfo {
  kinds: UserKind[];
  /** Include/exclude rules that skipped a suspicious share of the rows (a typo in a value?). */
  filterWarnings: FilterWarning[];
  /** Users to create or update (with retries and conflicts looked at again). */
  toDo: number;
  /** Users whose Okta user was deactivated and who are back in the source: users activate reactivates them. */
  reactivatable: number;
}

export interface CreateUsersSummary extends CreateSummary {
  kinds: UserKind[];
  durationMs: number;
}

/** Runs phase 1 on a runtime opened with Okta and without `lock`. */
export async function createUsers(rt: Runtime, options: CreateUsersOptions = {}): Promise<CommandOutcome<CreateUsersSummary>> {
  const kinds = kindsOrAll(options.kinds);
  const okta = rt.okta;
  if (!okta) throw new ConfigError('OKTA_REQUIRED', 'users create needs an Okta connection (this runtime was opened without one)');
  return runCommand(rt, { command: 'users create', phase: 'create' }, async (run) => {
    await preflightSources(rt.config, USER_SOURCES);
    await options.beforeRun?.();
    run.start();
    const watch = new FilterWatch();
    const snapshot = await snapshotUsers(rt.journal, userSourceSpecs(rt.config), options.signal, watch);
    const counts = snapshot.apply(rt.clock.now());
    snapshot.discard();
    const mine = counts.filter((c) => kinds.includes(c.kind));
    options.onSnapshot?.({
      kinds,
      filterWarnings: watch.warnings(),
      toDo: mine.reduce((n, c) => n + c.create + c.retry + c.conflict + c.update, 0),
      reactivatable: mine.reduce((n, c) => n + c.reactivate, 0),
    });
    const started = rt.clock.now();
    const order = options.order ?? defaultOrder(rt.config, kinds);
    const summary = await createPhase(
      { journal: rt.journal, okta, emitter: rt.emitter, clock: rt.clock },
      {
        installation: rt.config.installation, kinds, onExisting: rt.config.onExisting, concurrency: rt.config.okta.concurrency, limit: options.limit, groupNames: rt.config.groups,
        deactivateRemoved: options.deactivateRemoved ?? false, maxDeactivateShare: rt.config.safety.maxDeactivateShare, confirmed: options.yes ?? false,
        adoptGroups: options.adoptGroups ?? false, signal: options.signal,
        pendingPage: order === 'last-login' ? (k, after, limit) => pageByLastLogin(rt.journal.db, k, 'pending', after, limit) : undefined,
      },
    );
    return {
      summary: { ...summary, kinds, durationMs: rt.clock.now() - started },
      interrupted: summary.interrupted,
      attention: needsAttention(rt.journal, kinds),
      counts: { ...summary, interrupted: summary.interrupted ? 1 : 0 },
    };
  });
}

export interface CreatePreview {
  kinds: UserKind[];
  /** What a run would do, per kind and outcome (only the kinds asked for). */
  counts: PlanCounts[];
  filterWarnings: FilterWarning[];
}

/** `users create --dry-run`: what a run would do; reads the sources, calls nothing in Okta, writes nothing. */
export async function previewCreate(rt: Runtime, options: { kinds?: UserKind[] } = {}): Promise<CreatePreview> {
  const kinds = kindsOrAll(options.kinds);
  await preflightSources(rt.config, USER_SOURCES);
  const plan = await planUsers({ journal: rt.journal, okta: null }, userSourceSpecs(rt.config), { share: effectiveShare(rt.config.okta) });
  return { kinds, counts: plan.counts.filter((c) => kinds.includes(c.kind)), filterWarnings: plan.warnings };
}
