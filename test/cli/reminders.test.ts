import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { testInstallation, type TestInstallation } from '../helpers/installation.js';
import { runCli } from '../users/lifecycle-helpers.js';

/**
 * The activation funnel end to end through the CLI against the simulator: a wave of panelists is
 * emailed; some follow their link and set a password, some of those sign in; the others' links
 * expire. `users refresh` reads Okta; status, verify and the csv/json/html reports show the three
 * groups (no password yet, password set, signed in) exactly; `users reactivate` emails exactly the
 * PROVISIONED users, once each, and respects the cap per user.
 */
const DAY = 86_400_000;
/** The simulator's clock: real time plus an offset the test moves forward (links expire in Okta). */
let offset = 0;
const simClock: Clock = { now: () => systemClock.now() + offset, sleep: (ms, signal) => systemClock.sleep(ms, signal) };

let inst: TestInstallation;
const cli = (args: string[]) => runCli(inst, args);

async function simPost(p: string, body: unknown = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${inst.sim.url}/__sim/${p}`, { method: 'POST', headers: { authorization: `SSWS ${inst.sim.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const tokenOf = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

beforeAll(async () => {
  inst = await testInstallation({ sim: { clock: simClock }, extraConfig: 'activation: { systemLogDelay: 0s }\n' });
  await inst.create();
}, 60_000);
afterAll(async () => inst?.cleanup());

describe('cli/users refresh and users reactivate: the activation funnel', () => {
  let emailed: { userId: string; login: string; activationUrl: string }[] = [];
  let setPassword: typeof emailed = [];
  let signedIn: typeof emailed = [];
  let waiting: typeof emailed = [];

  it('a wave is emailed (more than 50 needs --yes without a terminal); PROVISIONED users show apart from ACTIVE ones', async () => {
    const refused = await cli(['users', 'activate', '--kind', 'panelists']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/will send \d+ activation emails to \d+ panelists, as fast as the rate limits allow, starting now/);
    expect(refused.stderr).toMatch(/more than 50 \(activation.confirmAbove\): check the line above, then run again with --yes/);
    expect(inst.sim.outbox()).toHaveLength(0);

    const r = await cli(['users', 'activate', '--kind', 'panelists', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    emailed = inst.sim.outbox().map((e) => ({ userId: e.userId, login: e.login, activationUrl: e.activationUrl }));
    expect(emailed.length).toBeGreaterThan(60);
    setPassword = emailed.filter((_, i) => i % 3 === 0);
    signedIn = setPassword.filter((_, i) => i % 2 === 0);
    waiting = emailed.filter((_, i) => i % 3 !== 0);
    for (const u of setPassword) expect((await simPost(`activate/${tokenOf(u.activationUrl)}`, { password: 'Chosen-Passw0rd!' })).status).toBe(200);
    for (const u of signedIn) expect((await simPost(`signin/${u.userId}`)).status).toBe(200);

    // Before a refresh the journal knows only what it sent: everyone emailed is PROVISIONED.
    const before = JSON.parse((await cli(['status', '--json'])).stdout) as { kinds: { kind: string; provisioned: number; active: number }[] };
    expect(before.kinds.find((k) => k.kind === 'panelist')).toMatchObject({ provisioned: emailed.length, active: 0 });
  }, 60_000);

  it('users refresh reads Okta; status, verify and the reports show the three groups exactly', async () => {
    const v0 = await cli(['verify']);
    expect(v0.code, v0.stdout).toBe(0);
    expect(v0.stdout).toContain(`${setPassword.length} PROVISIONED user(s) have set a password since the last refresh`);

    const r = await cli(['users', 'refresh']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`PROVISIONED (no password yet) ${waiting.length}, ACTIVE ${setPassword.length} (${setPassword.length} set a password since the last refresh), signed in ${signedIn.length}`);

    const status = await cli(['status']);
    expect(status.stdout).toContain(`emailed ${emailed.length} → password set (ACTIVE) ${setPassword.length}`);
    expect(status.stdout).toContain(`→ signed in ${signedIn.length}`);
    expect(status.stdout).toMatch(new RegExp(`PROVISIONED \\(emailed, no password yet\\) ${waiting.length}, oldest link \\d+s old`));
    const model = JSON.parse((await cli(['status', '--json'])).stdout) as { kinds: { kind: string; provisioned: number; active: number }[]; activation: { totals: Record<string, number> } };
    expect(model.kinds.find((k) => k.kind === 'panelist')).toMatchObject({ provisioned: waiting.length, active: setPassword.length });
    expect(model.activation.totals).toMatchObject({ emailed: emailed.length, passwordSet: setPassword.length, signedIn: signedIn.length, provisioned: waiting.length });

    const v1 = await cli(['verify']);
    expect(v1.code, v1.stdout).toBe(0);
    expect(v1.stdout).not.toContain('since the last refresh');

    const json = JSON.parse((await cli(['report', '--format', 'json'])).stdout) as Record<string, unknown>[];
    const byId = new Map(json.map((x) => [x.okta_id, x]));
    for (const u of waiting) expect(byId.get(u.userId)).toMatchObject({ state: 'provisioned', okta_status: 'PROVISIONED', reminders: 0, last_login: null, password_set_at: null, waiting_days: 0 });
    for (const u of setPassword) expect(byId.get(u.userId)).toMatchObject({ state: 'active', okta_status: 'ACTIVE', waiting_days: null });
    for (const u of signedIn) expect(byId.get(u.userId)?.last_login).toMatch(/^\d{4}-\d\d-\d\dT/);
    for (const u of emailed) expect(byId.get(u.userId)?.emailed_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const csv = (await cli(['report', '--format', 'csv'])).stdout;
    expect(csv.split('\r\n')[0]).toBe('kind,key,login,state,reason,message,okta_id,duplicate_of,attempts,emailed_at,wave,link_expires_at,reminders,okta_status,last_login,password_set_at,waiting_days');

    const html = (await cli(['report', '--format', 'html'])).stdout;
    expect(html).toContain(`<strong data-field="funnel.emailed">${emailed.length}</strong>`);
    expect(html).toContain(`<strong data-field="funnel.passwordSet">${setPassword.length}</strong>`);
    expect(html).toContain(`<strong data-field="funnel.signedIn">${signedIn.length}</strong>`);
    expect(html).toContain(`<strong data-field="funnel.provisioned">${waiting.length}</strong>`);
    expect(html).toMatch(/data-chart="funnel"/);
  }, 60_000);

  it('users reactivate: after the links expired, exactly one new email to each PROVISIONED user and none to anyone else; the cap stops a third', async () => {
    offset += 8 * DAY;
    const stale = waiting[0]!;
    const expired = await simPost(`activate/${tokenOf(stale.activationUrl)}`, { password: 'Chosen-Passw0rd!' });
    expect([expired.status, expired.body.errorCode]).toEqual([401, 'E0000004']);

    const dry = await cli(['users', 'reactivate', '--older-than', '0s', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`dry run: ${waiting.length} user(s) due for a reminder`);
    const before = inst.sim.outbox().length;
    const r = await cli(['users', 'reactivate', '--older-than', '0s', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`reminded ${waiting.length};`);
    const reminders = inst.sim.outbox().slice(before);
    expect(reminders.every((m) => m.template === 'reactivation')).toBe(true);
    expect(reminders.map((m) => m.userId).sort()).toEqual(waiting.map((u) => u.userId).sort());
    // The new link works; the expired one still does not.
    const fresh = reminders.find((m) => m.userId === stale.userId)!;
    expect((await simPost(`activate/${tokenOf(fresh.activationUrl)}`, { password: 'Chosen-Passw0rd!' })).body.status).toBe('ACTIVE');

    // The first reminder run finished: --older-than 0s starts a second one (their links are older than 0 s).
    const second = await cli(['users', 'reactivate', '--older-than', '0s', '--yes']);
    expect(second.stdout).toMatch(/reminded \d+;/);
    const third = await cli(['users', 'reactivate', '--older-than', '0s', '--yes']);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(new RegExp(`reminded 0; set a password meanwhile \\d+; no longer waiting 0; at the cap of 2 ${waiting.length - 1}`));
    const perUser = new Map<string, number>();
    for (const m of inst.sim.outbox().slice(before)) perUser.set(m.userId, (perUser.get(m.userId) ?? 0) + 1);
    for (const u of setPassword) expect(perUser.get(u.userId)).toBeUndefined();
    expect(perUser.get(stale.userId)).toBe(1);
    for (const u of waiting.slice(1)) expect(perUser.get(u.userId)).toBe(2);
    const json = JSON.parse((await cli(['report', '--format', 'json'])).stdout) as Record<string, unknown>[];
    expect(json.find((x) => x.okta_id === waiting[1]!.userId)).toMatchObject({ reminders: 2, state: 'provisioned' });
  }, 90_000);

  it('--only with lines that match nobody lists each with its reason and sends nothing unless --ignore-unmatched; --exclude leaves users out', async () => {
    const list = path.join(inst.dir, 'only.txt');
    writeFileSync(list, `# reminders\n${waiting[1]!.login}\nnobody@example.com\n${setPassword[0]!.login}\nnot a login!\noystein.3@acme-corp.example\n`);
    const before = inst.sim.outbox().length;
    const r = await cli(['users', 'reactivate', '--older-than', '0s', '--cap', '5', '--only', list]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`only.txt:3  "nobody@example.com"  unknown:`);
    expect(r.stdout).toContain(`only.txt:4  ${JSON.stringify(setPassword[0]!.login)}  already active:`);
    expect(r.stdout).toContain('only.txt:5  "not a login!"  invalid:');
    expect(r.stdout).toContain('only.txt:6  "oystein.3@acme-corp.example"  federated:');
    expect(r.stderr).toMatch(/match nobody: fix them, or run again with --ignore-unmatched; nothing was sent/);
    expect(inst.sim.outbox().length).toBe(before);

    const exclude = path.join(inst.dir, 'exclude.txt');
    writeFileSync(exclude, `${waiting[1]!.login}\n`);
    const ok = await cli(['users', 'reactivate', '--older-than', '0s', '--cap', '5', '--only', list, '--exclude', exclude, '--ignore-unmatched']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('reminded 0;');
    expect(inst.sim.outbox().length).toBe(before);
    const one = await cli(['users', 'reactivate', '--older-than', '0s', '--cap', '5', '--only', list, '--ignore-unmatched', '--no-email']);
    expect(one.stdout).toContain('reminded 1;');
    expect(inst.sim.outbox().length).toBe(before);
    expect(readdirSync(path.join(inst.dir, 'samples-reports')).some((f) => f.startsWith('reminder-links-'))).toBe(true);
  }, 60_000);
});
