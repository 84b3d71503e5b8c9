import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pageByLastLogin } from '../../src/journal/activation.js';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';
import { selectedRows } from '../../src/users/activate-order.js';
import { matchList, parseListText } from '../../src/users/selection.js';
import { personalData, seedRecords, settle } from '../report/fixture.js';

/**
 * journal/activation (migration 009): the funnel aggregates per wave and over time, --order
 * last-login paging, and users/selection: --only/--exclude lines that match nobody, with why.
 */
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const DAY = 86_400_000;
let dir: string;
let j: SqliteJournal;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-activation-'));
  j = openJournal(path.join(dir, 'j.sqlite'), { installation: 't' });
});
afterEach(() => {
  j.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('journal/activation: the funnel', () => {
  it('counts emailed, password set, signed in, waiting and expired, per wave and cumulatively per day', () => {
    seedRecords(j, T0, { panelist: 10, federated: 1 });
    settle(j, 'panelist', 10, T0, 'staged');
    const log = j.activation!;
    const wave1 = j.startRun('activate', T0);
    const wave2 = j.startRun('activate', T0 + DAY);
    const rows = [...j.all(['panelist'])].filter((r) => r.state === 'staged');
    rows.forEach((r, i) => {
      const wave = i < 6 ? wave1 : wave2;
      log.linkSent('panelist', r.key, { at: wave === wave1 ? T0 : T0 + DAY, wave, lifetimeMs: 7 * DAY, byEmail: true, reminder: false });
      j.setState('panelist', r.key, { state: 'provisioned' }, T0);
    });
    // Wave 1: three set a password on day 2, one of them signs in on day 3.
    for (const r of rows.slice(0, 3)) {
      log.refreshed('panelist', r.key, { at: T0 + 3 * DAY, status: 'ACTIVE', lastLogin: r === rows[0] ? new Date(T0 + 2 * DAY).toISOString() : null, passwordSetAt: T0 + DAY, activatedAt: T0 });
      j.setState('panelist', r.key, { state: 'active' }, T0 + 3 * DAY);
    }
    log.linkSent('panelist', rows[3]!.key, { at: T0 + 8 * DAY, wave: 99, lifetimeMs: 7 * DAY, byEmail: true, reminder: true });
    const f = log.funnel(T0 + 9 * DAY);
    expect(f.totals).toEqual({ emailed: 10, provisioned: 7, expired: 6, passwordSet: 3, signedIn: 1, reminded: 1, reminders: 1 });
    expect(f.waves.map((w) => [w.wave, w.emailed, w.passwordSet, w.provisioned])).toEqual([[wave1, 5, 3, 2], [wave2, 4, 0, 4], [99, 1, 0, 1]]);
    expect(f.points.slice(0, 4).map((p) => [new Date(p.t).toISOString().slice(0, 10), p.emailed, p.passwordSet, p.signedIn])).toEqual([
      ['2026-12-01', 6, 0, 0], ['2026-12-02', 10, 3, 0], ['2026-12-03', 10, 3, 1], ['2026-12-04', 10, 3, 1],
    ]);
    expect(f.points[0]!.t).toBe(Date.UTC(2026, 11, 1));
    expect(f.points.at(-1)!.t).toBe(Date.UTC(2026, 11, 10));
    expect(f.oldestWaitingSince).toBe(T0);
    expect(f.lastRefreshAt).toBe(T0 + 3 * DAY);
  });

  it('a reminder marked before the call is listed until its outcome is recorded', () => {
    seedRecords(j, T0, { panelist: 2 });
    const log = j.activation!;
    const key = personalData('panelist', 0).key;
    log.markReminding('panelist', key, T0, 7);
    expect(log.reminding().map((r) => [r.key, r.remindingAt, r.remindingRun])).toEqual([[key, T0, 7]]);
    log.linkSent('panelist', key, { at: T0, wave: 7, lifetimeMs: DAY, byEmail: true, reminder: true });
    expect(log.reminding()).toEqual([]);
    expect(log.get('panelist', key)).toMatchObject({ reminders: 1, emailedAt: T0, linkExpiresAt: T0 + DAY, wave: 7 });
  });
});

describe('users/activate-order: --order last-login', () => {
  it('pages staged users by most recent EFS sign-in, users without one last, and keeps activating rows first', async () => {
    seedRecords(j, T0, { panelist: 7 });
    settle(j, 'panelist', 7, T0, 'staged');
    const keys = [...j.all(['panelist'])].map((r) => r.key);
    const logins = ['2026-01-05', null, '2026-10-01 08:00:00', '2025-12-31', null, '2026-10-01 07:00:00', '2026-03-01'];
    keys.forEach((k, i) => j.db.prepare('UPDATE records SET last_login = ? WHERE kind = ? AND key = ?').run(logins[i], 'panelist', k));
    j.setState('panelist', keys[6]!, { state: 'activating' }, T0);
    const order = selectedRows({ order: 'last-login', pageByLastLogin: (k, after, limit) => pageByLastLogin(j.db, k, 'staged', after, 2 > limit ? limit : 2) });
    const got: string[] = [];
    for await (const r of order(j, { installation: 't', kinds: ['panelist'], sendEmail: true, concurrency: 1 })) got.push(r.key);
    expect(got).toEqual([keys[6], keys[2], keys[5], keys[0], keys[3], keys[1], keys[4]]);
    const excluded: string[] = [];
    const sel = selectedRows({ order: 'key', exclude: new Set([`panelist:${keys[1]}`]) });
    for await (const r of sel(j, { installation: 't', kinds: ['panelist'], sendEmail: true, concurrency: 1, max: 3 })) excluded.push(r.key);
    expect(excluded).toEqual([keys[6], keys[0], keys[2]]);
  });
});

describe('users/selection: list files', () => {
  it('matches keys and logins (any case), and gives each line that selects nobody its reason', () => {
    seedRecords(j, T0, { panelist: 3, invalid: 1, federated: 1 });
    settle(j, 'panelist', 2, T0, 'staged');
    const [a, b] = [...j.all(['panelist'])].filter((r) => r.state === 'staged');
    j.setState('panelist', b!.key, { state: 'active' }, T0);
    const pending = [...j.all(['panelist'])].find((r) => r.state === 'pending')!;
    const text = `# wave\n${a!.login!.toUpperCase()}\n\n${b!.key}\nnobody@example.org\nfed0@sso-company.example\nbroken0@customer-example\n${pending.key}\n$(rm -rf)\n`;
    const m = matchList(j, parseListText(text), ['panelist', 'admin'], ['staged']);
    expect([...m.ids]).toEqual([`panelist:${a!.key}`]);
    expect(m.unmatched.map((u) => [u.line, u.reason])).toEqual([
      [4, 'already active'], [5, 'unknown'], [6, 'federated'], [7, 'invalid'], [8, 'not created yet'], [9, 'invalid'],
    ]);
    expect(matchList(j, parseListText(`${b!.key}\nfed0@sso-company.example\n`), ['panelist'], 'any').unmatched).toEqual([]);
  });
});

describe('dashboard/feed: the funnel', () => {
  it('pushes the activation funnel with the status and draws it under the throughput chart', async () => {
    const { StatusFeed } = await import('../../src/dashboard/feed.js');
    seedRecords(j, T0, { panelist: 4 });
    settle(j, 'panelist', 4, T0, 'staged');
    const run = j.startRun('activate', T0);
    for (const r of [...j.all(['panelist'])].slice(0, 3)) {
      j.activation!.linkSent('panelist', r.key, { at: T0, wave: run, lifetimeMs: DAY, byEmail: true, reminder: false });
      j.setState('panelist', r.key, { state: 'provisioned' }, T0);
    }
    const feed = new StatusFeed([j.path]);
    const payload = feed.read(T0 + 2 * DAY);
    const one = payload.journals[0]!;
    expect(one.status?.activation?.totals).toMatchObject({ emailed: 3, provisioned: 3, expired: 3, passwordSet: 0 });
    expect(one.chart?.match(/data-chart="funnel"[^>]*data-signed-in="\d+"/)?.[0]).toBe('data-chart="funnel" data-points="3" data-emailed="3" data-password-set="0" data-signed-in="0"');
    feed.close();
  });
});
