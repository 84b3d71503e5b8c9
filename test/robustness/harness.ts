import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { generateInstallation, seeded } from '../../src/demo/generate.js';
import { openJournal } from '../../src/journal/sqlite.js';
import type { JournalRow } from '../../src/journal/types.js';
import { startSimulator, type SimOptions, type Simulator } from '../../src/sim/index.js';

/**
 * The robustness suites drive the built CLI (`node dist/cli/main.js`) as a child process, the way an
 * operator runs it, against a simulator in the test process (so a test can see and steer the org
 * while the CLI works). The child gets only PATH, HOME and the variables a test passes: never the
 * test runner's environment (which might hold a real OKTA_API_TOKEN).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** True when the harness killed the process (SIGKILL) before it ended by itself. */
  killed: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** SIGKILL the process this many ms after it was spawned. */
  killAfterMs?: number;
  /** SIGKILL the process as soon as this returns true (polled every millisecond). */
  killWhen?: () => boolean;
  /** Called at the instant of the kill (e.g. to note how many requests the simulator had in flight). */
  onKill?: () => void;
  /** Called every millisecond while the process runs (to steer the simulator mid-run). */
  watch?: () => void;
  /** Give up (and fail) after this long. */
  timeoutMs?: number;
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npx tsc -p tsconfig.build.json" (npm test builds first)`);
}

export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.cwd ?? os.tmpdir() };
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const kill = (): void => {
      if (killed || child.exitCode !== null || child.signalCode !== null) return;
      killed = true;
      options.onKill?.();
      child.kill('SIGKILL');
    };
    const timers: NodeJS.Timeout[] = [];
    if (options.killAfterMs !== undefined) timers.push(setTimeout(kill, options.killAfterMs));
    if (options.watch) timers.push(setInterval(options.watch, 1));
    if (options.killWhen) {
      const when = options.killWhen;
      timers.push(setInterval(() => {
        if (when()) kill();
      }, 1));
    }
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`efs-okta ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60_000} ms\n${stderr.slice(-2000)}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      clearTimeout(timeout);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, killed });
    });
  });
}

/**
 * Where installations go: tmpfs when the machine has one. A SIGKILL loses nothing the kernel
 * already holds, so the journal's fsyncs (synchronous=FULL, one per state change) prove nothing
 * here and on a disk they cost about 1.5 ms each: thousands per suite.
 */
export function scratchBase(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

/** A fresh directory with the demo installation (admins, panelists, portals) and a simulator. */
export interface Installation {
  dir: string;
  configFile: string;
  journalFile: string;
  sim: Simulator;
  env: Record<string, string>;
  /** `efs-okta <args> -c CONFIG` in the installation directory, with the simulator's token. */
  cli(args: string[], options?: RunOptions): Promise<CliResult>;
  rows(): JournalRow[];
  cleanup(): Promise<void>;
}

export async function installation(options: { panelists: number; seed?: number; sim?: SimOptions; portals?: number; editConfig?: (yaml: string) => string }): Promise<Installation> {
  assertBuilt();
  const sim = await startSimulator({ token: 'robustness-token-0001', seed: options.seed ?? 1, noLimits: true, ...options.sim });
  const dir = mkdtempSync(path.join(scratchBase(), 'efs-okta-robust-'));
  const demo = generateInstallation(dir, { panelists: options.panelists, seed: options.seed ?? 42, orgUrl: sim.url });
  if (options.portals !== undefined) writePortals(demo.files.portals, options.portals);
  // The config says what the simulator's token may use, as a support engineer would set it.
  const tokenShare = options.sim?.tokenShare;
  if (tokenShare !== undefined) writeFileSync(demo.configFile, readFileSync(demo.configFile, 'utf8').replace(/^ {2}tokenShare: .*$/m, `  tokenShare: ${tokenShare}`));
  if (options.editConfig) writeFileSync(demo.configFile, options.editConfig(readFileSync(demo.configFile, 'utf8')));
  const journalFile = path.join(dir, 'demo.efs-okta.sqlite');
  const env = { OKTA_API_TOKEN: sim.token };
  const inst: Installation = {
    dir,
    configFile: demo.configFile,
    journalFile,
    sim,
    env,
    cli: (args, o = {}) => runCli([...args, '-c', demo.configFile], { cwd: dir, ...o, env: { ...env, ...o.env } }),
    rows: () => journalRows(journalFile),
    cleanup: async () => {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return inst;
}

/** `n` valid portals (semicolon CSV, as the demo config reads it). */
export function writePortals(file: string, n: number): void {
  const lines = ['portal_id;name;url;type'];
  for (let i = 1; i <= n; i++) lines.push(`${i};Portal ${i};https://portal${i}.example.com/;panel`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

