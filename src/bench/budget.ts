import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../sim/index.js';
import { startRedis, type PrivateRedis } from './redis-server.js';
import { CLI_PATH } from './sim-process.js';

/**
 * Many installations, one org: `efs-okta users create` runs (child processes, as support starts
 * them) against one simulator with Okta's default per-token limit (50 %), the users bucket at
 * LIMIT per 6 s window (short windows keep the bench short; the pacer learns them) and 100–200 ms
 * latency. Side by side:
 *
 *   one token   three installations of U users at once vs one installation of 3U: time ratio,
 *               429 share, and when each run's first user came (three Node processes starting
 *               at once share this machine's cores: the start-up is part of the ratio);
 *               429 share; with the local ledger (default) and with no shared store.
 *   three tokens three installations, one token each (50 % each): together against what the org
 *               allows them (share 0.8 of the bucket), 429 share, each against its fair third;
 *               with the local ledger, and across processes that share only Redis (each run its
 *               own state directory).
 *
 *   EFS_OKTA_BENCH_BUDGET_USERS   U (default 600: a run of a few minutes, as migrations are longer
 *                                 still; with 200 the ~3 s start-up of three processes on two
 *                                 cores alone is 7 % of the run). The three-token runs create
 *                                 400 each (six windows or more measured after the first two).

 */
const WINDOW_SECONDS = 6;
const LIMIT = 240;
const SHARE = 0.8;
const TOKEN_RUN_USERS = 400;
const TOKENS = ['bench-token-a-0001', 'bench-token-b-0002', 'bench-token-c-0003'];

interface RunResult {
  name: string;
  seconds: number;
  code: number | null;
  tail: string;
}

interface Scenario {
  runs: RunResult[];
  seconds: number;
  startedAt: number;
  requests: number;
  rateLimited: number;
  created: Map<string, number[]>;
}

function writeInstallation(dir: string, name: string, orgUrl: string, users: number): string {
  const rows: string[] = ['pcode;u_email;u_firstname;u_name;p_status'];
  for (let i = 0; i < users; i++) rows.push(`${name}-${i};${name}.${i}@bench.example;Pat;${name}${i};active`);
  writeFileSync(path.join(dir, `${name}.csv`), `${rows.join('\n')}\n`);
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `installation: ${name}
okta: { orgUrl: ${JSON.stringify(orgUrl)} }
sources:
  panelists:
    file: ${name}.csv
    delimiter: ";"
    columns: { key: pcode, email: u_email, firstName: u_firstname, lastName: u_name, status: p_status }
journal: ${name}.sqlite
`);
  return file;
}

function runCli(config: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_PATH, 'users', 'create', '-c', config], { cwd: path.dirname(config), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-2000)));
  child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-2000)));
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({
      name: path.basename(config, '.yaml'), seconds: (performance.now() - started) / 1000, code,
      tail: (/created \d+[^\n]*/.exec(out)?.[0] ?? out.trim().split('\n').pop() ?? '').slice(0, 160),
    }));
  });
}

interface RunSpec {
  name: string;
  users: number;
  token: string;
  env: NodeJS.ProcessEnv;
}

