import { describe, expect, it } from 'vitest';
import { BucketPacer } from '../../src/okta/pacer.js';
import type { RateReading } from '../../src/okta/rate-headers.js';

/**
 * The pacer alone against a one-bucket server of fixed windows (limit 240 per 6 s, our share 0.5:
 * cap 120, one every 50 ms), driven by a loop whose timers fire `lateMs` after they were asked to.
 */
function drive(lateMs: number, seconds: number): { perWindow: number[]; gaps: number[] } {
  const WINDOW = 6000;
  const LIMIT = 240;
  const pacer = new BucketPacer('users', { share: 0.5 });
  const used = new Map<number, number>();
  const sends: number[] = [];
  let now = 1_000_000;
  let id = 0;
  const reading = (at: number): RateReading => {
    const w = Math.floor(at / WINDOW);
    const resetAt = (w + 1) * WINDOW;
    return { limit: LIMIT, remaining: LIMIT - (used.get(w) ?? 0), resetEpoch: resetAt / 1000, resetAt, skewMs: 0 };
  };
  const end = now + seconds * 1000;
  while (now < end) {
    const d = pacer.decide(now, () => 0);
    if (d.kind === 'wait') {
      now += d.ms + lateMs;
      continue;
    }
    expect(d.kind).toBe('go');
    const w = Math.floor(now / WINDOW);
    used.set(w, (used.get(w) ?? 0) + 1);
    sends.push(now);
    pacer.onSend(++id, now);
    // Answered at once (20 ms latency would only add in-flight bookkeeping here).
    pacer.onAnswer(id, now, reading(now), true);
  }
  const first = Math.floor(sends[0]! / WINDOW);
  const perWindow = [...used.entries()].filter(([w]) => w > first + 1 && w < Math.floor(end / WINDOW)).map(([, n]) => n);
  return { perWindow, gaps: sends.slice(1).map((t, i) => t - sends[i]!) };
}

describe('okta pacer', () => {
  it('okta pacer keeps the pace when its timers fire late, without going above the cap of a window', () => {
    for (const late of [0, 4, 15, 24]) {
      const { perWindow } = drive(late, 60);
      expect(perWindow.length).toBeGreaterThanOrEqual(6);
      for (const n of perWindow) {
        expect(n).toBeLessThanOrEqual(120);
        // Without the schedule, 15 ms late on a 50 ms interval would give 120 × 50/65 = 92.
        expect(n).toBeGreaterThanOrEqual(116);
      }
    }
  });

  it('okta pacer never sends two closer than allowed by more than the lateness it makes up', () => {
    const { gaps } = drive(15, 30);
    // On schedule the sends are 50 ms apart; a late one is followed by one at most one interval sooner.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0);
    const bursts = gaps.filter((g) => g < 25).length;
    expect(bursts).toBeLessThanOrEqual(gaps.length / 2);
  });

  it('okta pacer does not burst after an idle stretch', () => {
    const pacer = new BucketPacer('users', { share: 0.5 });
    // One window of Okta's minute, mostly unused.
    const reading = (): RateReading => ({ limit: 240, remaining: 200, resetEpoch: 2060, resetAt: 2_060_000, skewMs: 0 });
    let now = 2_000_000;
    pacer.onSend(1, now);
    pacer.onAnswer(1, now, reading(), true);
    now += 10_000; // idle: no waiters for 10 s
    expect(pacer.decide(now).kind).toBe('go');
    pacer.onSend(2, now);
    pacer.onAnswer(2, now, reading(), true);
    // The next is at least half an interval (60 s / 120 / 2 = 250 ms) after this one: the idle time is not made up.
    const next = pacer.decide(now + 1);
    expect(next).toMatchObject({ kind: 'wait' });
    expect((next as { ms: number }).ms).toBeGreaterThanOrEqual(249);
  });
});

