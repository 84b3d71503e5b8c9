import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashLoop, expectJournalEqualsOrg, installation, type Installation } from './harness.js';

/**
 * Crash and resume (issue 7) of phase 2: after a complete `users create` (2,000 panelists + admins:
 * about 1,300 users), `users activate` (with activation emails) is killed with SIGKILL at 20 seeded
 * random moments and resumed each time. No activation email may be sent twice, none may be lost,
 * every user ends active.
 */
const KILLS = Number(process.env.EFS_OKTA_CRASH_KILLS ?? 20);
let inst: Installation;

beforeAll(async () => {
  inst = await installation({ panelists: 2000, seed: 43, sim: { latencyMs: 10, jitterMs: 5, seed: 19 } });
  const create = await inst.cli(['users', 'create']);
  expect(create.stdout).toMatch(/failed 0 in/);
}, 60_000);
afterAll(async () => {
  await inst?.cleanup();
});

function emailsPerUser(): Map<string, number> {
  const perUser = new Map<string, number>();
  for (const m of inst.sim.outbox()) perUser.set(m.userId, (perUser.get(m.userId) ?? 0) + 1);
  return perUser;
}

describe('robustness: users activate killed (SIGKILL) at random moments and resumed', () => {
  it('users activate killed 20 times, then resumed to the end: every user activated, no activation email sent twice, verify passes', async () => {
    const log = await crashLoop(inst, ['users', 'activate', '--yes'], {
      kills: KILLS, seed: 7002, progress: () => inst.sim.outbox().length, maxStep: 80,
      afterEachKill: () => expect([...emailsPerUser()].filter(([, n]) => n > 1), 'activation emails sent twice').toEqual([]),
    });
    const last = await inst.cli(['users', 'activate', '--yes']);
    expect(last.code, last.stderr).toBe(0);
    const rows = inst.rows();
    const live = rows.filter((r) => ['staged', 'activating', 'provisioned', 'active'].includes(r.state));
    expect(live.length).toBeGreaterThan(1250);
    expect(live.filter((r) => r.state !== 'provisioned').map((r) => `${r.key}:${r.state}`)).toEqual([]);
    expectJournalEqualsOrg(rows, inst.sim);
    // Exactly one email per user: none lost to a kill, none sent again by a resume.
    const emails = emailsPerUser();
    expect(emails.size).toBe(live.length);
    for (const r of live) expect(emails.get(r.oktaId as string), `${r.kind}:${r.key}`).toBe(1);
    for (const u of inst.sim.org.users.iterateFrom(0)) expect(u.status).toBe('PROVISIONED');
    const verify = await inst.cli(['verify']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(log.kills).toBe(KILLS);
    expect(log.killsWithRequestsInFlight).toBeGreaterThanOrEqual(Math.floor(KILLS / 4));
    console.info(`crash/activate: ${log.kills} kills (${log.killsWithRequestsInFlight} with requests in flight) in ${log.ms} ms; ${live.length} users`);
  }, 150_000);
});
