import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import { effectiveShare, requireOrgUrl, type Config } from '../config/load.js';
import { openOktaGateway, type GovernedOktaGateway } from '../okta/gateway.js';

/** The Okta gateway for a command: the config's org, share, concurrency and credentials. */
export async function connectOkta(
  config: Config,
  deps: { emitter: CoreEmitter; clock: Clock; env: NodeJS.ProcessEnv },
): Promise<GovernedOktaGateway> {
  return openOktaGateway({
    orgUrl: requireOrgUrl(config),
    share: effectiveShare(config.okta),
    concurrency: config.okta.concurrency,
    maxAttempts: config.okta.maxAttempts,
    credentials: { tokenFile: config.tokenFile, oauth: config.okta.oauth ?? null, env: deps.env, baseDir: config.baseDir },
    clock: deps.clock,
    emitter: deps.emitter,
  });
}
