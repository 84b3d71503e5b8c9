import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load.js';
import { openJournal } from '../journal/sqlite.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { writeBenchInstallation } from './installation.js';
import { CLI_PATH } from './sim-process.js';

/**
 * Issue 7, "Against the alternatives": the same users created by (a) a sequential loop over the
 * official SDK (default executor and retry), (b) the SDK with 10 calls in flight, (c) the
 * `efs-okta users create` CLI. Each approach is a child process against its own simulator with the
 * same settings (users bucket 600/min, 100–200 ms latency, 60 s windows), in two orgs:
 *
 *   default   Okta's default per-token limit: one token may use 50 % of a bucket (300/min). (c)
 *             runs with the config's defaults (share 0.8, tokenShare 0.5, concurrency 8).
 *   raised    the org admin moved the token's rate-limit slider to 100 %. (c) is told so
 *             (`--token-share 1`, the runbook's step); (c') also takes the whole bucket
 *             (`--share 1`), as a run alone in the org at night would.
 *
 * The approaches of one org run side by side (each has its own bucket and they mostly wait), one
 * org after the other. Then, in the default org, each is killed with SIGKILL once half the users
 * exist, and run again: what is missing, what is duplicated, what stops it.
 *
 *   EFS_OKTA_BENCH_USERS        users (default 2,000)
 */
export interface AlternativesOptions {
  users: number;
}

type OrgId = 'default' | 'raised';
type ApproachId = 'a' | 'b' | 'c' | 'c-alone';

const ORGS: Record<OrgId, { tokenShare: number; label: string }> = {
  default: { tokenShare: 0.5, label: "Okta's default token limit (50 % = 300/min per token)" },
  raised: { tokenShare: 1, label: 'token limit raised to 100 % (600/min)' },
};

const APPROACHES: Record<ApproachId, string> = {
  a: '(a) SDK, sequential loop',
  b: '(b) SDK, 10 concurrent',
  c: '(c) efs-okta users create',
  'c-alone': "(c') efs-okta users create --share 1",
};
const TIMED: Record<OrgId, ApproachId[]> = { default: ['a', 'b', 'c'], raised: ['a', 'b', 'c', 'c-alone'] };
const KILLED: ApproachId[] = ['a', 'b', 'c'];

const NAIVE = fileURLToPath(new URL('./naive-sdk.js', import.meta.url));
const MINUTE_LIMIT = 600;

interface ChildRun {
  seconds: number;
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

interface Setup {
  sim: Simulator;
  org: OrgId;
  dir: string;
  configFile: string;
  csv: string;
  logins: string[];
}

async function setup(o: AlternativesOptions, org: OrgId, seed: number): Promise<Setup> {
  const sim = await startSimulator({
    seed, windowSeconds: 60, latencyMs: 150, jitterMs: 50, tokenShare: ORGS[org].tokenShare, limits: { users: MINUTE_LIMIT },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-bench-alt-'));
  const configFile = await writeBenchInstallation(dir, o.users, sim.url);
  const csv = path.join(dir, 'panelists.csv');
  const logins = readFileSync(csv, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => (l.split(';')[1] ?? '').toLowerCase());
  return { sim, org, dir, configFile, csv, logins };
}

async function teardown(s: Setup): Promise<void> {
  await s.sim.stop();
  rmSync(s.dir, { recursive: true, force: true });
}

function commandFor(id: ApproachId, s: Setup): string[] {
  if (id === 'a') return [NAIVE, s.csv, '1'];
  if (id === 'b') return [NAIVE, s.csv, '10'];
  const raised = s.org === 'raised' ? ['--token-share', '1'] : [];
  return [CLI_PATH, 'users', 'create', '-c', s.configFile, ...raised, ...(id === 'c-alone' ? ['--share', '1'] : [])];
}

/** Runs one approach as a child process; `killWhen` is polled and SIGKILLs it when true. */
function runApproach(id: ApproachId, s: Setup, killWhen?: () => boolean): Promise<ChildRun> {
  const env = { ...process.env, OKTA_ORG_URL: s.sim.url, OKTA_API_TOKEN: s.sim.token };
  const started = performance.now();
  const child = spawn(process.execPath, commandFor(id, s), { cwd: s.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-4000)));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const timer = killWhen
    ? setInterval(() => {
      if (killWhen()) child.kill('SIGKILL');
    }, 20)
    : null;
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ seconds: (performance.now() - started) / 1000, code, signal, stdout, stderr });
    });
  });
}

