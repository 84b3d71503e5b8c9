import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { confirmSending, describeSendPlan, parseStartAt, waitUntil } from '../../src/users/send-guard.js';

/** users/send-guard: the summary before sending, the confirmation rule, --start-at on a fake clock. */
const T0 = Date.UTC(2026, 11, 7, 5, 0, 0);

describe('users/send-guard', () => {
  it('describes how many emails to which kinds, at what rate, starting and ending when', () => {
    const text = describeSendPlan({ what: 'activation', count: 2001, byKind: { admin: 1, panelist: 2000 }, sendEmail: true, perHour: 2000, startAt: T0 + 3_600_000 }, T0);
    expect(text).toBe('will send 2001 activation emails to 1 admin, 2000 panelists, at most 2000 per hour, starting 2026-12-07T06:00:00.000Z (in 1h), ending about 2026-12-07T07:00:00.000Z (1h)');
    expect(describeSendPlan({ what: 'reminder', count: 3, byKind: { panelist: 3 }, sendEmail: false, perHour: undefined, startAt: T0 }, T0))
      .toBe('will send 3 reminder links (written to a file, no email) to 3 panelists, as fast as the rate limits allow, starting now');
  });

  it('up to confirmAbove emails go without asking; above, --yes or the number typed at a terminal; else nothing is sent', async () => {
    const asked: string[] = [];
    const ask = async (q: string): Promise<string> => {
      asked.push(q);
      return '51';
    };
    await confirmSending(50, { yes: false, isTTY: false, confirmAbove: 50, ask });
    await confirmSending(51, { yes: true, isTTY: false, confirmAbove: 50, ask });
    await expect(confirmSending(51, { yes: false, isTTY: false, confirmAbove: 50, ask })).rejects.toThrow(/51 emails is more than 50 \(activation.confirmAbove\).*--yes/);
    expect(asked).toEqual([]);
    await confirmSending(51, { yes: false, isTTY: true, confirmAbove: 50, ask });
    expect(asked).toEqual(['type 51 to send 51 emails, anything else to stop: ']);
    await expect(confirmSending(51, { yes: false, isTTY: true, confirmAbove: 50, ask: async () => 'yes' })).rejects.toThrow(/not confirmed \(typed "yes", expected 51\): nothing was sent/);
  });

  it('--start-at takes an ISO time or the next occurrence of a time of day, and refuses anything else', () => {
    expect(parseStartAt('2026-12-08T06:00:00Z', T0)).toBe(Date.UTC(2026, 11, 8, 6));
    const next = parseStartAt('06:30', T0);
    expect(next).toBeGreaterThan(T0);
    expect(next - T0).toBeLessThanOrEqual(86_400_000);
    expect(new Date(next).getMinutes()).toBe(30);
    expect(() => parseStartAt('tomorrow', T0)).toThrow(/--start-at "tomorrow": use a time of day \(06:00\) or an ISO time/);
    expect(() => parseStartAt('25:00', T0)).toThrow(/not a time of day/);
  });

  it('waits on the clock until --start-at, at once when it has passed; an interrupt ends the wait', async () => {
    const clock = new FakeClock(T0);
    let started = false;
    const wait = waitUntil(clock, T0 + 3_600_000).then(() => (started = true));
    await clock.advance(3_599_000);
    expect(started).toBe(false);
    await clock.advance(1000);
    await wait;
    expect(started).toBe(true);
    await waitUntil(clock, T0);
    const controller = new AbortController();
    const aborted = waitUntil(clock, clock.now() + 60_000, controller.signal);
    controller.abort(new Error('interrupted'));
    await expect(aborted).rejects.toThrow('interrupted');
  });
});
