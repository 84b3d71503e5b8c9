import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHeapTrim } from '../app/heap-trim.js';
import { openRuntime, userSourceSpecs } from '../app/runtime.js';
import { loadConfig } from '../config/load.js';
import { createUsers } from '../users/create.js';
import { snapshotUsers } from '../users/plan.js';
import type { GovernedOktaGateway } from '../app/okta-gateway.js';
import { writeBenchInstallationElsewhere } from './installation.js';
import { rssSampler } from './rss.js';
import { startSimProcess } from './sim-process.js';

/**
 * Issue 3, end to end with limits off: source CSV → normalize/classify → journal snapshot →
 * create through the real gateway (SDK + governed executor) → simulator → journal, as
 * `users create` does it. The simulator runs as `efs-okta sim --no-limits` in its own process, so
 * the RSS and CPU measured here are the tool's alone. Targets: ≥ 2,000 records/s, ≤ 300 MB.
 *
 *   EFS_OKTA_BENCH_RECORDS      records (default 1,000,000)
 *   EFS_OKTA_BENCH_CONCURRENCY  okta.concurrency (default 32)
 *   EFS_OKTA_BENCH_SYNC         journal synchronous pragma: NORMAL (the tool's default) or FULL (for comparison)
 */
export interface E2eOptions {
  records: number;
  concurrency: number;
  /** Override the journal's synchronous pragma after opening (comparison runs only). */
  synchronous?: 'FULL' | 'NORMAL';
}

export const E2E_RATE_TARGET = 2_000;
export const E2E_RSS_TARGET_MB = 300;

export async function benchE2e(o: E2eOptions): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-bench-e2e-'));
  const sim = await startSimProcess(['--no-limits', '--seed', '3']);
  try {
    const configFile = await writeBenchInstallationElsewhere(dir, o.records, sim.url);
    const config = loadConfig(configFile, { concurrency: o.concurrency, share: 1 }, {});
    const rt = await openRuntime({ configPath: null, config, okta: true, lock: 'users create', env: { OKTA_API_TOKEN: sim.token } });
    if (o.synchronous) rt.journal.db.pragma(`synchronous = ${o.synchronous}`);
    const synchronous = rt.journal.db.pragma('synchronous', { simple: true }) as number;
    // Count the group commits (transactions) the create phase makes, to report writes per commit.
    let commits = 0;
    const batch = rt.journal.batch.bind(rt.journal);
    rt.journal.batch = (fn: () => void): void => {
      commits++;
      batch(fn);
    };
    // What generating the CSV left on the heap is not the tool's.
    (globalThis as { gc?: () => void }).gc?.();
    // As the CLI runs it (src/cli/main.ts).
    const trim = startHeapTrim();
    const rss = rssSampler();
    const cpu0 = process.cpuUsage();
    const simCpu0 = cpuSecondsOf(sim.child.pid);
    const t0 = performance.now();
    let snapshotSeconds = 0;
    let snapshotPeakMb = 0;
    let summary;
    try {
      const snapshot = await snapshotUsers(rt.journal, userSourceSpecs(rt.config));
      snapshot.apply(rt.clock.now());
      snapshot.discard();
      snapshotSeconds = (performance.now() - t0) / 1000;
      snapshotPeakMb = rss.peakMb();
      summary = await createUsers(
        { journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: rt.clock },
        { installation: rt.config.installation, kinds: ['admin', 'panelist'], onExisting: 'report', concurrency: rt.config.okta.concurrency },
      );
    } finally {
      rss.stop();
      trim.stop();
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const simCpu = cpuSecondsOf(sim.child.pid) - simCpu0;
    const governor = (rt.okta as GovernedOktaGateway).governor;
    const staged = rt.journal.countByState(['panelist']).filter((c) => c.state === 'staged').reduce((n, c) => n + c.count, 0);
    rt.close();
    const stats = await sim.stats();
    if (summary.created !== o.records || staged !== o.records || stats.users !== o.records) {
      throw new Error(`e2e bench: expected ${o.records} users; created ${summary.created}, journal staged ${staged}, simulator has ${stats.users} (failed ${summary.failed})`);
    }
    const rate = o.records / seconds;
    const peak = rss.peakMb();
    return {
      records: o.records,
      'okta.concurrency': o.concurrency,
      'journal synchronous': ['OFF', 'NORMAL', 'FULL', 'EXTRA'][synchronous] ?? String(synchronous),
      'wall time (s)': Number(seconds.toFixed(1)),
      'snapshot (s)': Number(snapshotSeconds.toFixed(1)),
      'create (s)': Number((seconds - snapshotSeconds).toFixed(1)),
      'records/s end to end': Math.round(rate),
      'creates/s': Math.round(o.records / (seconds - snapshotSeconds)),
      'CPU ours (ms/record)': Number(((cpu.user + cpu.system) / 1000 / o.records).toFixed(3)),
      'CPU simulator (ms/record)': Number(((simCpu * 1000) / o.records).toFixed(3)),
      'Okta requests': governor.stats.sent,
      'journal commits (create phase)': commits,
      'peak RSS (MB)': peak,
      'peak RSS by the end of the snapshot (MB)': snapshotPeakMb,
      'heap trim: full collections': trim.collections,
      'users in simulator': stats.users,
      [`target: ≥ ${E2E_RATE_TARGET} records/s`]: rate >= E2E_RATE_TARGET ? 'met' : 'MISSED',
      [`target: peak RSS ≤ ${E2E_RSS_TARGET_MB} MB`]: peak <= E2E_RSS_TARGET_MB ? 'met' : 'MISSED',
    };
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** User + system CPU seconds of a process (Linux /proc; 0 elsewhere). */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${String(pid)}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function envNumber(name: string, dflt: number): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${String(v)}: expected a whole number ≥ 1`);
  return n;
}

/** The `npm run bench` section. */
export async function benchE2eSection(): Promise<Record<string, number | string>> {
  const sync = process.env.EFS_OKTA_BENCH_SYNC?.toUpperCase();
  if (sync !== undefined && sync !== 'FULL' && sync !== 'NORMAL') throw new Error(`EFS_OKTA_BENCH_SYNC=${sync}: FULL or NORMAL`);
  return benchE2e({
    records: envNumber('EFS_OKTA_BENCH_RECORDS', 1_000_000),
    concurrency: envNumber('EFS_OKTA_BENCH_CONCURRENCY', 32),
    ...(sync ? { synchronous: sync } : {}),
  });
}
