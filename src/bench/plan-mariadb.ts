import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preflightSources, USER_SOURCES } from '../app/preflight.js';
import { userSourceSpecs } from '../app/runtime.js';
import { loadConfig } from '../config/load.js';
import { openJournal } from '../journal/sqlite.js';
import { planUsers } from '../users/plan.js';
import { loadBenchPanelists, PANELIST_QUERY, RSS_TARGET_MB } from './mariadb.js';
import { findMariaDbd, startMariaDb } from './mariadb-server.js';
import { rssSampler } from './rss.js';

/**
 * `plan` from the database: N panelist rows (1,000,000 by default) in a private MariaDB, read through
 * a config with `type: database` exactly as `efs-okta plan` reads it (preflight, then source →
 * normalize/classify → journal snapshot → diff). Same figures as the CSV `plan` section, so the two
 * print side by side. The server's own memory is its process's, not ours: peak RSS is the tool's.
 */
export async function benchPlanMariaDb(rows = 1_000_000): Promise<Record<string, number | string>> {
  if (findMariaDbd() === null) return { skipped: 'mariadb-server not installed' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-bench-plan-db-'));
  const server = await startMariaDb({ bufferPool: '256M' });
  try {
    const db = await server.database('efs_bench');
    const loadSeconds = await loadBenchPanelists(server, 'efs_bench', rows);
    const configFile = path.join(dir, 'efs-okta.yaml');
    writeFileSync(
      configFile,
      `installation: bench
okta: { orgUrl: "http://127.0.0.1:9" }
database:
  host: 127.0.0.1
  port: ${db.port}
  database: efs_bench
  user: ${db.user}
  passwordFile: ${JSON.stringify(db.passwordFile)}
sources:
  panelists:
    type: database
    query: ${JSON.stringify(PANELIST_QUERY)}
    columns: { key: pcode, email: u_email, firstName: u_firstname, lastName: u_name, locale: u_language, status: p_status, lastLogin: last_login }
    include: { p_status: [active] }
`,
    );
    const config = loadConfig(configFile, {}, {});
    const journal = openJournal(config.journal, { installation: config.installation });
    const rss = rssSampler();
    const started = performance.now();
    await preflightSources(config, USER_SOURCES, { env: {} });
    const preflightMs = performance.now() - started;
    const plan = await planUsers({ journal, okta: null }, userSourceSpecs(config), { share: 0.8 });
    const seconds = (performance.now() - started) / 1000;
    rss.stop();
    journal.close();
    const counted = plan.counts.reduce((n, c) => n + c.total, 0);
    if (counted !== rows) throw new Error(`planned ${counted} rows, expected ${rows}`);
    return {
      source: 'mariadb',
      rows,
      toCreate: plan.toCreate,
      loadSeconds: Number(loadSeconds.toFixed(2)),
      preflightMs: Math.round(preflightMs),
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(rows / seconds),
      peakRssMb: rss.peakMb(),
      'target: seconds ≤ 60': seconds <= 60 ? 'met' : 'MISSED',
      [`target: peak RSS ≤ ${RSS_TARGET_MB} MB`]: rss.peakMb() <= RSS_TARGET_MB ? 'met' : 'MISSED',
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