export function journalRows(file: string): JournalRow[] {
  const j = openJournal(file, { readonly: true });
  try {
    return [...j.all()];
  } finally {
    j.close();
  }
}

/** A seeded RNG for kill moments (the same moments on every run of the suite). */
export function rng(seed: number): { next(): number; int(lo: number, hi: number): number } {
  const r = seeded(seed);
  return { next: r, int: (lo, hi) => lo + Math.floor(r() * (hi - lo + 1)) };
}

const LIVE = new Set(['staged', 'activating', 'provisioned', 'active']);
const FINAL_WITH_REASON = new Set(['skipped', 'invalid', 'duplicate', 'conflict', 'failed', 'removed']);

/**
 * The journal and the simulated org agree: every live record's Okta id exists with its login, once;
 * no user in the org that the journal does not know; nothing left pending, creating or failed; every
 * record that is not live has a reason.
 */
export function expectJournalEqualsOrg(rows: JournalRow[], sim: Simulator, foreignIds: Set<string> = new Set()): { live: number; users: number } {
  const users = [...sim.org.users.iterateFrom(0)];
  const byLogin = new Map<string, number>();
  for (const u of users) byLogin.set(u.login.toLowerCase(), (byLogin.get(u.login.toLowerCase()) ?? 0) + 1);
  const duplicates = [...byLogin].filter(([, n]) => n > 1);
  expect(duplicates, 'logins created more than once').toEqual([]);
  const journalIds = new Set(rows.filter((r) => r.oktaId).map((r) => r.oktaId as string));
  const orphans = users.filter((u) => !journalIds.has(u.id) && !foreignIds.has(u.id)).map((u) => u.login);
  expect(orphans, 'Okta users the journal does not know').toEqual([]);
  const unfinished = rows.filter((r) => ['pending', 'creating', 'failed'].includes(r.state)).map((r) => `${r.kind}:${r.key}:${r.state}`);
  expect(unfinished, 'records left unfinished').toEqual([]);
  // Skipped (federated, inactive, …), invalid and duplicate records never reach Okta under their
  // own login (unless a live record of the same login is the one that did).
  const liveLogins = new Set(rows.filter((r) => LIVE.has(r.state)).map((r) => r.login?.toLowerCase()));
  const foreignLogins = new Set(users.filter((u) => foreignIds.has(u.id)).map((u) => u.login.toLowerCase()));
  const leaked = rows
    .filter((r) => !LIVE.has(r.state) && r.login && !liveLogins.has(r.login.toLowerCase()) && !foreignLogins.has(r.login.toLowerCase()) && byLogin.has(r.login.toLowerCase()))
    .map((r) => `${r.kind}:${r.key}:${r.state}:${r.reason ?? ''}`);
  expect(leaked, 'records that are not live but exist in Okta').toEqual([]);
  let live = 0;
  for (const r of rows) {
    if (LIVE.has(r.state)) {
      live++;
      const u = sim.org.users.get(r.oktaId ?? '');
      expect(u?.login.toLowerCase(), `${r.kind}:${r.key} in Okta`).toBe(r.login?.toLowerCase());
    } else {
      expect(FINAL_WITH_REASON.has(r.state), `${r.kind}:${r.key} ends in ${r.state}`).toBe(true);
      expect(r.reason, `${r.kind}:${r.key} (${r.state}) has a reason`).toBeTruthy();
    }
  }
  return { live, users: users.length };
}

