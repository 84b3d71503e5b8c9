import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { startDashboard, type DashboardHandle } from '../../src/dashboard/server.js';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';
import { buildStatus, type StatusModel } from '../../src/report/status-model.js';
import { formatDuration } from '../../src/report/summary.js';
import { artifact, launchBrowser, publishScreenshot, type Browser, type DomDocument } from '../report/browser.js';
import { progress, rateLearned, rateLimited, retry, seedRecords, settle } from '../report/fixture.js';

declare const document: DomDocument;

// The journal lock records real time: keep the fake clock near it so the page reads sensibly.
const T0 = Math.floor(Date.now() / 60_000) * 60_000;
const TOTAL = 1200;
let dir: string;
let acme: SqliteJournal;
let beta: SqliteJournal;
let clock: FakeClock;
let dashboard: DashboardHandle;
let browser: Browser;
let done = 0;
let limited = 0;

/** Twenty minutes of a create run, as the run's activity subscriber would have logged them. */
function runHistory(j: SqliteJournal): void {
  seedRecords(j, T0 - 1_500_000, { admin: 40, panelist: TOTAL, invalid: 14, federated: 60 });
  j.startRun('create', T0 - 1_200_000);
  j.acquireLock('users create');
  settle(j, 'admin', 40, T0 - 1_150_000, 'staged');
  j.db.transaction(() => {
    for (let s = 2; s <= 1200; s += 2) {
      const at = T0 - 1_200_000 + s * 1000;
      const throttled = s > 500 && s < 640;
      done += throttled ? (s % 4 === 0 ? 1 : 0) : 1;
      if (throttled && s % 6 === 0) {
        rateLimited(j, at);
        limited++;
      }
      progress(j, at, { done, total: TOTAL, ratePerMinute: throttled ? 15 : 30, rateLimited: limited, etaMs: ((TOTAL - done) / 30) * 60_000 });
      if (s % 300 === 0) retry(j, at, s === 600 ? '503' : 'E0000047');
      if (s % 10 === 0) rateLearned(j, at, '/api/v1/users', 600, 0.5, 280);
    }
  })();
  settle(j, 'panelist', done - 5, T0 - 1000, 'staged');
  settle(j, 'panelist', 3, T0 - 1000, 'failed');
  settle(j, 'panelist', 2, T0 - 1000, 'conflict');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-dash-browser-'));
  acme = openJournal(path.join(dir, 'acme.sqlite'), { installation: 'acme-panel' });
  runHistory(acme);
  beta = openJournal(path.join(dir, 'beta.sqlite'), { installation: 'beta-admins' });
  seedRecords(beta, T0 - 7_200_000, { admin: 25, invalid: 0 });
  settle(beta, 'admin', 25, T0 - 7_000_000, 'active');
  beta.finishRun(beta.startRun('activate', T0 - 7_100_000), 'done', { activated: 25 }, T0 - 7_000_000);
  clock = new FakeClock(T0);
  dashboard = await startDashboard({ journals: [acme.path, beta.path], port: 0, clock, pollMs: 100 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  acme?.close();
  beta?.close();
  rmSync(dir, { recursive: true, force: true });
});

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Everything the page shows for journal 0, read in one go (the page cannot update in between). */
function readPage(): Promise<{ generatedAt: number; fields: Record<string, string>; failures: string[][]; sections: number; updates: number }> {
  return browserPage!.evaluate(() => {
    const s = document.querySelector('[data-journal="0"]');
    const fields: Record<string, string> = {};
    for (const e of s ? Array.from(s.querySelectorAll('[data-field]')) : []) {
      const name = e.getAttribute('data-field');
      if (name && name !== 'body' && name !== 'chart') fields[name] = e.textContent ?? '';
    }
    const failures = s ? Array.from(s.querySelectorAll('[data-table="failures"] tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')) : [];
    return {
      generatedAt: Number(s?.getAttribute('data-generated-at')),
      fields, failures,
      sections: document.querySelectorAll('section.journal').length,
      updates: Number(document.body.getAttribute('data-updates')),
    };
  });
}

let browserPage: Awaited<ReturnType<Browser['context']['newPage']>> | null = null;

function expectPageMatches(fields: Record<string, string>, failures: string[][], m: StatusModel): void {
  expect(fields['done']).toBe(fmt(m.totals.done));
  expect(fields['total']).toBe(fmt(m.totals.total));
  expect(fields['ratePerMinute']).toBe(fmt(m.rate.currentPerMinute));
  expect(fields['allowedPerMinute']).toBe(fmt(m.rate.bucket!.allowedPerMinute));
  expect(fields['rateLimited']).toBe(fmt(m.throttling.rateLimited));
  expect(fields['retries']).toBe(fmt(m.throttling.retries));
  expect(fields['eta']).toBe(formatDuration(m.eta.ms));
  expect(fields['needsAction']).toBe(fmt(m.totals.needsAction));
  expect(fields['progress']).toBe(`${m.progress!.phase}: ${fmt(m.progress!.done)} / ${fmt(m.progress!.total)}`);
  for (const k of m.kinds) {
    expect(fields[`${k.kind}.done`]).toBe(`${fmt(k.done)} / ${fmt(k.total)}`);
    for (const f of ['inOkta', 'active', 'toDo', 'needsAction', 'notMigrated'] as const) expect(fields[`${k.kind}.${f}`]).toBe(fmt(k[f]));
  }
  expect(failures).toEqual(m.failures.map((f) => [f.kind, f.state, f.reason, fmt(f.count)]));
}

describe('dashboard in a real browser', () => {
  it('loads, updates live while the journal is written, and shows exactly the status model', async () => {
    const page = await browser.context.newPage();
    browserPage = page;
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(dashboard.url);
    await page.waitForFunction(() => Number(document.body.getAttribute('data-updates')) >= 1);
    const reader = openJournal(acme.path, { readonly: true });
    try {
      const first = await readPage();
      expect(first.sections).toBe(2);
      expect(first.fields['title']).toBe('acme-panel · acme.sqlite');
      expect(first.fields['run']).toContain('running: users create');
      expectPageMatches(first.fields, first.failures, buildStatus(reader, { now: first.generatedAt }));

      // The run goes on in "another process": rows written through another connection.
      const before = first.fields['panelist.done'];
      for (let step = 1; step <= 3; step++) {
        await clock.advance(2000);
        settle(acme, 'panelist', 20, clock.now(), 'staged');
        done += 20;
        rateLimited(acme, clock.now());
        limited++;
        progress(acme, clock.now(), { done, total: TOTAL, ratePerMinute: 600, rateLimited: limited, etaMs: ((TOTAL - done) / 600) * 60_000 });
        rateLearned(acme, clock.now(), '/api/v1/users', 600, 0.5, 100);
        const want = `${fmt(done - 5 + 14 + 60 + 5 + 0)} / ${fmt(TOTAL + 14 + 60)}`;
        await page.waitForFunction((w) => document.querySelector('[data-journal="0"] [data-field="panelist.done"]')?.textContent === w, want);
      }
      const last = await readPage();
      expect(last.fields['panelist.done']).not.toBe(before);
      expect(last.fields['ratePerMinute']).toBe('600');
      expect(last.updates).toBeGreaterThan(first.updates);
      expectPageMatches(last.fields, last.failures, buildStatus(reader, { now: last.generatedAt }));

      const chart = await page.evaluate(() => {
        const svg = document.querySelector('[data-journal="0"] svg[data-chart="throughput"]');
        return { bars: svg?.querySelectorAll('rect.bar').length ?? 0, width: svg?.getBoundingClientRect().width ?? 0, lines: svg?.querySelectorAll('polyline').length ?? 0 };
      });
      expect(chart.bars).toBeGreaterThan(15);
      expect(chart.width).toBeGreaterThan(500);
      expect(chart.lines).toBe(2);
      const shot = artifact('dashboard.png');
      await page.screenshot({ path: shot, fullPage: true });
      publishScreenshot(shot);
      expect(requests.length).toBeGreaterThanOrEqual(3);
      for (const url of requests) expect(url.startsWith(dashboard.url)).toBe(true);
      // No script error and no CSP violation (the chart is inserted as markup).
      expect(problems).toEqual([]);
    } finally {
      reader.close();
    }
  });
});