/** Users missing from the simulator and logins present more than once (Okta's rule: case-insensitive). */
function audit(s: Setup): { present: number; missing: number; duplicated: number } {
  const seen = new Map<string, number>();
  for (const u of s.sim.org.users.iterateFrom(0)) seen.set(u.login.toLowerCase(), (seen.get(u.login.toLowerCase()) ?? 0) + 1);
  let missing = 0;
  for (const l of s.logins) if (!seen.has(l)) missing++;
  let duplicated = 0;
  for (const n of seen.values()) if (n > 1) duplicated += n - 1;
  return { present: s.sim.org.users.size, missing, duplicated };
}

function rateLimited(s: Setup): number {
  const st = s.sim.stats() as { rateLimited: number; concurrencyLimited: number };
  return st.rateLimited + st.concurrencyLimited;
}

/** The last meaningful line a run printed (its error, or the tool's summary line). */
function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('{'));
  return (lines[lines.length - 1] ?? '').slice(0, 160);
}

interface TimedResult {
  id: ApproachId;
  org: OrgId;
  seconds: number;
  code: number | null;
  rateLimited: number;
  present: number;
  missing: number;
  duplicated: number;
  error: string;
}

async function timed(id: ApproachId, org: OrgId, o: AlternativesOptions, seed: number): Promise<TimedResult> {
  const s = await setup(o, org, seed);
  try {
    const run = await runApproach(id, s);
    return { id, org, seconds: run.seconds, code: run.code, rateLimited: rateLimited(s), ...audit(s), error: run.code === 0 ? '' : lastLine(run.stderr) };
  } finally {
    await teardown(s);
  }
}

interface KillResult {
  id: ApproachId;
  atKill: number;
  leftBehind: string;
  rerunSeconds: number;
  rerunCode: number | null;
  rerunSays: string;
  rateLimited: number;
  missing: number;
  duplicated: number;
}

function journalStates(configFile: string): string {
  const config = loadConfig(configFile, {}, {});
  const journal = openJournal(config.journal, { readonly: true });
  try {
    const counts = new Map<string, number>();
    for (const c of journal.countByState(['panelist'])) counts.set(c.state, (counts.get(c.state) ?? 0) + c.count);
    return [...counts.entries()].map(([state, n]) => `${n} ${state}`).join(', ');
  } finally {
    journal.close();
  }
}

async function killed(id: ApproachId, o: AlternativesOptions, seed: number): Promise<KillResult> {
  const s = await setup(o, 'default', seed);
  try {
    const half = Math.ceil(o.users / 2);
    await runApproach(id, s, () => s.sim.org.users.size >= half);
    const atKill = s.sim.org.users.size;
    const leftBehind = id === 'c'
      ? `${atKill} users in Okta; journal: ${journalStates(s.configFile)}`
      : `${atKill} users in Okta; no record of which rows were done`;
    const rerun = await runApproach(id, s);
    const says = id === 'c' ? (/created \d+, adopted \d+[^\n]*/.exec(rerun.stdout)?.[0] ?? lastLine(rerun.stderr)) : lastLine(rerun.stderr) || lastLine(rerun.stdout);
    return { id, atKill, leftBehind, rerunSeconds: rerun.seconds, rerunCode: rerun.code, rerunSays: says, rateLimited: rateLimited(s), ...audit(s) };
  } finally {
    await teardown(s);
  }
}

