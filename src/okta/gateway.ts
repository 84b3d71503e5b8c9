import type { Client } from '@okta/okta-sdk-nodejs';
import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import { createOktaClient, normalizeOrgUrl, resolveCredentials, type CredentialSources } from './client.js';
import { GovernedRequestExecutor } from './executor.js';
import { appOps } from './gateway-apps.js';
import { groupOps } from './gateway-groups.js';
import { userOps } from './gateway-users.js';
import type { GovernorBudget } from './budget.js';
import { Governor } from './governor.js';
import { principalOf } from './principal.js';
import { unexpected } from './okta-errors.js';
import type { BucketReading, OktaGateway } from './types.js';

/**
 * The OktaGateway over the official SDK, with our governor as its request executor.
 */
export interface GatewayDeps {
  client: Client;
  governor: Governor;
  orgUrl: string;
  emitter?: CoreEmitter;
}

/** The gateway plus its governor (for the bench and the summary: 429 counts, learned limits). */
export interface GovernedOktaGateway extends OktaGateway {
  readonly governor: Governor;
}

/**
 * The probe's request: it lists no user (no id looks like this), so no personal data travels, and
 * it spends one request of the `users` bucket: the bucket whose rate `plan` must report, since
 * creating users spends it. One request of 600 a minute is a fair price for the real figure.
 */
export const PROBE_FILTER = 'id eq "efs-okta-probe"';

export function createOktaGateway(deps: GatewayDeps): GovernedOktaGateway {
  const { client, governor } = deps;
  const users = userOps(client);
  const groups = groupOps(client);
  const apps = appOps(client);

  async function probeUsersBucket(): Promise<BucketReading | null> {
    try {
      const collection = await client.userApi.listUsers({ filter: PROBE_FILTER, limit: 1 });
      await collection.next();
    } catch (err) {
      throw unexpected(err, 'reading the users rate limit');
    }
    const s = governor.status('users');
    if (s.limit === null || s.remaining === null || s.resetAt === null) return null;
    return { bucket: 'users', limit: s.limit, remaining: s.remaining, resetAt: s.resetAt };
  }

  return {
    orgUrl: normalizeOrgUrl(deps.orgUrl),
    governor,
    ...users,
    ...groups,
    ...apps,
    probeUsersBucket,
  };
}

export interface OpenGatewayOptions {
  orgUrl: string;
  share: number;
  concurrency: number;
  maxAttempts: number;
  credentials: CredentialSources;
  clock: Clock;
  emitter: CoreEmitter;
  timeoutMs?: number;
  /**
   * The run's part of the org's shared rate budget, made for the token (or OAuth app) in use:
   * `principal` is its fingerprint (principal.ts), never the secret.
   */
  budgetFor?: (principal: string) => GovernorBudget | undefined;
}

/**
 * Everything wired for one command: credentials → governor → executor → SDK client → gateway.
 * Credential warnings (e.g. a token file others can read) are emitted as `warning` events.
 */
export function openOktaGateway(options: OpenGatewayOptions): GovernedOktaGateway {
  const orgUrl = normalizeOrgUrl(options.orgUrl);
  const credentials = resolveCredentials(options.credentials);
  for (const message of credentials.warnings) options.emitter.emit('warning', { code: 'CREDENTIALS', message });
  const governor = new Governor({
    clock: options.clock,
    emitter: options.emitter,
    share: options.share,
    concurrency: options.concurrency,
    maxAttempts: options.maxAttempts,
    credentials: credentials.hint,
    ...budgetOption(options.budgetFor?.(principalOf(credentials))),
  });
  const executor = new GovernedRequestExecutor({ governor, orgUrl, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  const client = createOktaClient({ orgUrl, executor, credentials });
  return createOktaGateway({ client, governor, orgUrl, emitter: options.emitter });
}

function budgetOption(budget: GovernorBudget | undefined): { budget?: GovernorBudget } {
  return budget ? { budget } : {};
}
