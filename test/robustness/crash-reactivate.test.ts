import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashLoop, installation, type Installation } from './harness.js';

/**
 * Crash and resume of the reminders: after `users create` and `users activate` (about 1,300
 * panelists and admins emailed), a quarter follow their link and set a password (the journal is not
 * told: no refresh). `users reactivate --older-than 0s` is then killed with SIGKILL at 20 seeded
 * random moments and resumed each time. Every user still PROVISIONED gets exactly one new email;
 * nobody who set a password gets one; no reminder is sent twice, at any instant.
 */
const KILLS = Number(process.env.EFS_OKTA_CRASH_KILLS ?? 20);
let inst: Installation;
const waitingIds = new Set<string>();
const activeIds = new Set<string>();

beforeAll(async () => {
  inst = await installation({
    panelists: 2000, seed: 47, sim: { latencyMs: 10, jitterMs: 5, seed: 23 },
    editConfig: (yaml) => `${yaml}\nactivation: { systemLogDelay: 0s }\n`,
  });
  const create = await inst.cli(['users', 'create']);
  expect(create.stdout).toMatch(/failed 0 in/);
  const activate = await inst.cli(['users', 'activate', '--yes']);
  expect(activate.code, activate.stderr).toBe(0);
  const emails = inst.sim.outbox();
  for (const [i, m] of emails.entries()) {
    if (i % 4 !== 0) {
      waitingIds.add(m.userId);
      continue;
    }
    const token = m.activationUrl.slice(m.activationUrl.lastIndexOf('/') + 1);
    const res = await fetch(`${inst.sim.url}/__sim/activate/${token}`, { method: 'POST', headers: { authorization: `SSWS ${inst.sim.token}`, 'content-type': 'application/json' }, body: '{"password":"Chosen-Passw0rd!"}' });
    expect(res.status).toBe(200);
    activeIds.add(m.userId);
  }
}, 120_000);
afterAll(async () => {
  await inst?.cleanup();
});

function remindersPerUser(): Map<string, number> {
  const perUser = new Map<string, number>();
  for (const m of inst.sim.outbox()) if (m.template === 'reactivation') perUser.set(m.userId, (perUser.get(m.userId) ?? 0) + 1);
  return perUser;
}

describe('robustness: users reactivate killed (SIGKILL) at random moments and resumed', () => {
  it('users reactivate killed 20 times, then resumed to the end: exactly one new email to each PROVISIONED user, none to anyone else', async () => {
    const args = ['users', 'reactivate', '--older-than', '0s', '--yes'];
    const log = await crashLoop(inst, args, {
      kills: KILLS, seed: 7016, progress: () => remindersPerUser().size, maxStep: 40,
      afterEachKill: () => {
        const perUser = remindersPerUser();
        expect([...perUser].filter(([, n]) => n > 1), 'reminders sent twice').toEqual([]);
        expect([...perUser.keys()].filter((id) => !waitingIds.has(id)), 'reminders to users who are not PROVISIONED').toEqual([]);
      },
    });
    const last = await inst.cli(args);
    expect(last.code, `${last.stdout}\n${last.stderr}`).toBe(0);
    const perUser = remindersPerUser();
    expect(waitingIds.size).toBeGreaterThan(900);
    for (const id of waitingIds) expect(perUser.get(id), id).toBe(1);
    for (const id of activeIds) expect(perUser.get(id), id).toBeUndefined();
    expect(perUser.size).toBe(waitingIds.size);
    // A run after the end starts a new reminder run only for users whose link is older: none with --older-than 1d.
    const again = await inst.cli(['users', 'reactivate', '--yes', '--older-than', '1d']);
    expect(again.stdout).toContain('reminded 0;');
    expect(remindersPerUser().size).toBe(waitingIds.size);
    const rows = inst.rows();
    expect(rows.filter((r) => activeIds.has(r.oktaId ?? '')).every((r) => r.state === 'active')).toBe(true);
    expect(log.kills).toBe(KILLS);
    expect(log.killsWithRequestsInFlight).toBeGreaterThanOrEqual(Math.floor(KILLS / 4));
    console.info(`crash/reactivate: ${log.kills} kills (${log.killsWithRequestsInFlight} with requests in flight) in ${log.ms} ms; ${waitingIds.size} reminded once, ${activeIds.size} active untouched`);
  }, 300_000);
});