async function scenario(specs: RunSpec[], seed: number): Promise<Scenario> {
  const extraTokens = Object.fromEntries(TOKENS.slice(1).map((t) => [t, null]));
  const sim: Simulator = await startSimulator({
    token: TOKENS[0], extraTokens, seed, windowSeconds: WINDOW_SECONDS, latencyMs: 150, jitterMs: 50, tokenShare: 0.5, limits: { users: LIMIT },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-bench-budget-'));
  try {
    const configs = specs.map((s) => writeInstallation(dir, s.name, sim.url, s.users));
    const started = performance.now();
    const startedAt = Date.now();
    const runs = await Promise.all(specs.map((s, i) => runCli(configs[i] as string, { OKTA_API_TOKEN: s.token, EFS_OKTA_STATE_DIR: path.join(dir, 'state'), ...s.env })));
    const seconds = (performance.now() - started) / 1000;
    const created = new Map<string, number[]>();
    for (const u of sim.org.users.iterateFrom(0)) {
      const name = u.login.split('.')[0] ?? '';
      created.set(name, [...(created.get(name) ?? []), u.created]);
    }
    const st = sim.stats() as { total: number; rateLimited: number; concurrencyLimited: number };
    return { runs, seconds, startedAt, requests: st.total, rateLimited: st.rateLimited + st.concurrencyLimited, created };
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Creations per run while all ran at once, against what the org allows them in that time. The
 * first two windows are left out: until a Reset roll-over shows the simulator's 6 s window, a run
 * paces as if it were Okta's minute (alone or not).
 */
function together(s: Scenario): { ratio: number; perRun: number[]; seconds: number } {
  const lists = [...s.created.values()].map((l) => l.sort((a, b) => a - b));
  const from = Math.max(...lists.map((l) => l[0] ?? 0)) + 2 * WINDOW_SECONDS * 1000;
  const to = Math.min(...lists.map((l) => l[l.length - 1] ?? 0));
  const perRun = lists.map((l) => l.filter((t) => t >= from && t <= to).length);
  const allowed = (SHARE * LIMIT * (to - from)) / (WINDOW_SECONDS * 1000);
  return { ratio: perRun.reduce((a, b) => a + b, 0) / allowed, perRun, seconds: (to - from) / 1000 };
}

/** Seconds from the scenario's start to each run's first created user (process start-up, groups, the first window). */
const firstAfter = (s: Scenario): string[] => [...s.created.values()].map((l) => ((Math.min(...l) - s.startedAt) / 1000).toFixed(1));
const pct = (n: number, d: number): string => `${((100 * n) / Math.max(1, d)).toFixed(2)} %`;
const runsText = (s: Scenario): string => s.runs.map((r) => `${r.name} ${r.seconds.toFixed(1)} s${r.code === 0 ? '' : ` exit ${String(r.code)}: ${r.tail}`}`).join(', ');

export async function benchBudget(users: number): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {
    simulator: `users bucket ${LIMIT} per ${WINDOW_SECONDS} s window, each token 50 %, latency 150±50 ms; runs are efs-okta users create processes (share ${SHARE}, tokenShare 0.5)`,
  };
  const local = { EFS_OKTA_BUDGET_STORE: 'local' };
  const none = { EFS_OKTA_BUDGET_STORE: 'none' };
  const three = (token: (i: number) => string, env: (i: number) => NodeJS.ProcessEnv, n = users): RunSpec[] =>
    ['inst1', 'inst2', 'inst3'].map((name, i) => ({ name, users: n, token: token(i), env: env(i) }));

  // One scenario at a time: on a machine of two cores, six runs and two simulators at once starve
  // each other's timers, and the pace measured would be the machine's, not the budget's.
  const alone = await scenario([{ name: 'alone', users: 3 * users, token: TOKENS[0] as string, env: local }], 1);
  const shared = await scenario(three(() => TOKENS[0] as string, () => local), 2);
  const bare = await scenario(three(() => TOKENS[0] as string, () => none), 3);
  const ratio = shared.seconds / alone.seconds;
  out['one token: one installation of 3U'] = `${3 * users} users in ${alone.seconds.toFixed(1)} s, 429s ${alone.rateLimited}/${alone.requests}`;
  out['one token: three of U at once (local ledger)'] = `${shared.seconds.toFixed(1)} s (${runsText(shared)}), 429s ${shared.rateLimited}/${shared.requests} (${pct(shared.rateLimited, shared.requests)})`;
  out['one token: three at once ÷ one'] = Number(ratio.toFixed(3));
  out['one token: first user created after'] = `${firstAfter(alone).join('')} s alone; ${firstAfter(shared).join(' / ')} s with three at once (${os.cpus().length} cores)`;
  out['one token: three of U at once (no store)'] = `${bare.seconds.toFixed(1)} s = ${(bare.seconds / alone.seconds).toFixed(3)}× one, 429s ${bare.rateLimited}/${bare.requests} (${pct(bare.rateLimited, bare.requests)})`;
  out['target: one token ratio ≤ 1.05, ≤ 1 % 429s'] = ratio <= 1.05 && shared.rateLimited <= 0.01 * shared.requests ? 'met' : 'MISSED';

  const redis: PrivateRedis = await startRedis();
  try {
    const tokens = await scenario(three((i) => TOKENS[i] as string, () => local, TOKEN_RUN_USERS), 4);
    // Each run its own state directory: they share nothing but Redis (as on three desks).
    const viaRedis = await scenario(three((i) => TOKENS[i] as string, (i) => ({
      EFS_OKTA_BUDGET_STORE: 'redis', EFS_OKTA_BUDGET_URL: redis.url, EFS_OKTA_REDIS_PASSWORD: redis.password, EFS_OKTA_STATE_DIR: path.join(os.tmpdir(), `efs-okta-bench-desk-${process.pid}-${i}`),
    }), TOKEN_RUN_USERS), 5);
    for (const [label, s] of [['three tokens (local ledger)', tokens], ['three tokens, separate processes sharing only Redis', viaRedis]] as const) {
      const t = together(s);
      const fair = t.perRun.reduce((a, b) => a + b, 0) / 3;
      const spread = Math.max(...t.perRun.map((n) => Math.abs(n / fair - 1)));
      out[`${label}: together ÷ allowed`] = `${t.ratio.toFixed(3)} over ${t.seconds.toFixed(1)} s while all three ran, after the first two windows (created ${t.perRun.join(' / ')}; allowed ${SHARE} × ${LIMIT} per ${WINDOW_SECONDS} s)`;
      out[`${label}: 429s`] = `${s.rateLimited}/${s.requests} (${pct(s.rateLimited, s.requests)})`;
      out[`${label}: furthest from a fair third`] = `${(spread * 100).toFixed(1)} %`;
      out[`target: ${label} ≥ 0.95, ≤ 1 % 429s, each ±15 %`] = t.ratio >= 0.95 && s.rateLimited <= 0.01 * s.requests && spread <= 0.15 ? 'met' : 'MISSED';
    }
  } finally {
    await redis.stop();
    for (let i = 0; i < 3; i++) rmSync(path.join(os.tmpdir(), `efs-okta-bench-desk-${process.pid}-${i}`), { recursive: true, force: true });
  }
  return out;
}

/** The `npm run bench` section. */
export async function benchBudgetSection(): Promise<Record<string, number | string>> {
  const users = Number(process.env.EFS_OKTA_BENCH_BUDGET_USERS ?? 600);
  if (!Number.isInteger(users) || users < 10) throw new Error(`EFS_OKTA_BENCH_BUDGET_USERS=${String(process.env.EFS_OKTA_BENCH_BUDGET_USERS)}: a whole number ≥ 10`);
  return benchBudget(users);
}
