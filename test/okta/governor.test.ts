import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from '../../src/core/clock.js';
import { AuthError, OktaCallError } from '../../src/core/errors.js';
import { errorAnswer, FakeOkta, makeGovernor, MapHeaders, readError, runClock, settle, startWorkers } from './fake-okta.js';

const ORG = 'https://acme.okta.com';
const CREATE = `${ORG}/api/v1/users?activate=false`;

/** Our successful sends per server window (the simulator's window starts at its first request). */
function perWindow(log: { at: number; status: number }[], start: number, windowMs: number): number[] {
  const counts: number[] = [];
  for (const e of log) {
    if (e.status !== 200) continue;
    const i = Math.floor((e.at - start) / windowMs);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return Array.from(counts, (c) => c ?? 0);
}

describe('governor', () => {
  it('governor paces users bucket to share × limit evenly', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { limits: { users: 600 }, latencyMs: 150 });
    const { governor } = makeGovernor(clock, { share: 0.5 });
    const t0 = clock.now();
    const stopAt = t0 + 3 * 60_000;
    const w = startWorkers(8, () => governor.run({ method: 'POST', url: CREATE }, okta.send('POST', CREATE), readError), () => clock.now() >= stopAt);
    await runClock(clock, w.finished, 4 * 60_000);
    expect(w.errors).toEqual([]);
    expect(okta.count(429)).toBe(0);
    const windows = perWindow(okta.log, t0, 60_000).slice(0, 3);
    for (const c of windows) expect(c).toBeLessThanOrEqual(300);
    // Allowed: 3 × 300; at least 98 % of it used.
    expect(windows.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(0.98 * 900);
    // Evenly: no 10-second slice holds much more than its sixth of the window (no burst at the start).
    for (let s = 0; s < 18; s++) {
      const inSlice = okta.log.filter((e) => e.at >= t0 + s * 10_000 && e.at < t0 + (s + 1) * 10_000).length;
      expect(inSlice).toBeLessThanOrEqual(52);
    }
    expect(governor.status('users')).toMatchObject({ limit: 600, cap: 300 });
  });

  it('governor sends one request to a new bucket, learns its headers, then paces', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { limits: { users: 600 }, latencyMs: 400 });
    const { governor, events } = makeGovernor(clock, { share: 0.5 });
    const calls = Array.from({ length: 4 }, () => governor.run({ method: 'POST', url: CREATE }, okta.send('POST', CREATE), readError));
    await flushMicrotasks(50);
    expect(okta.log).toHaveLength(1);
    await settle(clock, calls);
    const at = okta.log.map((e) => e.at - okta.log[0]!.at);
    expect(at[1]).toBeGreaterThanOrEqual(400); // only after the first answer
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(200); // then 60 s / 300 apart
    expect(events.of('rate:learned')[0]).toMatchObject({ bucket: 'users', limit: 600, share: 0.5 });
  });

  it('governor waits for reset on E0000047 (and pauses the whole bucket until then)', async () => {
    const clock = new FakeClock();
    const resetEpoch = Math.ceil((clock.now() + 30_000) / 1000);
    const okta = new FakeOkta(clock, {
      latencyMs: 100,
      script: ({ n }) =>
        n === 1
          ? errorAnswer(429, 'E0000047', { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetEpoch) })
          : null,
    });
    const { governor, events } = makeGovernor(clock);
    const first = governor.run({ method: 'POST', url: CREATE }, okta.send('POST', CREATE), readError);
    const second = governor.run({ method: 'POST', url: CREATE }, okta.send('POST', CREATE), readError);
    await settle(clock, [first, second]);
    const resetMs = resetEpoch * 1000;
    expect(okta.log[0]!.status).toBe(429);
    expect(okta.log[1]!.at).toBeGreaterThanOrEqual(resetMs + 1000);
    expect(okta.log[1]!.at).toBeLessThanOrEqual(resetMs + 2100);
    expect(okta.log[2]!.at).toBeGreaterThan(okta.log[1]!.at);
    const limited = events.of('rate:limited');
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ bucket: 'users', kind: 'rate' });
    expect(limited[0]!.waitMs).toBeGreaterThanOrEqual(resetMs + 1000 - okta.log[0]!.at - 100);
  });

  it('governor backs off briefly and lowers concurrency on a concurrency 429 and never waits for its Reset hint', async () => {
    const clock = new FakeClock();
    const hint = String(Math.ceil((clock.now() + 10 * 60_000) / 1000));
    const okta = new FakeOkta(clock, {
      latencyMs: 100,
      limits: { 'user-get': 0 },
      script: ({ n }) =>
        n <= 3 ? errorAnswer(429, 'E0000047', { 'x-rate-limit-limit': '0', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': hint }) : null,
    });
    const { governor, events } = makeGovernor(clock, { concurrency: 8 });
    const url = `${ORG}/api/v1/users/someone%40example.com`;
    const calls = Array.from({ length: 3 }, () => governor.run({ method: 'GET', url }, okta.send('GET', url), readError));
    const out = await settle(clock, calls, 60_000);
    expect(out.map((r) => (r as { status: number }).status)).toEqual([200, 200, 200]);
    const limited = events.of('rate:limited');
    expect(limited.every((e) => e.kind === 'concurrency')).toBe(true);
    for (const e of limited) {
      expect(e.waitMs).toBeGreaterThanOrEqual(1000);
      expect(e.waitMs).toBeLessThan(2000);
    }
    // Every call finished within seconds, not at the 10-minute hint.
    expect(clock.now() - okta.log[0]!.at).toBeLessThan(10_000);
    expect(governor.concurrency.cap).toBe(1); // 8 → 4 → 2 → 1
    // Calm again: the cap grows back by one every 5 s of successes.
    const w = startWorkers(2, () => governor.run({ method: 'GET', url }, okta.send('GET', url), readError), () => governor.concurrency.cap >= 3);
    await runClock(clock, w.finished, 60_000);
    expect(governor.concurrency.cap).toBe(3);
  });

  it('governor retries 500 with jittered exponential backoff then fails', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { latencyMs: 50, script: () => errorAnswer(500, 'E0000009') });
    const { governor, events } = makeGovernor(clock, { maxAttempts: 4 });
    let failure: unknown = null;
    const call = governor.run({ method: 'PUT', url: `${ORG}/api/v1/groups/g1/users/u1` }, okta.send('PUT', 'x'), readError).catch((e: unknown) => (failure = e));
    await runClock(clock, () => failure !== null, 120_000);
    await call;
    expect(failure).toBeInstanceOf(OktaCallError);
    expect(failure).toMatchObject({ code: 'OKTA_RETRIES_EXHAUSTED', status: 500, errorCode: 'E0000009' });
    expect(okta.log).toHaveLength(4);
    const waits = events.of('request:retry').map((r) => r.waitMs);
    expect(waits).toHaveLength(3);
    [500, 1000, 2000].forEach((d, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(d / 2);
      expect(waits[i]).toBeLessThanOrEqual(d);
    });
    expect(new Set(waits.map((w, i) => w / [500, 1000, 2000][i]!)).size).toBeGreaterThan(1); // jittered
  });

  it('governor retries dropped connections, then succeeds', async () => {
    const clock = new FakeClock();
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const okta = new FakeOkta(clock, { latencyMs: 50, script: ({ n }) => (n <= 2 ? reset : null) });
    const { governor, events } = makeGovernor(clock);
    let res: { status: number } | null = null;
    const call = governor.run({ method: 'POST', url: CREATE }, okta.send('POST', CREATE), readError).then((r) => (res = r));
    await runClock(clock, () => res !== null, 60_000);
    await call;
    expect(res).toMatchObject({ status: 200 });
    expect(events.of('request:retry').map((r) => r.errorCode)).toEqual(['ECONNRESET', 'ECONNRESET']);
  });

  it('governor does not resend an app-create POST whose answer was lost (labels are not unique)', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { latencyMs: 50, script: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    const { governor } = makeGovernor(clock);
    const url = `${ORG}/api/v1/apps`;
    let failure: unknown = null;
    const call = governor.run({ method: 'POST', url }, okta.send('POST', url), readError).catch((e: unknown) => (failure = e));
    await runClock(clock, () => failure !== null, 60_000);
    await call;
    expect(failure).toMatchObject({ code: 'OKTA_OUTCOME_UNKNOWN' });
    expect(okta.log).toHaveLength(1);
  });

  it('governor stops at once on 401 and fails every later request', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { latencyMs: 100, script: ({ n }) => (n >= 3 ? errorAnswer(401, 'E0000011') : null) });
    const { governor } = makeGovernor(clock, { concurrency: 1 });
    const url = `${ORG}/api/v1/users/00u1`;
    const results = Array.from({ length: 6 }, () =>
      governor.run({ method: 'GET', url }, okta.send('GET', url), readError).then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    let settled = 0;
    results.forEach((r) => void r.then(() => settled++));
    await runClock(clock, () => settled === 6, 60_000);
    const out = await Promise.all(results);
    expect(out.slice(0, 2)).toEqual(['ok', 'ok']);
    const err = out[2];
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).exitCode).toBe(3);
    expect((err as AuthError).message).toContain('Okta answered 401 E0000011 (invalid token)');
    expect((err as AuthError).message).toContain('OKTA_API_TOKEN');
    expect((err as AuthError).message).toContain('Security > API > Tokens');
    expect(out.slice(3)).toEqual([err, err, err]);
    expect(okta.log).toHaveLength(3); // nothing sent after the 401
    await expect(governor.run({ method: 'GET', url }, okta.send('GET', url), readError)).rejects.toBe(err);
    expect(okta.log).toHaveLength(3);
  });

  it('governor names the missing scope on 403 E0000006 and returns 403 E0000016 to the caller', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, {
      latencyMs: 10,
      script: ({ url }) => (url.includes('activate') ? errorAnswer(403, 'E0000016') : url.includes('/groups') ? errorAnswer(403, 'E0000006') : null),
    });
    const oauth = makeGovernor(clock, { credentials: { mode: 'oauth', clientId: '0oa123', keyFile: '/keys/efs.pem' } });
    const activate = `${ORG}/api/v1/users/00u1/lifecycle/activate?sendEmail=false`;
    const p1 = oauth.governor.run({ method: 'POST', url: activate }, okta.send('POST', activate), readError);
    expect(await settle(clock, [p1])).toMatchObject([{ status: 403 }]);
    const groups = `${ORG}/api/v1/groups`;
    const p2 = oauth.governor.run({ method: 'POST', url: groups }, okta.send('POST', groups), readError).catch((e: unknown) => e);
    const err = (await settle(clock, [p2]))[0] as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain('403 E0000006');
    expect(err.message).toContain('okta.groups.manage');
    expect(err.message).toContain('0oa123');
    expect(err.context).toMatchObject({ scope: 'okta.groups.manage', path: '/api/v1/groups' });
  });

  it('governor slows down when Remaining shows another tenant', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { limits: { users: 600 }, tenantLoad: { users: 0.4 }, latencyMs: 150 });
    const { governor } = makeGovernor(clock, { share: 0.8 });
    const t0 = clock.now();
    const stopAt = t0 + 5 * 60_000;
    const w = startWorkers(8, () => governor.run({ method: 'POST', url: CREATE }, okta.send('POST', CREATE), readError), () => clock.now() >= stopAt);
    await runClock(clock, w.finished, 6 * 60_000);
    expect(w.errors).toEqual([]);
    const sent = okta.log.length;
    expect(okta.count(429) / sent).toBeLessThanOrEqual(0.01);
    const windows = perWindow(okta.log, t0, 60_000).slice(0, 5);
    // The others leave 60 % of 600: we take it (almost), never our full 80 %.
    for (const c of windows.slice(1)) {
      expect(c).toBeLessThanOrEqual(360);
      expect(c).toBeGreaterThanOrEqual(330);
    }
  });

  it('governor learns a per-token cap from a 429 whose Limit is below the bucket limit', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { limits: { users: 600 }, tokenShare: 0.5, latencyMs: 150 });
    const { governor } = makeGovernor(clock, { share: 0.8 });
    const t0 = clock.now();
    const stopAt = t0 + 4 * 60_000;
    const w = startWorkers(8, () => governor.run({ method: 'POST', url: CREATE }, okta.send('POST', CREATE), readError), () => clock.now() >= stopAt);
    await runClock(clock, w.finished, 5 * 60_000);
    expect(w.errors).toEqual([]);
    // The first 429 teaches the cap; a request already in flight may meet it too; then none.
    const limited = okta.log.filter((e) => e.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeLessThanOrEqual(3);
    for (const e of limited) expect(e.at).toBeLessThan(t0 + 60_000);
    expect(governor.status('users')).toMatchObject({ limit: 600, tokenCap: 300, cap: 300 });
  });

  it('governor never has more than N in flight', async () => {
    const clock = new FakeClock();
    const okta = new FakeOkta(clock, { latencyMs: 2000, limits: { 'user-get': 0, user: 0, group: 0 } });
    const { governor } = makeGovernor(clock, { concurrency: 3 });
    const urls = [`${ORG}/api/v1/users/00u1`, `${ORG}/api/v1/users/00u1/lifecycle/activate`, `${ORG}/api/v1/groups/g1/users/u1`];
    let n = 0;
    const w = startWorkers(12, () => {
      const url = urls[n++ % 3]!;
      const method = url.includes('lifecycle') ? 'POST' : url.includes('groups') ? 'PUT' : 'GET';
      return governor.run({ method, url }, okta.send(method, url), readError);
    }, () => okta.log.length >= 60);
    await runClock(clock, w.finished, 10 * 60_000);
    expect(okta.peakInFlight).toBe(3);
    expect(governor.concurrency.peak).toBe(3);
  });

  it('governor reports rate headers with the server clock skew taken out', async () => {
    const clock = new FakeClock();
    const skew = 120_000; // the server's clock runs two minutes ahead of ours
    const okta = new FakeOkta(clock, {
      latencyMs: 10,
      script: ({ now }) => ({
        status: 200,
        body: null,
        headers: new MapHeaders({
          date: new Date(now + skew).toUTCString(),
          'x-rate-limit-limit': '600',
          'x-rate-limit-remaining': '599',
          'x-rate-limit-reset': String(Math.ceil((now + skew + 60_000) / 1000)),
        }),
      }),
    });
    const { governor } = makeGovernor(clock);
    const p = governor.run({ method: 'GET', url: CREATE }, okta.send('GET', CREATE), readError);
    await settle(clock, [p]);
    const resetAt = governor.status('users').resetAt!;
    expect(resetAt - clock.now()).toBeGreaterThan(58_000);
    expect(resetAt - clock.now()).toBeLessThan(62_000);
  });
});
