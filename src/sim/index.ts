import type { Socket } from 'node:net';
import { systemClock, type Clock } from '../core/clock.js';
import { Faults } from './faults.js';
import { BUCKETS, resolveOptions, type BucketName, type ResolvedOptions, type SimOptions } from './options.js';
import { Org, type OutboxEmail } from './org.js';
import { SimOAuth } from './oauth.js';
import { RateLimiter } from './rate-limits.js';
import { secretString } from './random.js';
import { statsBody } from './routes/inspect.js';
import { closeServer, createSimServer, type ServerControls, type ServerDeps } from './server.js';
import { loadState, saveState } from './state.js';
import { SimStats } from './stats.js';

export { BUCKETS, DEFAULT_LIMITS, type BucketName, type SimOptions } from './options.js';
export type { Org, OutboxEmail } from './org.js';
export { UNLIMITED } from './rate-limits.js';

/**
 * A local Okta org (issue 2): the Management API subset the migration uses, Okta's errors, rate
 * limits and faults, over plain node:http on loopback. Start it in-process with `startSimulator`
 * or from the command line with `efs-okta sim`.
 */
export interface Simulator {
  /** `http://HOST:PORT`, the orgUrl to give the SDK. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The API token at start (SSWS or Bearer). */
  readonly token: string;
  /** True when no token was given and one was generated. */
  readonly tokenGenerated: boolean;
  readonly options: ResolvedOptions;
  /** The org itself, for direct inserts and reads in tests and benches. */
  readonly org: Org;
  readonly limiter: RateLimiter;
  /** The org authorization server for OAuth service apps (register apps, see its answers). */
  readonly oauth: SimOAuth;
  stats(): Record<string, unknown>;
  outbox(): OutboxEmail[];
  /** Empty org, counters and rate windows (POST /__sim/reset). */
  reset(): void;
  /** Every API call answers 401 E0000011 from now on (a token revoked mid-run). */
  revokeToken(): void;
  /** Replaces the API token (null = revoked). */
  setToken(token: string | null): void;
  /** The token lacks the scope for these buckets: 403 E0000006 there. */
  denyScopes(buckets: BucketName[]): void;
  setLimit(bucket: BucketName, limit: number): void;
  setConcurrency(n: number): void;
  setFaults(f: { latencyMs?: number; jitterMs?: number; failRate?: number; dropRate?: number }): void;
  /** Writes the state file now (no-op without one). */
  save(): void;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimOptions = {}): Promise<Simulator> {
  const clock: Clock = options.clock ?? systemClock;
  const o = resolveOptions(options, () => secretString(30));
  const org = new Org(clock, o.seed);
  org.behaviour.asyncActivationRequests = Math.max(0, Math.floor(options.asyncActivation ?? 0));
  org.behaviour.identityEngine = options.identityEngine ?? false;
  // The API token's and each service app's share as the Principal Rate Limits API shows it.
  org.behaviour.principalRateLimits = [
    { id: '0prsimssws', principalId: '00Tsimtoken', principalType: 'SSWS_TOKEN', defaultPercentage: Math.round(o.tokenShare * 100), defaultConcurrencyPercentage: 75 },
    ...(options.oauthApps ?? []).map((a, i) => ({ id: `0prsimoauth${i}`, principalId: a.clientId, principalType: 'OAUTH_CLIENT' as const, defaultPercentage: Math.round(o.tokenShare * 100), defaultConcurrencyPercentage: 75 })),
  ];
  if (o.stateFile) loadState(org, o.stateFile);
  const limiter = new RateLimiter(o.windowMs, { ...o.limits }, o.tokenShare, { ...o.tenantLoad }, o.extraTokens);
  const faults = new Faults(o.seed, o.latencyMs, o.jitterMs, o.failRate, o.dropRate);
  const stats = new SimStats();
  const controls: ServerControls = {
    token: o.token,
    inspectToken: o.token,
    extraTokens: new Set(o.extraTokens.keys()),
    concurrency: o.concurrency,
    deniedBuckets: new Set(),
    windowMs: o.windowMs,
  };
  const oauth = new SimOAuth();
  for (const app of options.oauthApps ?? []) oauth.register(app);
  const deps: ServerDeps = {
    org, clock, limiter, faults, stats, controls, oauth,
    onReset: () => {
      org.reset();
      stats.reset();
      limiter.reset();
      oauth.reset();
    },
  };
  const server = createSimServer(deps);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : o.port;
  const hostForUrl = o.host.includes(':') ? `[${o.host}]` : o.host;
  const save = (): void => {
    if (o.stateFile) saveState(org, o.stateFile);
  };
  const timer = o.stateFile && o.saveIntervalMs > 0 ? setInterval(save, o.saveIntervalMs) : null;
  timer?.unref();
  let stopped: Promise<void> | null = null;

  return {
    url: `http://${hostForUrl}:${port}`,
    host: o.host,
    port,
    token: o.token,
    tokenGenerated: o.tokenGenerated,
    options: o,
    org,
    limiter,
    oauth,
    stats: () => statsBody(deps),
    outbox: () => org.outbox,
    reset: deps.onReset,
    revokeToken: () => {
      controls.token = null;
    },
    setToken: (t) => {
      controls.token = t;
    },
    denyScopes: (buckets) => {
      controls.deniedBuckets = new Set(buckets.filter((b) => BUCKETS.includes(b)));
    },
    setLimit: (b, n) => limiter.setLimit(b, n),
    setConcurrency: (n) => {
      controls.concurrency = n;
    },
    setFaults: (f) => {
      if (f.latencyMs !== undefined) faults.latencyMs = f.latencyMs;
      if (f.jitterMs !== undefined) faults.jitterMs = f.jitterMs;
      if (f.failRate !== undefined) faults.failRate = f.failRate;
      if (f.dropRate !== undefined) faults.dropRate = f.dropRate;
    },
    save,
    stop: () => {
      stopped ??= (async () => {
        if (timer) clearInterval(timer);
        await closeServer(server, sockets);
        save();
      })();
      return stopped;
    },
  };
}
