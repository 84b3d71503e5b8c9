import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import type { Config } from '../config/load.js';
import { RunBudget, type BudgetStore } from '../okta/budget.js';
import { LedgerStore, ledgerFile } from './budget-ledger.js';

/**
 * Opens the store of okta.budget for an org: the SQLite ledger in the state directory (local), or
 * Redis (loaded only when configured). null for store: none.
 */
export async function openBudgetStore(config: Config, orgUrl: string, env: NodeJS.ProcessEnv): Promise<BudgetStore | null> {
  const b = config.okta.budget;
  if (b.store === 'none') return null;
  if (b.store === 'local') return new LedgerStore(ledgerFile(b.dir, orgUrl));
  const { RedisStore } = await import('./budget-redis.js');
  const password = env.EFS_OKTA_REDIS_PASSWORD;
  return RedisStore.open({ url: b.url as string, org: orgUrl, ...(password ? { password } : {}) });
}

/** A run's part of the budget in `store`, named for this installation, host and process. */
export function runBudget(config: Config, store: BudgetStore, principal: string, deps: { clock: Clock; emitter: CoreEmitter }): RunBudget {
  const host = os.hostname();
  return new RunBudget({
    store,
    clock: deps.clock,
    emitter: deps.emitter,
    identity: { runId: `${host}:${process.pid}:${randomBytes(4).toString('hex')}`, principal, installation: config.installation, host, pid: process.pid },
    priority: config.okta.budget.priority,
    share: config.okta.share,
    tokenShare: config.okta.tokenShare,
  });
}
