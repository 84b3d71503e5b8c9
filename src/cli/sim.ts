import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { BUCKETS, isBucketName, type BucketName } from '../sim/options.js';
import { startSimulator, type SimOptions, type Simulator } from '../sim/index.js';

/**
 * `efs-okta sim`: a local Okta org for the demo, tests and rehearsals. Prints exactly one line
 * "okta simulator listening on http://HOST:PORT" when ready (plus "token: …" when it generated
 * the token) and stops cleanly, saving --state, on SIGINT/SIGTERM.
 */
export interface SimFlags {
  host: string;
  port: string;
  token?: string;
  window?: string;
  limit: string[];
  limits: boolean;
  tokenShare?: string;
  extraToken?: string[];
  concurrency?: string;
  latency?: string;
  failRate?: string;
  dropRate?: string;
  tenantLoad: string[];
  seed?: string;
  state?: string;
  saveInterval?: string;
}

function num(flag: string, v: string | undefined, check: (n: number) => boolean = () => true): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError('SIM_FLAG', `${flag} ${v}: not a valid value (see efs-okta sim --help)`);
  return n;
}

function pairs(flag: string, items: string[], allowAll: boolean): [BucketName | 'all', number][] {
  return items.map((item) => {
    const m = /^([a-z-]+)=([0-9.]+)$/.exec(item.trim());
    const bucket = m?.[1] ?? '';
    if (!m || !(isBucketName(bucket) || (allowAll && bucket === 'all'))) {
      throw new UsageError('SIM_FLAG', `${flag} ${item}: write BUCKET=VALUE with BUCKET one of ${BUCKETS.join(', ')}${allowAll ? ' or all' : ''}`);
    }
    return [bucket as BucketName | 'all', Number(m[2])];
  });
}

/** Maps the command-line flags to simulator options (exported for tests). */
export function simOptionsFromFlags(f: SimFlags): SimOptions {
  const o: SimOptions = { host: f.host, port: num('--port', f.port, (n) => Number.isInteger(n) && n >= 0 && n < 65536) ?? 8017 };
  if (f.token !== undefined) o.token = f.token;
  o.windowSeconds = num('--window', f.window, (n) => n > 0);
  const limits: Partial<Record<BucketName, number>> = {};
  for (const [b, n] of pairs('--limit', f.limit, true)) {
    if (!Number.isInteger(n)) throw new UsageError('SIM_FLAG', `--limit ${b}=${n}: the limit must be a whole number (0 = unlimited)`);
    if (b === 'all') for (const x of BUCKETS) limits[x] = n;
    else limits[b] = n;
  }
  o.limits = limits;
  o.noLimits = !f.limits;
  o.tokenShare = num('--token-share', f.tokenShare, (n) => n > 0 && n <= 1);
  if (f.extraToken && f.extraToken.length > 0) {
    const extra: Record<string, number | null> = {};
    for (const item of f.extraToken) {
      const m = /^([\x21-\x3c\x3e-\x7e]+)(?:=([0-9.]+))?$/.exec(item.trim());
      if (!m) throw new UsageError('SIM_FLAG', '--extra-token: write TOKEN or TOKEN=SHARE (a printable token without spaces or "=", SHARE in (0, 1])');
      extra[m[1] as string] = m[2] === undefined ? null : num('--extra-token share', m[2], (n) => n > 0 && n <= 1) ?? null;
    }
    o.extraTokens = extra;
  }
  o.concurrency = num('--concurrency', f.concurrency, (n) => Number.isInteger(n) && n >= 0);
  if (f.latency !== undefined) {
    const m = /^(\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(f.latency);
    if (!m) throw new UsageError('SIM_FLAG', `--latency ${f.latency}: write MS or MS:JITTER_MS, e.g. 50:20`);
    o.latencyMs = Number(m[1]);
    o.jitterMs = m[2] === undefined ? 0 : Number(m[2]);
  }
  o.failRate = num('--fail-rate', f.failRate, (n) => n >= 0 && n <= 1);
  o.dropRate = num('--drop-rate', f.dropRate, (n) => n >= 0 && n <= 1);
  const load: Partial<Record<BucketName, number>> = {};
  for (const [b, n] of pairs('--tenant-load', f.tenantLoad, false)) {
    if (n > 1) throw new UsageError('SIM_FLAG', `--tenant-load ${b}=${n}: the fraction must be between 0 and 1`);
    load[b as BucketName] = n;
  }
  o.tenantLoad = load;
  o.seed = num('--seed', f.seed, (n) => Number.isInteger(n));
  if (f.state !== undefined) o.stateFile = f.state;
  const every = num('--save-interval', f.saveInterval, (n) => n >= 0);
  if (every !== undefined) o.saveIntervalMs = every * 1000;
  for (const k of Object.keys(o) as (keyof SimOptions)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** Starts the simulator, announces it on `out`, and stops it when `until` resolves. */
export async function runSim(options: SimOptions, out: NodeJS.WritableStream, until: (sim: Simulator) => Promise<void>): Promise<void> {
  const sim = await startSimulator(options);
  out.write(`okta simulator listening on ${sim.url}\n`);
  if (sim.tokenGenerated) out.write(`token: ${sim.token}\n`);
  try {
    await until(sim);
  } finally {
    await sim.stop();
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(program: Command): void {
  program
    .command('sim')
    .description('run a local Okta org (Management API subset, rate limits, faults) for the demo, tests and rehearsals')
    .option('--host <host>', 'address to listen on (loopback by default)', '127.0.0.1')
    .option('--port <port>', 'port; 0 = any free port', '8017')
    .option('--token <token>', 'API token to accept (SSWS or Bearer); generated and printed when absent')
    .option('--window <seconds>', 'rate-limit window in seconds (Okta: 60)')
    .option('--limit <bucket=n>', `requests per window for a bucket (${BUCKETS.join(', ')}, or all); 0 = unlimited; repeatable`, collect, [])
    .option('--no-limits', 'turn every rate and concurrency limit off (benchmarks)')
    .option('--token-share <fraction>', "fraction of a bucket one token may use (Okta's default 0.5; 1 = no cap)")
    .option('--extra-token <token[=share]>', 'another API token of the org with its own share of each bucket (default: --token-share); repeatable', collect, [])
    .option('--concurrency <n>', 'simultaneous requests allowed; more get 429 with X-Rate-Limit-Limit: 0 (0 = unlimited)')
    .option('--latency <ms[:jitter]>', 'added latency per answer, with optional ± jitter')
    .option('--fail-rate <p>', 'fraction of requests answered 500 E0000009')
    .option('--drop-rate <p>', 'fraction of requests whose connection is dropped without an answer')
    .option('--tenant-load <bucket=fraction>', "other applications' use of a bucket, spread over each window; repeatable", collect, [])
    .option('--seed <n>', 'seed for faults and ids (reproducible runs)')
    .option('--state <file>', 'persist the org: .json, or .db/.sqlite for SQLite (loaded at start, saved periodically and on stop)')
    .option('--save-interval <seconds>', 'how often --state is saved while running (default 30; 0 = only on stop)')
    .action(async (f: SimFlags) => {
      await runSim(simOptionsFromFlags(f), process.stdout, () => untilSignal());
    });
}
