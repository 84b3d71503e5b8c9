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
 * `efs-okta users create` CLI with the config's defaults (share 0.8, concurrency 8). Each approach
 * is a child process against its own simulator with the same settings (users bucket 600/min,
 * Okta's default per-token share 0.5, 100–200 ms latency, 60 s windows); the approaches run side
 * by side since each has its own bucket and they mostly wait. Then each is killed with SIGKILL
 * once half the users exist, and run again: what is missing, what is duplicated, what stops it.
 *
 *   EFS_OKTA_BENCH_USERS        users (default 2,000)
 *   EFS_OKTA_BENCH_TOKEN_SHARE  the simulator's per-token share (default 0.5, Okta's default)
 */
export interface AlternativesOptions {
  users: number;
  tokenShare: number;
}

type ApproachId = 'a' | 'b' | 'c' | 'c5';

const APPROACHES: { id: ApproachId; label: string }[] = [
  { id: 'a', label: '(a) SDK, sequential loop' },
  { id: 'b', label: '(b) SDK, 10 concurrent' },
  { id: 'c', label: '(c) efs-okta users create' },
];
/** Not an approach of the comparison: (c) told the token's cap (`--share 0.5`), timed only, for the 429 question. */
const TOLD_THE_CAP = { id: 'c5' as const, label: "(c') efs-okta users create --share 0.5" };

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
  dir: string;
  configFile: string;
  csv: string;
  logins: string[];
}

async function setup(o: AlternativesOptions, seed: number): Promise<Setup> {
  const sim = await startSimulator({
    seed, windowSeconds: 60, latencyMs: 150, jitterMs: 50, tokenShare: o.tokenShare, limits: { users: MINUTE_LIMIT },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-bench-alt-'));
  const configFile = await writeBenchInstallation(dir, o.users, sim.url);
  const csv = path.join(dir, 'panelists.csv');
  const logins = readFileSync(csv, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => (l.split(';')[1] ?? '').toLowerCase());
  return { sim, dir, configFile, csv, logins };
}

async function teardown(s: Setup): Promise<void> {
  await s.sim.stop();
  rmSync(s.dir, { recursive: true, force: true });
}

function commandFor(id: ApproachId, s: Setup): string[] {
  if (id === 'a') return [NAIVE, s.csv, '1'];
  if (id === 'b') return [NAIVE, s.csv, '10'];
  return [CLI_PATH, 'users', 'create', '-c', s.configFile, ...(id === 'c5' ? ['--share', '0.5'] : [])];
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
  seconds: number;
  code: number | null;
  rateLimited: number;
  present: number;
  missing: number;
  duplicated: number;
  error: string;
}

async function timed(id: ApproachId, o: AlternativesOptions, seed: number): Promise<TimedResult> {
  const s = await setup(o, seed);
  try {
    const run = await runApproach(id, s);
    return { id, seconds: run.seconds, code: run.code, rateLimited: rateLimited(s), ...audit(s), error: run.code === 0 ? '' : lastLine(run.stderr) };
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
  const s = await setup(o, seed);
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
  const t = await Promise.all([...APPROACHES, TOLD_THE_CAP].map((a, i) => timed(a.id, o, 100 + i)));
  const k = await Promise.all(APPROACHES.map((a, i) => killed(a.id, o, 200 + i)));
  const byId = <T extends { id: ApproachId }>(list: T[], id: ApproachId): T => list.find((r) => r.id === id) as T;
  const c = byId(t, 'c');
  const out: Record<string, number | string> = {
    users: o.users,
    simulator: `users ${MINUTE_LIMIT}/min, token share ${o.tokenShare} (= ${Math.floor(MINUTE_LIMIT * o.tokenShare)}/min per token), latency 150±50 ms, 60 s windows; one instance per approach, side by side`,
  };
  for (const a of [...APPROACHES, TOLD_THE_CAP]) {
    const r = byId(t, a.id);
    out[a.label] = `wall ${r.seconds.toFixed(1)} s, ${((o.users / r.seconds) * 60).toFixed(0)}/min, time ÷ (c) ${(r.seconds / c.seconds).toFixed(2)}, 429s ${r.rateLimited}, ` +
      `in Okta ${r.present}/${o.users}, duplicated ${r.duplicated}, exit ${String(r.code)}${r.error ? ` (${r.error})` : ''}`;
  }
  for (const a of APPROACHES) {
    const r = byId(k, a.id);
    out[`${a.label.slice(0, 3)} SIGKILL: left behind`] = r.leftBehind;
    out[`${a.label.slice(0, 3)} SIGKILL: rerun`] = `exit ${String(r.rerunCode)} after ${r.rerunSeconds.toFixed(1)} s: ${r.rerunSays}`;
    out[`${a.label.slice(0, 3)} SIGKILL: after rerun`] = `missing ${r.missing}, duplicated ${r.duplicated}, 429s ${r.rateLimited}`;
  }
  const a = byId(t, 'a');
  const b = byId(t, 'b');
  const speedup = a.seconds / c.seconds;
  const cleanResume = k.filter((r) => r.rerunCode === 0 && r.missing === 0 && r.duplicated === 0).map((r) => r.id);
  out['(c) speed-up over (a)'] = Number(speedup.toFixed(2));
  out['target: (c) ≥ 1.3× faster than (a)'] = speedup >= 1.3 ? 'met' : 'MISSED';
  out['target: (c) zero 429s where (b) has some'] = c.rateLimited === 0 && b.rateLimited > 0 ? 'met' : `MISSED ((c) ${c.rateLimited}, (b) ${b.rateLimited})`;
  out['target: only (c) resumes cleanly'] = cleanResume.length === 1 && cleanResume[0] === 'c' ? 'met' : `MISSED (clean: ${cleanResume.join(', ') || 'none'})`;
  return out;
}

/** The `npm run bench` section. */
export async function benchAlternativesSection(): Promise<Record<string, number | string>> {
  const users = Number(process.env.EFS_OKTA_BENCH_USERS ?? 2000);
  const tokenShare = Number(process.env.EFS_OKTA_BENCH_TOKEN_SHARE ?? 0.5);
  if (!Number.isInteger(users) || users < 2) throw new Error(`EFS_OKTA_BENCH_USERS=${String(process.env.EFS_OKTA_BENCH_USERS)}: a whole number ≥ 2`);
  if (!(tokenShare > 0 && tokenShare <= 1)) throw new Error(`EFS_OKTA_BENCH_TOKEN_SHARE=${String(process.env.EFS_OKTA_BENCH_TOKEN_SHARE)}: between 0 and 1`);
  return benchAlternatives({ users, tokenShare });
}