describe('okta pacer: other clients early in a window', () => {
  it('okta pacer never waits longer than a twentieth of a window on a projection of the others, while the bucket has room', () => {
    // Okta counts every client of the org in one bucket; early in a window a few of the others'
    // requests project to far more than they will use. Whatever the projection, the pacer must
    // come back soon for a fresh reading, not sleep through the window on it.
    for (let others = 0; others <= 120; others += 3) {
      const pacer = new BucketPacer('users', { share: 0.5, defaultWindowMs: 6000 });
      const t = 5_000_000;
      const reading = (remaining: number): RateReading => ({ limit: 240, remaining, resetEpoch: (t + 6000) / 1000, resetAt: t + 6000, skewMs: 0 });
      pacer.onSend(1, t);
      pacer.onAnswer(1, t, reading(239), true);
      pacer.onSend(2, t + 700);
      pacer.onAnswer(2, t + 700, reading(238 - others), true);
      const d = pacer.decide(t + 800);
      if (d.kind === 'wait') expect(d.ms, `others ${others}`).toBeLessThanOrEqual(300);
      else expect(d.kind).toBe('go');
    }
  });
});

describe('okta pacer: a new window', () => {
  it('okta pacer keeps its pace when the others send their first requests of a window together', () => {
    // Three runs of an org, 64 of 240 each per 6 s: for this one the others send 128 per window.
    // At a window's start they send what they held back at the end of the last one, and Reset's
    // whole seconds put the start up to a second late: 22 of theirs in the first half second.
    const pacer = new BucketPacer('users', { share: 64 / 240, defaultWindowMs: 6000 });
    const t = 6_000_000;
    const reading = (resetAt: number, remaining: number): RateReading => ({ limit: 240, remaining, resetEpoch: resetAt / 1000, resetAt, skewMs: 0 });
    pacer.onSend(1, t);
    pacer.onAnswer(1, t, reading(t + 6000, 239), true);
    pacer.onSend(2, t + 5900);
    pacer.onAnswer(2, t + 5900, reading(t + 6000, 240 - 2 - 128), true);
    pacer.onSend(3, t + 6100);
    pacer.onAnswer(3, t + 6100, reading(t + 12_000, 239), true);
    pacer.onSend(4, t + 6490);
    pacer.onAnswer(4, t + 6490, reading(t + 12_000, 240 - 2 - 22), true);
    const d = pacer.decide(t + 6500);
    // One every 6000 / 64 = 94 ms, as in the last window; not a trickle on a projection of 22 in 0.5 s.
    if (d.kind === 'wait') expect(d.ms).toBeLessThanOrEqual(94);
    else expect(d.kind).toBe('go');
  });
});

describe('okta pacer: a spent window', () => {
  it('okta pacer waits for the window to end by its first answer + its length, not for Reset rounded up to the second', () => {
    const pacer = new BucketPacer('users', { share: 0.05, defaultWindowMs: 6000 });
    const t = 7_000_000;
    // The window opened at t + 100 at the latest (our first answer in it); Reset says t + 7000,
    // whole seconds rounded up: it really ends by t + 6100.
    const reading = (remaining: number): RateReading => ({ limit: 240, remaining, resetEpoch: (t + 7000) / 1000, resetAt: t + 7000, skewMs: 0 });
    const cap = 12; // 5 % of 240
    for (let i = 1; i <= cap; i++) {
      pacer.onSend(i, t + i * 10);
      pacer.onAnswer(i, t + 100 + i * 10, reading(240 - i), true);
    }
    const d = pacer.decide(t + 1000);
    expect(d.kind).toBe('wait');
    const until = t + 1000 + (d as { ms: number }).ms;
    expect(until).toBeGreaterThanOrEqual(t + 110 + 6000);
    expect(until).toBeLessThan(t + 7000);
    // Past that point the share is ours again, before any answer shows the new window.
    expect(pacer.decide(until).kind).toBe('go');
  });
});
