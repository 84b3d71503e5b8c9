import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { UsageError } from '../../src/core/errors.js';
import { CoreEmitter } from '../../src/core/events.js';
import { startDashboard, type DashboardHandle } from '../../src/dashboard/server.js';
import type { DashboardPayload } from '../../src/dashboard/feed.js';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';
import { buildStatus } from '../../src/report/status-model.js';
import { failedActivity, personalData, progress, rateLearned, SECRET_HASH, seedRecords, settle } from '../report/fixture.js';
import { SseReader } from './sse.js';

let dir: string;
let file: string;
let journal: SqliteJournal;
let clock: FakeClock;
let dashboard: DashboardHandle | null;
const readers: SseReader[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-dash-'));
  file = path.join(dir, 'acme.sqlite');
  journal = openJournal(file, { installation: 'acme' });
  clock = new FakeClock();
  dashboard = null;
});
afterEach(async () => {
  readers.splice(0).forEach((r) => r.close());
  await dashboard?.stop();
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: { journals?: string[]; pollMs?: number; emitter?: CoreEmitter } = {}): Promise<DashboardHandle> {
  dashboard = await startDashboard({ journals: options.journals ?? [file], port: 0, clock, pollMs: options.pollMs ?? 50, emitter: options.emitter });
  return dashboard;
}

async function events(d: DashboardHandle): Promise<SseReader> {
  const r = await SseReader.open(`${d.url}events`);
  readers.push(r);
  return r;
}

/** A GET with a Host header of our choosing (fetch does not allow setting it). */
function rawGet(url: string, host: string, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const panelist = (p: DashboardPayload) => p.journals[0]?.status?.kinds.find((k) => k.kind === 'panelist');

describe('dashboard server', () => {
  it('serves the page, script and stylesheet under a strict CSP, and is read-only on loopback', async () => {
    const d = await start();
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const [p, type] of [['', 'text/html'], ['dashboard.js', 'text/javascript'], ['dashboard.css', 'text/css']]) {
      const res = await fetch(`${d.url}${p}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await res.text()).not.toMatch(/https?:\/\//);
    }
    expect((await fetch(`${d.url}nope`)).status).toBe(404);
    const port = new URL(d.url).port;
    expect(await rawGet(d.url, `127.0.0.1:${port}`, 'POST')).toBe(405);
    expect(await rawGet(d.url, `localhost:${port}`)).toBe(200);
    // DNS rebinding: another name pointing at 127.0.0.1 is refused.
    expect(await rawGet(d.url, `evil.example:${port}`)).toBe(421);
  });

  it('listening on 0.0.0.0, answers to IP addresses and this host\'s names only: a foreign Host header is refused (DNS rebinding)', async () => {
    dashboard = await startDashboard({ journals: [file], port: 0, clock, pollMs: 50, host: '0.0.0.0' });
    const port = new URL(dashboard.url).port;
    const url = `http://127.0.0.1:${port}/`;
    expect(await rawGet(url, `evil.example:${port}`)).toBe(421);
    expect(await rawGet(url, `127.0.0.1.nip.io:${port}`)).toBe(421);
    expect(await rawGet(url, `127.0.0.1:${Number(port) + 1}`)).toBe(421);
    expect(await rawGet(url, `127.0.0.1:${port}`)).toBe(200);
    expect(await rawGet(url, `10.1.2.3:${port}`)).toBe(200);
    expect(await rawGet(url, `[::1]:${port}`)).toBe(200);
    expect(await rawGet(url, `${os.hostname()}:${port}`)).toBe(200);
  });

  it('/api/status and /events carry exactly the status model of the journal at their time', async () => {
    seedRecords(journal, clock.now(), { admin: 2, panelist: 10, invalid: 1 });
    settle(journal, 'panelist', 4, clock.now());
    progress(journal, clock.now(), { done: 4, total: 10, ratePerMinute: 60, rateLimited: 0, etaMs: 6000 });
    rateLearned(journal, clock.now(), '/api/v1/users', 600, 0.5);
    const d = await start();
    const api = (await (await fetch(`${d.url}api/status`)).json()) as DashboardPayload;
    const reader = openJournal(file, { readonly: true });
    try {
      expect(api.journals[0]?.status).toEqual(buildStatus(reader, { now: api.generatedAt }));
      const sse = await events(d);
      const first = await sse.next();
      expect(first.journals[0]?.status).toEqual(buildStatus(reader, { now: first.generatedAt }));
      expect(first.journals[0]?.chart).toContain('data-chart="throughput"');
    } finally {
      reader.close();
    }
  });

  it('pushes changed numbers while another connection writes the journal (a run elsewhere)', async () => {
    seedRecords(journal, clock.now(), { panelist: 30 });
    const d = await start();
    const sse = await events(d);
    expect(panelist(await sse.next())).toMatchObject({ done: 0, total: 30 });
    for (const n of [5, 10, 15]) {
      await clock.advance(1000);
      settle(journal, 'panelist', 5, clock.now());
      progress(journal, clock.now(), { done: n, total: 30, ratePerMinute: 300, rateLimited: 0, etaMs: ((30 - n) / 300) * 60_000 });
      const p = await sse.until((x) => panelist(x)?.done === n);
      expect(p.journals[0]?.status?.progress).toMatchObject({ done: n, total: 30, fresh: true });
    }
  });

  it('waits for a journal that does not exist yet, and shows it once a run creates it', async () => {
    const later = path.join(dir, 'later.sqlite');
    const d = await start({ journals: [file, later] });
    const sse = await events(d);
    const first = await sse.next();
    expect(first.journals.map((j) => j.file)).toEqual(['acme.sqlite', 'later.sqlite']);
    expect(first.journals[1]).toMatchObject({ status: null, error: expect.stringContaining('waiting') });
    expect(first.journals[1]?.error).not.toContain(dir);
    const j2 = openJournal(later, { installation: 'beta' });
    try {
      seedRecords(j2, clock.now(), { admin: 3 });
      const p = await sse.until((x) => x.journals[1]?.status !== null);
      expect(p.journals[1]?.status?.journal).toEqual({ file: 'later.sqlite', installation: 'beta' });
      expect(p.journals[1]?.status?.totals.total).toBe(3);
    } finally {
      j2.close();
    }
  });

  it('in-process: a core event pushes a fresh status without waiting for the poll', async () => {
    seedRecords(journal, clock.now(), { panelist: 4 });
    const emitter = new CoreEmitter();
    const d = await start({ pollMs: 3_600_000, emitter });
    const sse = await events(d);
    expect(panelist(await sse.next())?.done).toBe(0);
    settle(journal, 'panelist', 4, clock.now());
    emitter.emit('progress', { phase: 'create', done: 4, total: 4, ratePerMinute: 10, rateLimited: 0, etaMs: 0 });
    expect(panelist(await sse.next())?.done).toBe(4);
  });

  it('never serves a name, email, login, source key, message or password hash', async () => {
    seedRecords(journal, clock.now(), { admin: 3, panelist: 6, invalid: 2, withHash: true });
    settle(journal, 'panelist', 2, clock.now(), 'failed');
    settle(journal, 'panelist', 1, clock.now(), 'conflict');
    failedActivity(journal, clock.now(), 'panelist', 0);
    const d = await start();
    const bodies = await Promise.all(['', 'dashboard.js', 'dashboard.css', 'api/status'].map(async (p) => (await fetch(`${d.url}${p}`)).text()));
    const sse = await events(d);
    await sse.next();
    const everything = [...bodies, ...sse.raw].join('\n');
    expect(everything).toContain('okta.E0000001');
    for (const kind of ['admin', 'panelist'] as const) {
      for (let i = 0; i < 6; i++) {
        const p = personalData(kind, i);
        for (const v of [p.key, p.email, p.firstName, p.lastName]) expect(everything).not.toContain(v);
      }
    }
    for (const v of ['customer-example', SECRET_HASH, 'Okta rejected', 'broken0', dir]) expect(everything).not.toContain(v);
  });

  it('says which port is taken instead of failing obscurely', async () => {
    const d = await start();
    const port = Number(new URL(d.url).port);
    const err = await startDashboard({ journals: [file], port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toMatchObject({ code: 'DASHBOARD_PORT' });
    expect((err as Error).message).toContain('--port');
  });
});
