import { openBudgetStore } from '../app/budget.js';
import type { Runtime } from '../app/runtime.js';
import { requireOrgUrl, type Config } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import { isAlive } from '../journal/sqlite.js';
import { buildOrgStatus, type OrgStatusModel } from '../report/org-status.js';
import { buildStatus, type StatusModel } from '../report/status-model.js';

/**
 * `status`: where a run stands, from the journal (works while a run goes on in another process).
 * Runs on a runtime opened read-only without Okta; the same model `--json` prints and the dashboard shows.
 */
export function status(rt: Pick<Runtime, 'journal'>, now: number = systemClock.now()): StatusModel {
  return buildStatus(rt.journal, { now, funnel: rt.journal.activation?.funnel(now) ?? null, holderAlive: isAlive });
}

/** `status --org`: every run drawing on the org's shared rate budget; reads the budget's store only (no journal, no Okta call). */
export async function orgStatus(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<OrgStatusModel> {
  const org = requireOrgUrl(config);
  const store = await openBudgetStore(config, org, env);
  if (!store) throw new UsageError('NO_BUDGET_STORE', 'okta.budget.store is none: no run records itself anywhere; use --budget-store local (this machine) or redis (--budget-url) to see the runs that share one');
  try {
    return buildOrgStatus(org, store, await store.list(systemClock.now()), systemClock.now());
  } finally {
    await store.close();
  }
}