export async function benchAlternatives(o: AlternativesOptions): Promise<Record<string, number | string>> {
  const t: TimedResult[] = [];
  for (const org of ['default', 'raised'] as const) {
    t.push(...(await Promise.all(TIMED[org].map((id, i) => timed(id, org, o, 100 + i)))));
  }
  const k = await Promise.all(KILLED.map((id, i) => killed(id, o, 200 + i)));
  const get = (org: OrgId, id: ApproachId): TimedResult => t.find((r) => r.org === org && r.id === id) as TimedResult;
  const out: Record<string, number | string> = {
    users: o.users,
    simulator: `users ${MINUTE_LIMIT}/min, latency 150±50 ms, 60 s windows; one instance per approach, side by side`,
  };
  for (const org of ['default', 'raised'] as const) {
    const c = get(org, 'c');
    out[`${org} org`] = ORGS[org].label;
    for (const id of TIMED[org]) {
      const r = get(org, id);
      out[`${org}: ${APPROACHES[id]}`] = `wall ${r.seconds.toFixed(1)} s, ${((o.users / r.seconds) * 60).toFixed(0)}/min, time ÷ (c) ${(r.seconds / c.seconds).toFixed(2)}, 429s ${r.rateLimited}, ` +
        `in Okta ${r.present}/${o.users}, duplicated ${r.duplicated}, exit ${String(r.code)}${r.error ? ` (${r.error})` : ''}`;
    }
  }
  for (const id of KILLED) {
    const r = k.find((x) => x.id === id) as KillResult;
    const tag = APPROACHES[id].slice(0, 3);
    out[`${tag} SIGKILL: left behind`] = r.leftBehind;
    out[`${tag} SIGKILL: rerun`] = `exit ${String(r.rerunCode)} after ${r.rerunSeconds.toFixed(1)} s: ${r.rerunSays}`;
    out[`${tag} SIGKILL: after rerun`] = `missing ${r.missing}, duplicated ${r.duplicated}, 429s ${r.rateLimited}`;
  }
  const speedup = (org: OrgId, id: ApproachId): number => get(org, 'a').seconds / get(org, id).seconds;
  out['default: (c) speed-up over (a)'] = Number(speedup('default', 'c').toFixed(2));
  out['raised: (c) speed-up over (a)'] = Number(speedup('raised', 'c').toFixed(2));
  out["raised: (c') speed-up over (a)"] = Number(speedup('raised', 'c-alone').toFixed(2));
  // What share 0.8 allows at most against the loop's measured rate: (0.8 × 600/min) ÷ (a)'s rate.
  const ceiling = (0.8 * MINUTE_LIMIT) / ((o.users / get('raised', 'a').seconds) * 60);
  const verdict = (x: number): string => `${x >= 1.3 ? 'met' : 'MISSED'} (${x.toFixed(2)}×)`;
  out['target: (c) ≥ 1.3× faster than (a), raised org, --share 1'] = verdict(speedup('raised', 'c-alone'));
  out['target: (c) ≥ 1.3× faster than (a), raised org, share 0.8'] = `${verdict(speedup('raised', 'c'))}; share 0.8 allows ${ceiling.toFixed(2)}× at most`;
  out['target: (c) ≥ 1.3× faster than (a), default org'] = `${verdict(speedup('default', 'c'))}; the token's 300/min binds every approach`;
  const zero = (['default', 'raised'] as const).every((org) => get(org, 'c').rateLimited === 0 && get(org, 'b').rateLimited > 0);
  out['target: (c) zero 429s where (b) has some'] = zero ? 'met' : `MISSED (${(['default', 'raised'] as const).map((org) => `${org}: (c) ${get(org, 'c').rateLimited}, (b) ${get(org, 'b').rateLimited}`).join('; ')})`;
  const cleanResume = k.filter((r) => r.rerunCode === 0 && r.missing === 0 && r.duplicated === 0).map((r) => r.id);
  out['target: only (c) resumes cleanly'] = cleanResume.length === 1 && cleanResume[0] === 'c' ? 'met' : `MISSED (clean: ${cleanResume.join(', ') || 'none'})`;
  return out;
}

/** The `npm run bench` section. */
export async function benchAlternativesSection(): Promise<Record<string, number | string>> {
  const users = Number(process.env.EFS_OKTA_BENCH_USERS ?? 2000);
  if (!Number.isInteger(users) || users < 2) throw new Error(`EFS_OKTA_BENCH_USERS=${String(process.env.EFS_OKTA_BENCH_USERS)}: a whole number ≥ 2`);
  return benchAlternatives({ users });
}
