import { systemClock, type Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import { effectiveShare, requireOrgUrl, type Config } from '../config/load.js';
import type { RunBudget } from '../okta/budget.js';
import { openOktaGateway, type GovernedOktaGateway } from './okta-gateway.js';
import { openBudgetStore, runBudget } from './budget.js';

export interface ConnectedOkta {
  okta: GovernedOktaGateway;
  /** The run's part of the org's shared rate budget (null: okta.budget.store none). */
  budget: RunBudget | null;
  /** Leaves the shared budget at once (the other runs take this run's share) and closes its store. */
  close(): Promise<void>;
}

/** The Okta gateway for a command: the config's org, share, concurrency, credentials and shared budget. */
export async function connectOkta(
  config: Config,
  deps: { emitter: CoreEmitter; clock: Clock; env: NodeJS.ProcessEnv },
  options: { joinBudget?: boolean } = {},
): Promise<ConnectedOkta> {
  const orgUrl = requireOrgUrl(config);
  // A handful of read-only look-ups (doctor, plan's schema read) does not join the shared budget: it
  // would show as a run drawing on the org in `status --org` and take a share from the real runs.
  const store = options.joinBudget === false ? null : await openBudgetStore(config, orgUrl, deps.env);
  const made: { budget: RunBudget | null } = { budget: null };
  try {
    const okta = openOktaGateway({
      orgUrl,
      share: effectiveShare(config.okta),
      concurrency: config.okta.concurrency,
      maxAttempts: config.okta.maxAttempts,
      credentials: { tokenFile: config.tokenFile, oauth: config.okta.oauth ?? null, env: deps.env, baseDir: config.baseDir },
      clock: deps.clock,
      emitter: deps.emitter,
      // Leases are compared between processes: they run on real time even when a test fakes the run's clock.
      budgetFor: (principal) => (store ? (made.budget = runBudget(config, store, principal, { clock: systemClock, emitter: deps.emitter })) : undefined),
    });
    const held = made.budget;
    await held?.start();
    return {
      okta,
      budget: held,
      close: async () => {
        await held?.stop();
        await store?.close();
      },
    };
  } catch (err) {
    await store?.close();
    throw err;
  }
}
