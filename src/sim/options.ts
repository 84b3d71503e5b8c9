import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { SimOAuthApp } from './oauth.js';

/**
 * Rate-limit buckets, one per endpoint family (okta-facts.md, "Rate limits"):
 * - users:    GET/POST /api/v1/users (list, filter, search and create share one bucket)
 * - user:     writes and lifecycle on /api/v1/users/{id}/...
 * - user-get: GET /api/v1/users/{idOrLogin} (its own, larger bucket)
 * - group: /api/v1/groups/{id} only; groups: /api/v1/groups and every other /api/v1/groups* path
 * - app:   /api/v1/apps/{id} only;   apps:   /api/v1/apps and every other /api/v1/apps* path
 *   (Okta matches buckets by exact path: https://developer.okta.com/docs/reference/rl-global-mgmt/)
 * - other:    anything else under /api/v1
 */
export const BUCKETS = ['users', 'user', 'user-get', 'groups', 'group', 'apps', 'app', 'other'] as const;
export type BucketName = (typeof BUCKETS)[number];

/**
 * Defaults from Okta's last published table for a standard org (orgs differ; clients must read headers):
 * users 600, user 600, user-get 2000, groups 500, group 1000, apps 100, app 500, other 1200.
 */
export const DEFAULT_LIMITS: Readonly<Record<BucketName, number>> = {
  users: 600,
  user: 600,
  'user-get': 2000,
  groups: 500,
  group: 1000,
  apps: 100,
  app: 500,
  other: 1200,
};

export interface SimOptions {
  host?: string;
  /** 0 = any free port. Default 0 in-process (the CLI defaults to 8017). */
  port?: number;
  /** API token; generated (and printed by the CLI) when absent. */
  token?: string;
  /** Rate-limit window in seconds (Okta: 60). */
  windowSeconds?: number;
  /** Per-bucket limits per window; 0 = unlimited. Unlisted buckets use DEFAULT_LIMITS. */
  limits?: Partial<Record<BucketName, number>>;
  /** Turn every rate and concurrency limit off (benchmarks). */
  noLimits?: boolean;
  /** Fraction of a bucket one token may use (Okta's default 0.5; 1 = no per-token cap). */
  tokenShare?: number;
  /**
   * More API tokens the org accepts besides `token`, each with its own share of every bucket
   * (null: `tokenShare`). Okta limits each token separately, all of them within the org's bucket.
   */
  extraTokens?: Record<string, number | null>;
  /** Simultaneous requests allowed; beyond that 429 with X-Rate-Limit-Limit: 0. 0 = unlimited. */
  concurrency?: number;
  /** Added to every API answer: base ms and ± jitter ms. */
  latencyMs?: number;
  jitterMs?: number;
  /** Fraction of API requests answered 500 E0000009. */
  failRate?: number;
  /** Fraction of API requests whose socket is destroyed without an answer. */
  dropRate?: number;
  /** Other applications of the org consume this fraction of a bucket, evenly over each window. */
  tenantLoad?: Partial<Record<BucketName, number>>;
  /** Activation completes only after this many further requests on the user (Okta's asynchronous activation). */
  asyncActivation?: number;
  /** Identity Engine org: activation links have the form /tokens/{token}/verify. */
  identityEngine?: boolean;
  /** OAuth 2.0 service apps (private_key_jwt; DPoP required or not) the org authorization server knows. */
  oauthApps?: SimOAuthApp[];
  /** Seed for faults (and ids) so runs are reproducible. */
  seed?: number;
  /** Persist the org: `.json` (default) or `.db`/`.sqlite` (SQLite). */
  stateFile?: string;
  /** How often the state file is saved while running (ms); 0 = only at stop. Default 30 s. */
  saveIntervalMs?: number;
  clock?: Clock;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  token: string;
  tokenGenerated: boolean;
  windowMs: number;
  limits: Record<BucketName, number>;
  tokenShare: number;
  extraTokens: Map<string, number>;
  concurrency: number;
  latencyMs: number;
  jitterMs: number;
  failRate: number;
  dropRate: number;
  tenantLoad: Record<BucketName, number>;
  seed: number | null;
  stateFile: string | null;
  saveIntervalMs: number;
}

export function isBucketName(s: string): s is BucketName {
  return (BUCKETS as readonly string[]).includes(s);
}

function fraction(name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!Number.isFinite(x) || x < 0 || x > 1) {
    throw new ConfigError('SIM_OPTION', `${name} must be a number between 0 and 1 (got ${String(v)})`);
  }
  return x;
}

function nonNegative(name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!Number.isFinite(x) || x < 0) {
    throw new ConfigError('SIM_OPTION', `${name} must be a non-negative number (got ${String(v)})`);
  }
  return x;
}

export function resolveOptions(o: SimOptions, generateToken: () => string): ResolvedOptions {
  const limits = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(o.limits ?? {})) {
    if (!isBucketName(k)) throw new ConfigError('SIM_OPTION', `unknown bucket "${k}"; use one of ${BUCKETS.join(', ')}`);
    limits[k] = Math.floor(nonNegative(`limit ${k}`, v, 0));
  }
  if (o.noLimits) for (const b of BUCKETS) limits[b] = 0;
  const tenantLoad = Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<BucketName, number>;
  for (const [k, v] of Object.entries(o.tenantLoad ?? {})) {
    if (!isBucketName(k)) throw new ConfigError('SIM_OPTION', `unknown bucket "${k}"; use one of ${BUCKETS.join(', ')}`);
    tenantLoad[k] = fraction(`tenant-load ${k}`, v, 0);
  }
  const tokenShare = fraction('token-share', o.tokenShare, 0.5);
  if (tokenShare === 0) throw new ConfigError('SIM_OPTION', 'token-share must be above 0 (1 disables the per-token cap)');
  const extraTokens = new Map<string, number>();
  for (const [t, share] of Object.entries(o.extraTokens ?? {})) {
    if (!/^[\x21-\x7e]+$/.test(t)) throw new ConfigError('SIM_OPTION', 'an extra token must be printable ASCII without spaces');
    const f = fraction('extra token share', share ?? tokenShare, tokenShare);
    if (f === 0) throw new ConfigError('SIM_OPTION', 'an extra token\'s share must be above 0');
    extraTokens.set(t, f);
  }
  return {
    host: o.host ?? '127.0.0.1',
    port: Math.floor(nonNegative('port', o.port, 0)),
    token: o.token ?? generateToken(),
    tokenGenerated: o.token === undefined,
    windowMs: nonNegative('window', o.windowSeconds, 60) * 1000 || 60_000,
    limits,
    tokenShare,
    extraTokens,
    concurrency: o.noLimits ? 0 : Math.floor(nonNegative('concurrency', o.concurrency, 0)),
    latencyMs: nonNegative('latency', o.latencyMs, 0),
    jitterMs: nonNegative('latency jitter', o.jitterMs, 0),
    failRate: fraction('fail-rate', o.failRate, 0),
    dropRate: fraction('drop-rate', o.dropRate, 0),
    tenantLoad,
    seed: o.seed ?? null,
    stateFile: o.stateFile ?? null,
    saveIntervalMs: nonNegative('save interval', o.saveIntervalMs, 30_000),
  };
}
