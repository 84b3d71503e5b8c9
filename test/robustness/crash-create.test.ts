import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashLoop, expectJournalEqualsOrg, expectNoDuplicateLogins, installation, type Installation } from './harness.js';

/**
 * Crash and resume (issue 7): `users create` runs as a child process on the demo installation
 * (3,000 panelists + admins: about 2,000 valid users, the rest skipped, invalid or duplicate) and is
 * killed with SIGKILL at 20 seeded random moments; each kill is followed by a resume. After the last,
 * complete run the journal and the org must agree exactly. One login of the source already belongs
 * to a user someone else made: it must end as a conflict, that user untouched.
 */
const KILLS = Number(process.env.EFS_OKTA_CRASH_KILLS ?? 20);
let inst: Installation;

/** A user someone else made in the org, under a login the source also has: never to be touched. */
let foreign: { id: string; login: string; before: unknown };

async function api(path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(`${inst.sim.url}${path}`, { ...init, headers: { Authorization: `SSWS ${inst.sim.token}`, 'Content-Type': 'application/json', Accept: 'application/json' } });
  expect(res.status, path).toBeLessThan(300);
  return res.json();
}

beforeAll(async () => {
  // Latency 5–15 ms per answer: enough for requests to be in flight at the kills, short enough to be quick.
  inst = await installation({ panelists: 3000, sim: { latencyMs: 10, jitterMs: 5, seed: 17 } });
  const active = readFileSync(path.join(inst.dir, 'panelists.csv'), 'utf8').split('\n').map((l) => l.split(';')).find((f) => f[6] === 'active' && f[0]?.startsWith('P0'));
  const login = (active as string[])[1] as string;
  const made = (await api('/api/v1/users?activate=true', { method: 'POST', body: JSON.stringify({ profile: { login, email: login, firstName: 'Someone', lastName: 'Else' } }) })) as { id: string };
  foreign = { id: made.id, login, before: await api(`/api/v1/users/${made.id}`) };
});
afterAll(async () => {
  await inst?.cleanup();
});

describe('robustness: users create killed (SIGKILL) at random moments and resumed', () => {
  it('users create killed 20 times, then resumed to the end: every valid user exists exactly once, the journal equals the org, verify passes', async () => {
    const log = await crashLoop(inst, ['users', 'create'], { kills: KILLS, seed: 7001, progress: () => inst.sim.org.users.size, maxStep: 80, afterEachKill: () => expectNoDuplicateLogins(inst.sim) });
    const last = await inst.cli(['users', 'create']);
    // Exit 1: the demo source has invalid records and the conflict (they need attention); nothing failed.
    expect(last.code, last.stderr).toBe(1);
    expect(last.stdout).toMatch(/failed 0 in/);
    const rows = inst.rows();
    const { live, users } = expectJournalEqualsOrg(rows, inst.sim, new Set([foreign.id]));
    expect(live).toBeGreaterThan(1900);
    expect(users).toBe(live + 1);
    // The other user with one of our logins: reported as a conflict, not modified, not in our groups.
    expect(rows.filter((r) => r.login?.toLowerCase() === foreign.login.toLowerCase()).map((r) => [r.state, r.reason, r.oktaId])).toEqual([['conflict', 'conflict.login_exists', null]]);
    expect(await api(`/api/v1/users/${foreign.id}`)).toEqual(foreign.before);
    expect(((await api(`/api/v1/users/${foreign.id}/groups`)) as { profile: { name: string } }[]).map((g) => g.profile.name)).toEqual(['Everyone']);
    // Nothing dropped: every panelist row of the source (3,000 generated + 9 imperfect ones) is in the journal.
    expect(rows.filter((r) => r.kind === 'panelist')).toHaveLength(3009);
    for (const u of inst.sim.org.users.iterateFrom(0)) if (u.id !== foreign.id) expect(u.status).toBe('STAGED');
    expect(inst.sim.outbox().filter((m) => m.userId !== foreign.id)).toHaveLength(0);
    const verify = await inst.cli(['verify']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain(`journal and Okta agree: ${live} users checked`);
    expect(log.kills).toBe(KILLS);
    expect(log.killsWithRequestsInFlight).toBeGreaterThanOrEqual(Math.floor(KILLS / 4));
    console.info(`crash/create: ${log.kills} kills (${log.killsWithRequestsInFlight} with requests in flight) in ${log.ms} ms; ${live} users`);
  }, 150_000);
});
