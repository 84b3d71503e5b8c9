import type { Client } from '@okta/okta-sdk-nodejs';
import { systemClock, type Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import { createOktaClient, normalizeOrgUrl, resolveCredentials, type CredentialSources } from '../okta/client.js';
import { GovernedRequestExecutor } from '../okta/executor.js';
import { appOps } from '../portals/okta-apps.js';
import { groupOps } from '../groups/okta-groups.js';
import { userOps } from '../users/okta-users.js';
import { lifecycleOps } from '../users/okta-lifecycle.js';
import type { GovernorBudget } from '../okta/budget.js';
import { Governor } from '../okta/governor.js';
import { OAuthTokenProvider } from '../okta/oauth-token.js';
import { principalOf } from '../okta/principal.js';
import { call } from '../okta/call.js';
import type { BucketReading, OktaGateway, PrincipalRateLimit } from '../okta/types.js';

/**
 * The OktaGateway over the official SDK, with our governor as its request executor.
 */
export interface GatewayDeps {
  client: Client;
  governor: Governor;
  orgUrl: string;
  emitter?: CoreEmitter;
  clock?: Clock;
  tokens?: OAuthTokenProvider | null;
}

/** The gateway plus its governor (for the bench and the summary: 429 counts, learned limits). */
export interface GovernedOktaGateway extends OktaGateway {
  readonly governor: Governor;
  /** OAuth: whether the tokens are DPoP-bound (null before the first token, or with an API token). */
  usesDpop?(): boolean | null;
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
  const lifecycle = lifecycleOps(client, () => (deps.clock ?? systemClock).now());

  async function probeUsersBucket(): Promise<BucketReading | null> {
    await call('reading the users rate limit', async () => (await client.userApi.listUsers({ filter: PROBE_FILTER, limit: 1 })).next());
    const s = governor.status('users');
    if (s.limit === null || s.remaining === null || s.resetAt === null) return null;
    return { bucket: 'users', limit: s.limit, remaining: s.remaining, resetAt: s.resetAt };
  }

  /** A GET whose answer the SDK's models would trim (a schema's pattern, enum…): read as JSON. */
  async function getJson(path: string, what: string): Promise<unknown> {
    return call(what, async () => {
      const res = (await client.http.http(`${normalizeOrgUrl(deps.orgUrl)}${path}`, { method: 'get', headers: { Accept: 'application/json' } } as never)) as { json(): Promise<unknown> };
      return res.json();
    });
  }

  async function getUserSchema(): Promise<unknown> {
    return getJson('/api/v1/meta/schemas/user/default', "reading the org's user schema");
  }

  async function listPrincipalRateLimits(principalType: 'SSWS_TOKEN' | 'OAUTH_CLIENT'): Promise<PrincipalRateLimit[]> {
    const raw = await getJson(`/api/v1/principal-rate-limits?filter=${encodeURIComponent(`principalType eq "${principalType}"`)}`, 'reading the principal rate limits');
    return (Array.isArray(raw) ? raw : []).map((e: Record<string, unknown>) => ({
      principalId: String(e.principalId ?? ''),
      principalType: String(e.principalType ?? ''),
      defaultPercentage: typeof e.defaultPercentage === 'number' ? e.defaultPercentage : null,
      defaultConcurrencyPercentage: typeof e.defaultConcurrencyPercentage === 'number' ? e.defaultConcurrencyPercentage : null,
    }));
  }

  return {
    orgUrl: normalizeOrgUrl(deps.orgUrl),
    governor,
    getUserSchema,
    listPrincipalRateLimits,
    usesDpop: () => (deps.tokens ? deps.tokens.usesDpop : null),
    ...users,
    ...groups,
    ...apps,
    ...lifecycle,
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
  let tokens: OAuthTokenProvider | null = null;
  if (credentials.mode === 'oauth') {
    tokens = new OAuthTokenProvider({
      orgUrl, clientId: credentials.clientId, privateKeyPem: credentials.privateKeyPem, keyId: credentials.keyId,
      scopes: credentials.scopes, dpop: credentials.dpop, clock: options.clock,
      send: (req) => executor.sendTokenRequest(req),
      stop: (err) => governor.stop(err),
    });
    executor.useTokenProvider(tokens);
  }
  const client = createOktaClient({ orgUrl, executor, credentials });
  return createOktaGateway({ client, governor, orgUrl, emitter: options.emitter, tokens, clock: options.clock });
}

function budgetOption(budget: GovernorBudget | undefined): { budget?: GovernorBudget } {
  return budget ? { budget } : {};
}
