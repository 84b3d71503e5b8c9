import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { normalizeUser } from '../records/normalize.js';
import { buildUserRules } from '../config/user-rules.js';
import { openRowSource } from '../source/open.js';
import type { UserSourceConfig } from '../config/schema.js';

/**
 * Sources + records alone, without the journal or Okta: a generated 1,000,000-row panelist export
 * (EFS-like: semicolons, UTF-8, some quoted fields, inactive, federated and broken rows) streamed
 * through the CSV reader and normalize/classify. Reports rows per second and peak RSS (sampled while
 * reading, and the process maximum). Prints nothing.
 */
export async function benchRecords(rows = 1_000_000): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'efs-okta-bench-records-'));
  try {
    const file = path.join(dir, 'panelists.csv');
    await writePanelists(file, rows);
    const fileBytes = (await stat(file)).size;
    const source: UserSourceConfig = {
      file,
      delimiter: 'auto',
      encoding: 'auto',
      columns: { key: 'pcode', email: 'u_email', firstName: 'u_firstname', lastName: 'u_name', status: 'p_status', lastLogin: 'last_login' },
      include: { p_status: ['active'] },
    };
    const rules = buildUserRules('panelist', source, { federation: { domains: ['acme-corp.example'] }, missingName: 'invalid' });
    const counts = { pending: 0, skipped: 0, invalid: 0 };
    let peakRss = process.memoryUsage.rss();
    let read = 0;
    const started = process.hrtime.bigint();
    for await (const row of openRowSource('panelists', source, {}).rows()) {
      const record = normalizeUser(row, rules);
      counts[record.classification.state]++;
      if (++read % 20_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return {
      'records.rows': read,
      'records.fileMB': round(fileBytes / 2 ** 20),
      'records.seconds': round(seconds),
      'records.rowsPerSecond': Math.round(read / seconds),
      'records.pending': counts.pending,
      'records.skipped': counts.skipped,
      'records.invalid': counts.invalid,
      'records.peakRssMB': round(peakRss / 2 ** 20),
      'records.processMaxRssMB': round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

const FIRST = ['Anna', 'Ben', 'Zoë', 'Łukasz', 'Renée', 'Jonas', 'Mia', 'Øystein', 'Lea', 'Noah'];
const LAST = ['Meyer', 'Müller', "O'Brien", 'van der Berg', 'García', 'Schmidt', 'Dąbrowski', 'Koch'];
const DOMAINS = ['example.com', 'example.net', 'mail.example.org', 'panel.example.de'];
const STATUS = ['active', 'active', 'active', 'active', 'active', 'active', 'active', 'inactive', 'deleted', 'blocked'];

/** A deterministic EFS-like export, written with backpressure so generation stays flat in memory too. */
async function writePanelists(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('pcode;u_email;u_firstname;u_name;u_gender;u_language;p_status;last_login\n');
  // mulberry32: small, seeded, and its low bits are as good as its high bits (unlike a plain LCG).
  let seed = 42;
  const next = (n: number): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 * n) | 0;
  };
  let batch = '';
  for (let i = 1; i <= rows; i++) {
    const first = FIRST[next(FIRST.length)] as string;
    const last = LAST[next(LAST.length)] as string;
    const roll = next(1000);
    const local = `${first === 'Zoë' && roll < 500 ? 'zoe' : 'user'}.${i}`;
    const domain = roll < 20 ? 'acme-corp.example' : (DOMAINS[next(DOMAINS.length)] as string);
    const email = roll === 21 ? 'not-an-email' : roll === 22 ? `josé.${i}@${domain}` : `${local}@${domain}`;
    const firstName = roll === 23 ? '' : roll === 24 ? `"${first}; Maria"` : first;
    const month = String(1 + next(12)).padStart(2, '0');
    batch += `P${i};${email};${firstName};${last};${next(3)};de;${STATUS[next(STATUS.length)]};2026-${month}-1${next(10)}\n`;
    if (i % 5000 === 0) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
}
