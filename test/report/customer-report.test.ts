import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalJournal } from '../../src/journal/portals.js';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';
import { emailProblem } from '../../src/records/email.js';
import { collectReportData, htmlReport } from '../../src/report/html/index.js';
import { maskRecordText } from '../../src/report/html/mask.js';
import { explainReason } from '../../src/report/html/reasons.js';
import { cliInProcess } from '../robustness/in-process.js';

/**
 * The customer report masks everything personal in free text too (quoted values, shortened ones,
 * names), keeps the sentences readable, explains every skip reason, shows a run that was killed as
 * interrupted, and `report --format csv/json` lists the portals with the users.
 */
const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);
let dir: string;
let journal: SqliteJournal;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-customer-report-'));
  journal = openJournal(path.join(dir, 'acme.sqlite'), { installation: 'acme' });
});
afterAll(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('html report: masking free text', () => {
  it('an email.too_long message quoting the first 60 characters of the address: nothing of it readable', () => {
    const email = `${'zacharias.personalname.'.repeat(12)}@customer-example.org`;
    const message = emailProblem(email)?.message ?? '';
    expect(message).toContain(email.slice(0, 40));
    const masked = maskRecordText(message, [email, email, 'Zacharias', 'Personalname']);
    expect(masked).not.toContain('acharias');
    expect(masked).not.toContain('personalname');
    expect(masked).toContain('characters long; Okta allows at most 100');
  });

  it('names and values quoted in a message are masked even when the record holds another spelling', () => {
    const masked = maskRecordText('first name "Zoë\\t Quincey-Ottoline" contains a control character (U+0009, e.g. a tab or line break): fix it in the source', [null, null, null, null]);
    expect(masked).not.toContain('Quincey');
    expect(masked).toContain('contains a control character (U+0009');
  });

  it('explanations stay readable: "(no @)" is not an address, column names the message refers to stay', () => {
    const masked = maskRecordText('email "anna.meyer.example.com" is not an email address (no @): fix the value in the source', ['anna.meyer.example.com', 'anna.meyer.example.com', null, null]);
    expect(masked).toBe('email "a***" is not an email address (no @): fix the value in the source');
    expect(maskRecordText('no email in "u_email": Okta requires a primary email; add the address in the source', [null, null, 'Anna', 'Meyer'])).toBe('no email in "u_email": Okta requires a primary email; add the address in the source');
    expect(maskRecordText('line 4: the key column "pcode" is empty', [null, null, null, null])).toBe('line 4: the key column "pcode" is empty');
  });
});

describe('html report: reasons and runs', () => {
  it('a skip reason that is a status value ("0", "9") has a meaning', () => {
    for (const code of ['0', '9', 'gesperrt']) {
      const text = explainReason(code, 'skipped');
      expect(text).toContain(`"${code}"`);
      expect(text).toMatch(/include|exclude/);
    }
  });

  it('a run that was killed (never finished, no live lock) is shown as interrupted, not "running or stopped"', () => {
    journal.startRun('create', T0);
    const data = collectReportData(journal, { now: T0 + 3_600_000 });
    expect(data.runs[data.runs.length - 1]?.outcome).toMatch(/^interrupted/);
    const html = htmlReport(journal, { now: T0 + 3_600_000 });
    expect(html).not.toContain('running or stopped');
    expect(html).toContain('interrupted');
  });
});

describe('report --format csv/json: portals with the users', () => {
  it('lists every portal row (kind portal, key, state, reason, app id)', async () => {
    const portals = portalJournal(journal);
    portals.upsertSource({ key: 'P-7', line: 2, name: 'Employee Portal', baseUrl: 'https://p7.example.com', redirectUris: [] }, T0);
    portals.update('P-7', { state: 'registered', appId: '0oaPORTAL7', clientId: 'client7', label: 'EFS acme · Employee Portal (P-7)' }, T0);
    portals.upsertSource({ key: 'P-8', line: 3, name: null, baseUrl: null, redirectUris: [] }, T0);
    portals.update('P-8', { state: 'invalid', reason: 'name.missing', message: 'no portal name in "name"' }, T0);
    const cfg = path.join(dir, 'efs-okta.yaml');
    writeFileSync(cfg, 'installation: acme\njournal: acme.sqlite\nsources: {}\n');
    const csvFile = path.join(dir, 'report.csv');
    const csv = await cliInProcess(['report', '-c', cfg, '--format', 'csv', '-o', csvFile]);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = readFileSync(csvFile, 'utf8').trim().split('\r\n');
    expect(lines).toContain('portal,P-7,,registered,,,0oaPORTAL7,,0');
    expect(lines).toContain('portal,P-8,,invalid,name.missing,"no portal name in ""name""",,,0');
    const json = await cliInProcess(['report', '-c', cfg, '--format', 'json']);
    const rows = JSON.parse(json.stdout) as { kind: string; key: string; okta_id: string | null }[];
    expect(rows.filter((r) => r.kind === 'portal').map((r) => [r.key, r.okta_id])).toEqual([['P-7', '0oaPORTAL7'], ['P-8', null]]);
  });
});