export interface CrashLog {
  kills: number;
  killsWithRequestsInFlight: number;
  ms: number;
}

/**
 * Runs `args` again and again, each run SIGKILLed at a seeded random moment, until `kills` kills
 * happened: about a third after a number of milliseconds (start-up, the source snapshot or the
 * run), the others as soon as `progress()` (something the simulator counts) has grown by a random
 * step, i.e. with requests in flight. `afterEachKill` checks what must hold at every instant.
 */
export async function crashLoop(
  inst: Installation,
  args: string[],
  o: { kills: number; seed: number; progress: () => number; maxStep: number; afterEachKill?: () => void },
): Promise<CrashLog> {
  const r = rng(o.seed);
  const log: CrashLog = { kills: 0, killsWithRequestsInFlight: 0, ms: 0 };
  const started = performance.now();
  while (log.kills < o.kills) {
    let inFlight = 0;
    const onKill = (): void => {
      inFlight = inst.sim.stats().inFlight as number;
    };
    let result: CliResult;
    if (r.next() < 0.3) {
      result = await inst.cli(args, { killAfterMs: r.int(150, 1200), onKill });
    } else {
      const target = o.progress() + r.int(1, o.maxStep);
      result = await inst.cli(args, { killWhen: () => o.progress() >= target, onKill });
    }
    // A run that ends by itself before its moment means the data set is too small for the kills.
    expect(result.killed, `${args.join(' ')} ran out of work after ${log.kills} kills (exit ${result.code}): ${result.stderr.slice(-500)}`).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    log.kills++;
    if (inFlight > 0) log.killsWithRequestsInFlight++;
    if (process.env.EFS_OKTA_TRACE_KILLS) console.info(`kill ${log.kills}: after ${Math.round(result.ms)} ms, progress ${o.progress()}, in flight ${inFlight}`);
    o.afterEachKill?.();
  }
  log.ms = Math.round(performance.now() - started);
  return log;
}

/** At every instant, whatever was killed: no login twice in the org. */
export function expectNoDuplicateLogins(sim: Simulator): void {
  const seen = new Set<string>();
  for (const u of sim.org.users.iterateFrom(0)) {
    const login = u.login.toLowerCase();
    expect(seen.has(login), `${login} created twice`).toBe(false);
    seen.add(login);
  }
}

export interface ReportRow {
  kind: string;
  key: string;
  login: string | null;
  state: string;
  reason: string | null;
  message: string | null;
  okta_id: string | null;
  duplicate_of: string | null;
  attempts: number;
}

/** `efs-okta report --format json` against the org: one row per journal record, the live ones exactly the org's users. */
export async function expectReportEqualsOrg(inst: Installation): Promise<ReportRow[]> {
  const r = await inst.cli(['report', '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout) as ReportRow[];
  const rows = inst.rows();
  expect(report.map((x) => [x.kind, x.key, x.state, x.okta_id, x.attempts])).toEqual(rows.map((x) => [x.kind, x.key, x.state, x.oktaId, x.attempts]));
  const live = report.filter((x) => LIVE.has(x.state));
  const users = [...inst.sim.org.users.iterateFrom(0)];
  expect(live.map((x) => x.okta_id).sort()).toEqual(users.map((u) => u.id).sort());
  for (const x of live) expect(inst.sim.org.users.get(x.okta_id as string)?.login.toLowerCase(), x.key).toBe(x.login?.toLowerCase());
  for (const x of report.filter((y) => !LIVE.has(y.state))) expect(x.reason, `${x.kind}:${x.key} (${x.state})`).toBeTruthy();
  return report;
}
