import type { Client } from '@okta/okta-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import type { Simulator } from '../../src/sim/index.js';
import { oktaError, profile, sdkClient, startTestSim } from './helpers.js';

/**
 * The simulator's activation links: completing one (→ ACTIVE, token spent), expiry after the
 * configured lifetime, spent/replaced/expired tokens refused with E0000004, reactivate only for
 * PROVISIONED/RECOVERY users, the System Log events, Okta's per-recipient email limit, lastLogin.
 */
const clock = new FakeClock();
let sim: Simulator;
let okta: Client;

beforeAll(async () => {
  sim = await startTestSim({ noLimits: true, clock, linkLifetimeSeconds: 3600, emailsPerRecipientPerMinute: 3 });
  okta = sdkClient(sim);
});
afterAll(async () => sim.stop());

async function post(path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}/__sim/${path}`, {
    method: 'POST', headers: { authorization: `SSWS ${sim.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function provisioned(login: string): Promise<{ id: string; token: string }> {
  const u = await okta.userApi.createUser({ body: { profile: profile(login) }, activate: false });
  const t = (await okta.userApi.activateUser({ userId: u.id as string, sendEmail: false })) as { activationToken?: string };
  return { id: u.id as string, token: t.activationToken as string };
}

describe('sim activation links', () => {
  test('following the link with a password makes the user ACTIVE and spends the token; a second use is refused with E0000004', async () => {
    const { id, token } = await provisioned('follow@example.com');
    expect((await okta.userApi.getUser({ userId: id })).status).toBe('PROVISIONED');
    const done = await post(`activate/${token}`, { password: 'Chosen-Passw0rd' });
    expect(done).toEqual({ status: 200, body: { id, status: 'ACTIVE' } });
    const user = await okta.userApi.getUser({ userId: id });
    expect(user.status).toBe('ACTIVE');
    expect(user.passwordChanged).toBeInstanceOf(Date);
    const again = await post(`activate/${token}`, { password: 'Chosen-Passw0rd' });
    expect(again.status).toBe(401);
    expect(again.body.errorCode).toBe('E0000004');
  });

  test('a link expires after the configured lifetime', async () => {
    const { id, token } = await provisioned('late@example.com');
    await clock.advance(3600_000);
    const late = await post(`activate/${token}`, { password: 'Chosen-Passw0rd' });
    expect([late.status, late.body.errorCode]).toEqual([401, 'E0000004']);
    expect((await okta.userApi.getUser({ userId: id })).status).toBe('PROVISIONED');
  });

  test('reactivate issues a new link that works and the old one stops working; a System Log event records it', async () => {
    const { id, token } = await provisioned('again@example.com');
    const since = new Date(clock.now());
    const fresh = (await okta.userApi.reactivateUser({ userId: id, sendEmail: false })) as { activationToken?: string };
    expect(fresh.activationToken).toBeTruthy();
    expect((await post(`activate/${token}`, { password: 'Chosen-Passw0rd' })).status).toBe(401);
    const events = [];
    for await (const e of await okta.systemLogApi.listLogEvents({ since: since.toISOString(), until: new Date(clock.now() + 1).toISOString(), filter: `eventType eq "user.lifecycle.reactivate" and target.id eq "${id}"` })) events.push(e);
    expect(events.map((e) => e?.eventType)).toEqual(['user.lifecycle.reactivate']);
    expect((await post(`activate/${fresh.activationToken}`, { password: 'Chosen-Passw0rd' })).body.status).toBe('ACTIVE');
  });

  test('reactivate of an ACTIVE or STAGED user is refused with E0000038', async () => {
    const staged = await okta.userApi.createUser({ body: { profile: profile('staged-r@example.com') }, activate: false });
    const e = await oktaError(okta.userApi.reactivateUser({ userId: staged.id as string, sendEmail: true }));
    expect([e.status, e.errorCode]).toEqual([403, 'E0000038']);
    const { id, token } = await provisioned('active-r@example.com');
    await post(`activate/${token}`, { password: 'Chosen-Passw0rd' });
    expect((await oktaError(okta.userApi.reactivateUser({ userId: id, sendEmail: true }))).errorCode).toBe('E0000038');
  });

  test('emails to one recipient beyond the per-minute limit are not delivered; the next minute they are', async () => {
    const { id } = await provisioned('many@example.com');
    const before = sim.outbox().length;
    for (let i = 0; i < 5; i++) await okta.userApi.reactivateUser({ userId: id, sendEmail: true });
    expect(sim.outbox().length - before).toBe(3);
    expect(sim.stats().emailsSuppressed).toBe(2);
    await clock.advance(60_000);
    await okta.userApi.reactivateUser({ userId: id, sendEmail: true });
    expect(sim.outbox().length - before).toBe(4);
  });

  test('a sign-in of an ACTIVE user sets lastLogin; a PROVISIONED user cannot sign in', async () => {
    const { id, token } = await provisioned('signin@example.com');
    expect((await post(`signin/${id}`)).status).toBe(401);
    await post(`activate/${token}`, { password: 'Chosen-Passw0rd' });
    expect((await post('signin/signin@example.com')).status).toBe(200);
    expect((await okta.userApi.getUser({ userId: id })).lastLogin?.getTime()).toBe(clock.now());
  });
});
