import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import type { UserKind } from '../../src/core/types.js';
import type { JournalRow } from '../../src/journal/types.js';
import { activateUsers, type ActivateOptions, type ActivateSummary } from '../../src/users/activate.js';
import { FakeClock, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { drive, editableConfig, emailsPerUser, SkippingClock, until } from './lifecycle-helpers.js';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';

let inst: TestInstallation | null = null;
let proxy: RecordingProxy | null = null;
afterEach(async () => {
  await proxy?.stop();
  proxy = null;
  await inst?.cleanup();
  inst = null;
});

function staged(rt: Runtime, kind?: UserKind): JournalRow[] {
  return [...rt.journal.all(kind ? [kind] : undefined)].filter((r) => r.state === 'staged');
}

/** Runs phase 2 with the gateway on real time and the waves on `clock`; records when each activation started. */
async function activate(rt: Runtime, clock: FakeClock, options: Partial<ActivateOptions>): Promise<{ summary: ActivateSummary; starts: number[] }> {
  const starts: number[] = [];
  const off = rt.emitter.on('record:state', (e) => {
    if (e.to === 'activating') starts.push(clock.now());
  });
  try {
    const summary = await drive(clock, activateUsers(
      { journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock },
      { installation: rt.config.installation, kinds: ['admin', 'panelist'], sendEmail: true, concurrency: 4, ...options },
    ));
    return { summary, starts };
  } finally {
    off();
  }
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

describe('users/activate (phase 2) against the simulator', () => {
  it('waves: admins first, --per-hour spaces starts exactly, --max stops, a later run continues', async () => {
    inst = await testInstallation();
    await inst.create();
    const rt = await inst.open();
    try {
      const clock = new FakeClock();
      const admins = staged(rt, 'admin');
      const panelists = staged(rt, 'panelist');
      expect(admins.length).toBeGreaterThanOrEqual(5);
      expect(panelists.length).toBeGreaterThan(50);

      // Wave 1: 3 admins at 60 per hour → one start per minute, exactly.
      const w1 = await activate(rt, clock, { kinds: ['admin'], perHour: 60, max: 3 });
      expect(w1.summary).toMatchObject({ activated: 3, emailed: 3, failed: 0, interrupted: false });
      expect(gaps(w1.starts)).toEqual([60_000, 60_000]);
      expect(inst.sim.outbox()).toHaveLength(3);
      expect(staged(rt, 'admin')).toHaveLength(admins.length - 3);

      // Stopped wave continued later: the rest of the admins, nothing twice.
      const w2 = await activate(rt, clock, { kinds: ['admin'], perHour: 60 });
      expect(w2.summary.activated).toBe(admins.length - 3);
      expect(gaps(w2.starts).every((g) => g === 60_000)).toBe(true);
      expect(staged(rt, 'admin')).toHaveLength(0);
      expect(staged(rt, 'panelist')).toHaveLength(panelists.length);
      const adminIds = new Set(admins.map((r) => r.oktaId));
      expect(inst.sim.outbox().every((e) => adminIds.has(e.userId))).toBe(true);

      // Panelists in waves of 10 at 120 per hour: 30 s apart.
      const w3 = await activate(rt, clock, { kinds: ['panelist'], perHour: 120, max: 10 });
      expect(w3.summary).toMatchObject({ activated: 10, emailed: 10 });
      expect(gaps(w3.starts)).toEqual(Array(9).fill(30_000));
      const w4 = await activate(rt, clock, { kinds: ['panelist'], max: 1000 });
      expect(w4.summary.activated).toBe(panelists.length - 10);

      // Every user we created got exactly one email, and is PROVISIONED (waiting for its password).
      const emails = emailsPerUser(inst.sim);
      expect(emails.size).toBe(admins.length + panelists.length);
      expect([...emails.values()].every((n) => n === 1)).toBe(true);
      for (const r of [...admins, ...panelists]) {
        expect(inst.sim.org.users.get(r.oktaId!)?.status).toBe('PROVISIONED');
        expect(rt.journal.get(r.kind, r.key)).toMatchObject({ state: 'provisioned', reason: 'activation.email' });
      }
      // A rerun has nothing left to do.
      const w5 = await activate(rt, clock, {});
      expect(w5.summary.activated + w5.summary.alreadyActive).toBe(0);
    } finally {
      rt.close();
    }
  });

  it('an interrupt while a wave waits leaves the rest staged, not failed', async () => {
    inst = await testInstallation();
    await inst.create();
    const rt = await inst.open();
    try {
      const clock = new FakeClock();
      const controller = new AbortController();
      const run = activateUsers(
        { journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock },
        { installation: 'samples', kinds: ['admin'], sendEmail: true, concurrency: 4, perHour: 10, signal: controller.signal },
      );
      // The first activation goes out at once; the second waits six minutes on the clock.
      await until(() => clock.pending > 0);
      controller.abort(new Error('stop'));
      const summary = await run;
      expect(summary).toMatchObject({ activated: 1, failed: 0, interrupted: true });
      const rows = [...rt.journal.all(['admin'])].filter((r) => r.oktaId);
      expect(rows.filter((r) => r.state === 'provisioned')).toHaveLength(1);
      for (const r of rows.filter((x) => x.state !== 'provisioned')) expect([r.state, r.reason, r.attempts]).toEqual(['staged', null, 0]);
      expect(inst.sim.outbox()).toHaveLength(1);
    } finally {
      rt.close();
    }
  });

  it('a crash between the activation call and the journal write sends no second email', async () => {
    inst = await testInstallation();
    await inst.create();
    const rt = await inst.open();
    try {
      const victim = staged(rt, 'panelist')[0]!;
      // The first run's call went through (Okta emailed), then the process died before recording it.
      rt.journal.setState(victim.kind, victim.key, { state: 'activating' }, Date.now());
      const first = await rt.okta!.activateUser(victim.oktaId!, true);
      expect(first.outcome).toBe('activated');
      expect(inst.sim.outbox()).toHaveLength(1);
      // And one whose call never reached Okta: still STAGED, so it is activated now.
      const notSent = staged(rt, 'panelist')[0]!;
      rt.journal.setState(notSent.kind, notSent.key, { state: 'activating' }, Date.now());

      const { summary } = await activate(rt, new FakeClock(), { kinds: ['panelist'], only: new Set([victim.key, notSent.login!.toLowerCase()]) });
      expect(summary).toMatchObject({ activated: 1, emailed: 1, alreadyActive: 1, failed: 0 });
      expect(emailsPerUser(inst.sim).get(victim.oktaId!)).toBe(1);
      expect(emailsPerUser(inst.sim).get(notSent.oktaId!)).toBe(1);
      expect(inst.sim.outbox()).toHaveLength(2);
      expect(rt.journal.get(victim.kind, victim.key)).toMatchObject({ state: 'provisioned', reason: 'activation.previous_run' });
      expect(rt.journal.get(notSent.kind, notSent.key)).toMatchObject({ state: 'provisioned', reason: 'activation.email' });
    } finally {
      rt.close();
    }
  });

  it('an activation whose answer was lost is retried without a second email', async () => {
    inst = await testInstallation();
    await inst.create();
    proxy = await startRecordingProxy(inst.sim.url);
    writeFileSync(inst.configFile, editableConfig(inst.dir, proxy.url));
    const rt = await inst.open();
    try {
      const victim = staged(rt, 'admin')[0]!;
      proxy.dropAnswerOnce((method, p) => method === 'POST' && p.startsWith(`/api/v1/users/${victim.oktaId}/lifecycle/activate`));
      const { summary } = await activate(rt, new FakeClock(), { kinds: ['admin'] });
      expect(proxy.dropped).toBe(1);
      expect(summary.failed).toBe(0);
      const emails = emailsPerUser(inst.sim);
      expect(emails.get(victim.oktaId!)).toBe(1);
      expect([...emails.values()].every((n) => n === 1)).toBe(true);
      // The retry met E0000016 (already active): done, and the email Okta sent on the first call counts.
      expect(rt.journal.get('admin', victim.key)).toMatchObject({ state: 'provisioned', reason: 'activation.email' });
      expect(staged(rt, 'admin')).toHaveLength(0);
      expect(summary.emailed + summary.alreadyActive).toBe(emails.size);

      // With --no-email the lost answer held the only link: a new one is issued (lifecycle/reactivate,
      // no email), never silently "done" without a link on file.
      const other = staged(rt, 'panelist')[0]!;
      proxy.dropAnswerOnce((method, p) => method === 'POST' && p.startsWith(`/api/v1/users/${other.oktaId}/lifecycle/activate`));
      const links: string[] = [];
      const second = await activate(rt, new FakeClock(), { kinds: ['panelist'], only: new Set([other.key]), sendEmail: false, onLink: (_r, url) => links.push(url) });
      expect(proxy.dropped).toBe(2);
      expect(second.summary).toMatchObject({ activated: 0, alreadyActive: 1, reissued: 1, links: 1, failed: 0 });
      expect(links).toHaveLength(1);
      expect(rt.journal.get('panelist', other.key)).toMatchObject({ state: 'provisioned', reason: 'activation.link' });
      expect(inst.sim.org.users.get(other.oktaId!)?.status).toBe('PROVISIONED');
      expect(emailsPerUser(inst.sim).has(other.oktaId!)).toBe(false);
    } finally {
      rt.close();
    }
  });

  it('dropped connections (sim dropRate) never produce two emails', async () => {
    inst = await testInstallation({ sim: { seed: 5 } });
    await inst.create();
    inst.sim.setFaults({ dropRate: 0.25 });
    const rt = await inst.open({ clock: new SkippingClock() });
    try {
      const before = staged(rt);
      const { summary } = await activate(rt, new FakeClock(), {});
      expect((inst.sim.stats().dropped as number)).toBeGreaterThan(0);
      const emails = emailsPerUser(inst.sim);
      expect([...emails.values()].every((n) => n === 1)).toBe(true);
      // Whatever failed after its retries stays staged for the next run; the rest is active with one email.
      const active = [...rt.journal.all()].filter((r) => r.state === 'provisioned');
      expect(active.length + staged(rt).length).toBe(before.length);
      expect(emails.size).toBe(active.length);
      expect(summary.activated + summary.alreadyActive).toBe(active.length);
      inst.sim.setFaults({ dropRate: 0 });
      await activate(rt, new FakeClock(), {});
      expect(staged(rt)).toHaveLength(0);
      expect([...emailsPerUser(inst.sim).values()].every((n) => n === 1)).toBe(true);
      expect(emailsPerUser(inst.sim).size).toBe(before.length);
    } finally {
      rt.close();
    }
  });

  it('users with an imported password hash are activated without an email', async () => {
    // 22-char salt + 31-char hash (radix-64): what PHP's password_hash writes.
    const crypt = `$2y$10$${'a'.repeat(22)}${'B'.repeat(31)}`;
    inst = await testInstallation({
      configText: (url) => `installation: hashed
okta: { orgUrl: ${JSON.stringify(url)}, share: 1, tokenShare: 1, concurrency: 4 }
sources:
  admins:
    file: admins.csv
    columns: { key: id, email: email, firstName: first, lastName: last }
    passwordHash: { algorithm: BCRYPT, valueColumn: pw }
journal: ./hashed.sqlite
`,
    });
    writeFileSync(path.join(inst.dir, 'admins.csv'), `id;email;first;last;pw
1;ann@example.com;Ann;Lee;${crypt}
2;bob@example.com;Bob;Ray;
3;cyd@example.com;Cyd;Fox;${crypt}
`);
    await inst.create();
    const rt = await inst.open();
    try {
      expect(rt.journal.get('admin', '1')).toMatchObject({ state: 'staged', reason: 'password.imported', passwordHash: null });
      const { summary } = await activate(rt, new FakeClock(), { only: new Set(['1', '2']) });
      expect(summary).toMatchObject({ activated: 2, emailed: 1, failed: 0 });
      // --no-email: a user with a password needs no link either.
      const links: string[] = [];
      const noEmail = await activate(rt, new FakeClock(), { sendEmail: false, onLink: (row) => links.push(row.key) });
      expect(noEmail.summary).toMatchObject({ activated: 1, emailed: 0, links: 0 });
      expect(links).toEqual([]);
      expect(inst.sim.outbox().map((e) => e.login)).toEqual(['bob@example.com']);
      // With a password, Okta activates straight to ACTIVE; without, PROVISIONED until the link is used.
      expect(inst.sim.org.users.getByLogin('ann@example.com')?.status).toBe('ACTIVE');
      expect(inst.sim.org.users.getByLogin('cyd@example.com')?.status).toBe('ACTIVE');
      expect(inst.sim.org.users.getByLogin('bob@example.com')?.status).toBe('PROVISIONED');
      expect(rt.journal.get('admin', '1')).toMatchObject({ state: 'active', reason: 'password.imported' });
    } finally {
      rt.close();
    }
  });

  it('an imported password is its own field: no email after a failed activation (failRate 1, maxAttempts 1) nor after a resync', async () => {
    const crypt = `$2y$10$${'a'.repeat(22)}${'B'.repeat(31)}`;
    inst = await testInstallation({
      configText: (url) => `installation: hashed
okta: { orgUrl: ${JSON.stringify(url)}, share: 1, tokenShare: 1, concurrency: 2, maxAttempts: 1 }
sources:
  admins:
    file: admins.csv
    columns: { key: id, email: email, firstName: first, lastName: last }
    passwordHash: { algorithm: BCRYPT, valueColumn: pw }
journal: ./hashed.sqlite
`,
    });
    const csv = (ann: string): string => `id;email;first;last;pw\n1;ann@example.com;${ann};Lee;${crypt}\n2;cyd@example.com;Cyd;Fox;${crypt}\n`;
    writeFileSync(path.join(inst.dir, 'admins.csv'), csv('Ann'));
    await inst.create();
    // Run 1: every request fails once and is not retried: both activations fail.
    inst.sim.setFaults({ failRate: 1 });
    let rt = await inst.open();
    try {
      const first = await activate(rt, new FakeClock(), { only: new Set(['1']) });
      expect(first.summary).toMatchObject({ activated: 0, failed: 1 });
      expect(rt.journal.get('admin', '1')).toMatchObject({ state: 'staged', reason: 'activation.failed', passwordImported: true });
    } finally {
      rt.close();
    }
    // A changed name whose update fails leaves user 2 `failed`; the next create run resyncs it by id.
    writeFileSync(path.join(inst.dir, 'admins.csv'), csv('Anne').replace('Cyd;Fox', 'Cyd;Foxx'));
    await inst.create();
    expect(inst.sim.org.users.getByLogin('cyd@example.com')?.lastName).toBe('Fox');
    inst.sim.setFaults({ failRate: 0 });
    await inst.create();
    expect(inst.sim.org.users.getByLogin('cyd@example.com')?.lastName).toBe('Foxx');
    rt = await inst.open();
    try {
      expect(rt.journal.get('admin', '2')).toMatchObject({ state: 'staged', passwordImported: true });
      // Run 2: both activate, neither gets an email: they sign in with their imported password.
      const second = await activate(rt, new FakeClock(), {});
      expect(second.summary).toMatchObject({ activated: 2, emailed: 0, failed: 0 });
      expect(inst.sim.outbox()).toEqual([]);
      expect(rt.journal.get('admin', '1')).toMatchObject({ state: 'active', passwordImported: true });
    } finally {
      rt.close();
    }
  });

  it('--no-email hands links to onLink (none emailed); never activates linked or conflict users', async () => {
    inst = await testInstallation({ extraConfig: 'onExisting: link\n' });
    const pre = await inst.open();
    try {
      await pre.okta!.createUser({ profile: { login: 'jonas.2@example.com', email: 'jonas.2@example.com', firstName: 'Other', lastName: 'Person' }, passwordHash: null, groupIds: [] });
    } finally {
      pre.close();
    }
    await inst.create();
    const rt = await inst.open();
    try {
      expect(rt.journal.get('admin', '2')).toMatchObject({ state: 'linked' });
      const links: string[] = [];
      const { summary } = await activate(rt, new FakeClock(), { kinds: ['admin'], sendEmail: false, onLink: (row, url) => links.push(`${row.key} ${url}`) });
      expect(summary.emailed).toBe(0);
      expect(summary.links).toBe(summary.activated);
      expect(links).toHaveLength(summary.activated);
      expect(links.every((l) => /^\S+ http:\/\/.+\/welcome\/\S+$/.test(l))).toBe(true);
      expect(inst.sim.outbox()).toHaveLength(0);
      expect(inst.sim.org.users.getByLogin('jonas.2@example.com')?.status).toBe('STAGED');
      expect(rt.journal.get('admin', '2')).toMatchObject({ state: 'linked' });
    } finally {
      rt.close();
    }
  });
});
