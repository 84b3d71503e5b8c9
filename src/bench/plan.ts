import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { userSourceSpecs } from '../app/runtime.js';
import { loadConfig } from '../config/load.js';
import { openJournal } from '../journal/sqlite.js';
import { planUsers } from '../users/plan.js';
import { writeBenchInstallationElsewhere } from './installation.js';
import { rssSampler } from './rss.js';

/** 1,000,000 panelists planned from CSV: rows/s and peak RSS (issue 3: under a minute, ≤ 300 MB). */
export async function benchPlan(rows = 1_000_000): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-bench-plan-'));
  try {
    const configFile = await writeBenchInstallationElsewhere(dir, rows, 'http://127.0.0.1:9');
    const config = loadConfig(configFile, {}, {});
    const journal = openJournal(config.journal, { installation: config.installation });
    const rss = rssSampler();
    const started = performance.now();
    const plan = await planUsers({ journal, okta: null }, userSourceSpecs(config), { share: 0.8 });
    const seconds = (performance.now() - started) / 1000;
    rss.stop();
    journal.close();
    return {
      rows,
      toCreate: plan.toCreate,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(rows / seconds),
      peakRssMb: rss.peakMb(),
      'target: seconds ≤ 60': seconds <= 60 ? 'met' : 'MISSED',
      'target: peak RSS ≤ 300 MB': rss.peakMb() <= 300 ? 'met' : 'MISSED',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
