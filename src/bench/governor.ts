import { systemClock } from '../core/clock.js';
import { CoreEmitter } from '../core/events.js';
import { openOktaGateway } from '../app/okta-gateway.js';
import { startSimulator } from '../sim/index.js';

/**
 * Governor bench: users created ÷ users allowed against the simulator at a 600/min users bucket
 * with 100–200 ms latency, alone and with another tenant using 40 % of the bucket. "Allowed" is
 * what our share lets us create in the elapsed time: share × limit per window, or what the other
 * tenant leaves (1 − load) × limit when that is less. Creates go through the real gateway
 * (SDK + governed executor) over loopback.
 */
export interface GovernorBenchOptions {
  seconds: number;
  share: number;
  tenantLoad: number;
  limit?: number;
  workers?: number;
  windowSeconds?: number;
}

export interface GovernorBenchResult {
  label: string;
  seconds: number;
  created: number;
  allowed: number;
  ratio: number;
  requests: number;
  rateLimited: number;
  rateLimitedShare: number;
}

export async function benchGovernor(o: GovernorBenchOptions): Promise<GovernorBenchResult> {
  const limit = o.limit ?? 600;
  const windowSeconds = o.windowSeconds ?? 60;
  const sim = await startSimulator({
    token: 'bench-token', seed: 11, tokenShare: 1, windowSeconds, latencyMs: 150, jitterMs: 50,
    limits: { users: limit }, tenantLoad: { users: o.tenantLoad },
  });
  const emitter = new CoreEmitter();
  const okta = openOktaGateway({
    orgUrl: sim.url, share: o.share, concurrency: 8, maxAttempts: 6, credentials: { env: { OKTA_API_TOKEN: sim.token } }, clock: systemClock, emitter,
  });
  let n = 0;
  let created = 0;
  const start = Date.now();
  const end = start + o.seconds * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const i = n++;
      const r = await okta.createUser({
        profile: { login: `bench${i}@bench.example`, email: `bench${i}@bench.example`, firstName: 'Bench', lastName: String(i) },
        passwordHash: null, groupIds: [],
      });
      if (r.outcome === 'created' && Date.now() <= end) created++;
    }
  };
  try {
    await Promise.all(Array.from({ length: o.workers ?? 8 }, worker));
  } finally {
    await sim.stop();
  }
  const seconds = (end - start) / 1000;
  const perWindow = Math.min(o.share, 1 - o.tenantLoad) * limit;
  const allowed = Math.floor((perWindow * seconds) / windowSeconds);
  const requests = okta.governor.stats.sent;
  const rateLimited = okta.governor.stats.rateLimited + okta.governor.stats.concurrencyLimited;
  return {
    label: `share ${o.share}, other tenant ${Math.round(o.tenantLoad * 100)} %`,
    seconds, created, allowed, ratio: created / allowed, requests, rateLimited, rateLimitedShare: rateLimited / Math.max(1, requests),
  };
}

export function formatGovernorBench(r: GovernorBenchResult): string {
  return `${r.label.padEnd(32)} ${String(r.created).padStart(6)} created / ${String(r.allowed).padStart(6)} allowed = ${r.ratio.toFixed(3)}  ` +
    `429s ${r.rateLimited}/${r.requests} (${(r.rateLimitedShare * 100).toFixed(2)} %) in ${r.seconds.toFixed(0)} s`;
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const seconds = Number(process.argv[2] ?? 120);
  for (const [share, tenantLoad] of [[0.8, 0], [0.8, 0.4]] as const) {
    console.log(formatGovernorBench(await benchGovernor({ seconds, share, tenantLoad })));
  }
}

/** The `npm run bench` section: 120 s alone, 120 s with another tenant using 40 % of the bucket. */
export async function benchGovernorSection(seconds = Number(process.env.EFS_OKTA_BENCH_SECONDS ?? 120)): Promise<Record<string, number | string>> {
  const alone = await benchGovernor({ seconds, share: 0.8, tenantLoad: 0 });
  const shared = await benchGovernor({ seconds, share: 0.8, tenantLoad: 0.4 });
  return {
    seconds,
    'alone: created / allowed': Number(alone.ratio.toFixed(3)),
    'alone: created': alone.created,
    'alone: 429s': alone.rateLimited,
    'tenant 40%: created / allowed': Number(shared.ratio.toFixed(3)),
    'tenant 40%: 429 share of requests': `${(shared.rateLimitedShare * 100).toFixed(2)} %`,
    'target: alone ≥ 0.98 with zero 429s': alone.ratio >= 0.98 && alone.rateLimited === 0 ? 'met' : 'MISSED',
    'target: tenant 40% ≤ 1 % 429s': shared.rateLimitedShare <= 0.01 ? 'met' : 'MISSED',
  };
}
