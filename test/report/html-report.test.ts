import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';
import { collectReportData, htmlReport, maskEmailsIn, maskLogin, renderHtmlReport } from '../../src/report/html/index.js';
import { maskRecordText } from '../../src/report/html/mask.js';
import { artifact, launchBrowser, publishScreenshot, type DomDocument } from './browser.js';
import { personalData, progress, rateLearned, rateLimited, retry, seedRecords, settle } from './fixture.js';

declare const document: DomDocument;

const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);
let dir: string;
let journal: SqliteJournal;

/** A migration as it ends: two runs, most users in Okta, some skipped, some needing the customer. */
function seedMigration(j: SqliteJournal): void {
  seedRecords(j, T0, { admin: 12, panelist: 400, invalid: 9, federated: 25 });
  const create = j.startRun('create', T0);
  let done = 0;
  for (let s = 5; s <= 40 * 60; s += 5) {
    const at = T0 + s * 1000;
    const step = s > 900 && s < 1300 ? s % 10 === 0 ? 1 : 0 : 1;
    done = Math.min(412, done + step);
    progress(j, at, { done, total: 412, ratePerMinute: 12, rateLimited: Math.floor(s / 200), etaMs: ((412 - done) / 12) * 60_000 });
    if (s > 900 && s < 1300 && s % 15 === 0) rateLimited(j, at);
    if (s % 400 === 0) retry(j, at);
    if (s % 60 === 0) rateLearned(j, at, '/api/v1/users', 600, 0.5);
  }
  settle(j, 'admin', 12, T0 + 2000, 'active');
  settle(j, 'panelist', 330, T0 + 2000, 'active');
  settle(j, 'panelist', 60, T0 + 2000, 'staged');
  settle(j, 'panelist', 6, T0 + 2000, 'failed');
  settle(j, 'panelist', 4, T0 + 2000, 'conflict');
  j.finishRun(create, 'done', { created: 402, failed: 6, conflict: 4 }, T0 + 2_400_000);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-html-'));
  journal = openJournal(path.join(dir, 'acme.sqlite'), { installation: 'acme-panel' });
  seedMigration(journal);
});
afterAll(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('html report: masking', () => {
  it('masks a login to its first character and domain, and emails inside messages', () => {
    expect(maskLogin('anna.muller@example.com')).toBe('a***@example.com');
    expect(maskLogin('Ömer@example.de')).toBe('Ö***@example.de');
    expect(maskLogin('jdoe')).toBe('j***');
    expect(maskLogin(null)).toBe('');
    expect(maskEmailsIn('login a.b@x.org already exists; see c@y.example.')).toBe('login a***@x.org already exists; see c***@y.example.');
    expect(maskEmailsIn('"a@@b" and "x@nodot"')).toBe('"a***@b" and "x***@nodot"');
    expect(maskRecordText('login "jdoe" is not an email; first name "Zoë\t" has a tab', ['jdoe', null, 'Zoë\t', 'Li'])).toBe('login "j***" is not an email; first name "Z***" has a tab');
  });
});

describe('html report: content', () => {
  const now = T0 + 2_500_000;

  it('says what was migrated, what was skipped and why, and what needs action, with masked logins', () => {
    const html = htmlReport(journal, { now });
    expect(html).toContain('Okta migration report: acme-panel');
    expect(html).toMatch(/data-field="inOkta"><div class="v">402</);
    expect(html).toMatch(/data-field="needsAction"><div class="v">19</);
    expect(html).toContain('<code>federated</code>');
    expect(html).toContain('identity provider');
    expect(html).toContain('conflict.login_exists');
    expect(html).toContain('okta.E0000001');
    expect(html).toContain('Correct the record in EFS');
    const failed = personalData('panelist', 390);
    expect(html).toContain(failed.key);
    expect(html).toContain('p***@customer-example.org');
    expect(html).not.toContain(failed.email);
    expect(html).not.toContain('broken0@customer-example');
    expect(html).toContain('b***@customer-example');
    expect(html).not.toContain(failed.firstName);
    const rows = /<table data-table="actions">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(rows.match(/<tr>/g)).toHaveLength(1 + 19);
  });

  it('shows logins in full only when unmasked', () => {
    const html = htmlReport(journal, { now, unmasked: true });
    expect(html).toContain(personalData('panelist', 390).email);
    expect(html).toContain('handle this file as personal data');
  });

  it('references nothing outside itself: no URL, script, link or stylesheet import', () => {
    const html = htmlReport(journal, { now });
    expect(html).not.toMatch(/https?:|\/\/|url\(|@import|<script|<link|<img|<iframe|src=|href=/i);
    expect(html).toContain("default-src 'none'");
  });

  it('escapes record text and caps the record table, pointing at the csv report', () => {
    const data = collectReportData(journal, { now, maxActionRows: 5 });
    expect(data.actions).toHaveLength(5);
    expect(data.actionsTotal).toBe(19);
    data.actions[0]!.message = '<img src=x onerror=alert(1)>';
    const html = renderHtmlReport(data);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('the first 5 of 19 records');
    expect(html).toContain('report --format csv');
  });
});

describe('html report: in a real browser', () => {
  it('renders its charts offline with no network request, and prints', async () => {
    const file = path.join(dir, 'report.html');
    writeFileSync(file, htmlReport(journal, { now: T0 + 2_500_000 }));
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => problems.push(`${m.type()}: ${m.text()}`));
      const url = pathToFileURL(file).href;
      await page.goto(url);
      const charts = await page.evaluate(() => [...document.querySelectorAll('svg.chart')].map((svg) => ({
        chart: svg.getAttribute('data-chart'),
        width: svg.getBoundingClientRect().width,
        height: svg.getBoundingClientRect().height,
        bars: svg.querySelectorAll('rect.bar').length,
        segments: svg.querySelectorAll('rect[class^="seg-"]').length,
        lines: svg.querySelectorAll('polyline').length,
      })));
      expect(charts.map((c) => c.chart)).toEqual(['kinds', 'throughput']);
      for (const c of charts) expect(c.width * c.height).toBeGreaterThan(10_000);
      expect(charts[0]!.segments).toBeGreaterThanOrEqual(4);
      expect(charts[1]!.bars).toBeGreaterThan(30);
      expect(charts[1]!.lines).toBe(2);
      const shot = artifact('html-report.png');
      await page.screenshot({ path: shot, fullPage: true });
      publishScreenshot(shot);
      await page.emulateMedia({ media: 'print' });
      const pdf = artifact('html-report.pdf');
      await page.pdf({ path: pdf, format: 'A4', printBackground: true });
      expect(statSync(pdf).size).toBeGreaterThan(20_000);
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      expect(requests).toEqual([url]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
