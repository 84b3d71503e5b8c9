import type { Clock } from '../core/clock.js';
import { formatDuration } from '../core/duration.js';
import { UsageError } from '../core/errors.js';

/**
 * Sending activation emails or reminders cannot be undone: before the first one, the command says
 * what it will do, and more than `confirmAbove` emails need a deliberate yes (--yes when no one
 * is at a terminal, the number of emails typed at one). --start-at holds the first send until a
 * time; the wait writes nothing, so a run killed while it waits is simply started again.
 */
export interface SendPlan {
  what: 'activation' | 'reminder';
  /** How many emails (or links, with --no-email) this run will send. */
  count: number;
  byKind: Record<string, number>;
  sendEmail: boolean;
  perHour: number | undefined;
  startAt: number;
}

export function describeSendPlan(p: SendPlan, now: number): string {
  const kinds = Object.entries(p.byKind).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`).join(', ') || 'nobody';
  const noun = p.sendEmail ? `${p.what} email${p.count === 1 ? '' : 's'}` : `${p.what} link${p.count === 1 ? '' : 's'} (written to a file, no email)`;
  const start = p.startAt > now ? `starting ${new Date(p.startAt).toISOString()} (in ${formatDuration(p.startAt - now)})` : 'starting now';
  const spanMs = p.perHour && p.count > 1 ? ((p.count - 1) / p.perHour) * 3_600_000 : 0;
  const rate = p.perHour ? `at most ${p.perHour} per hour` : 'as fast as the rate limits allow';
  const end = p.perHour ? `, ending about ${new Date(p.startAt + spanMs).toISOString()} (${formatDuration(spanMs)})` : '';
  return `will send ${p.count} ${noun} to ${kinds}, ${rate}, ${start}${end}`;
}

export interface Confirmation {
  yes: boolean;
  isTTY: boolean;
  confirmAbove: number;
  /** Asks at the terminal; resolves with what was typed. */
  ask: (question: string) => Promise<string>;
}

/** Resolves when sending may go ahead; throws UsageError (nothing sent) otherwise. */
export async function confirmSending(count: number, c: Confirmation): Promise<void> {
  if (count <= c.confirmAbove || c.yes) return;
  if (!c.isTTY) {
    throw new UsageError('CONFIRM', `${count} emails is more than ${c.confirmAbove} (activation.confirmAbove): check the line above, then run again with --yes`);
  }
  const typed = (await c.ask(`type ${count} to send ${count} emails, anything else to stop: `)).trim();
  if (typed !== String(count)) throw new UsageError('CONFIRM', `not confirmed (typed ${JSON.stringify(typed.slice(0, 20))}, expected ${count}): nothing was sent`);
}

/**
 * --start-at: an ISO time (`2026-12-07T06:00:00Z`, or without zone: local) or a time of day
 * (`06:00`: its next occurrence, local).
 */
export function parseStartAt(text: string, now: number): number {
  const hm = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (hm) {
    const d = new Date(now);
    d.setHours(Number(hm[1]), Number(hm[2]), 0, 0);
    if (Number(hm[1]) > 23 || Number(hm[2]) > 59) throw new UsageError('USAGE', `--start-at ${text}: not a time of day`);
    return d.getTime() <= now ? d.getTime() + 86_400_000 : d.getTime();
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError('USAGE', `--start-at ${JSON.stringify(text)}: use a time of day (06:00) or an ISO time (2026-12-07T06:00:00Z)`);
  return t;
}

/** Waits until `at` on the clock (at once when it has passed); rejects when the signal aborts. */
export async function waitUntil(clock: Clock, at: number, signal?: AbortSignal): Promise<void> {
  const ms = at - clock.now();
  if (ms > 0) await clock.sleep(ms, signal);
}
