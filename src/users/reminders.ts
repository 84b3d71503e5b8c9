import type { Clock } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import type { CoreEmitter } from '../core/events.js';
import type { UserKind } from '../core/types.js';
import type { ActivationLog, ActivationRow } from '../journal/activation.js';
import type { Journal, JournalRow } from '../journal/types.js';
import type { OktaGateway } from '../okta/types.js';
import { wavePacer } from '../run/wave-pacer.js';
import { runPool, untilInterrupted } from '../run/pool.js';
import { ProgressMeter } from '../run/progress.js';
import { failureCode, isFatal } from '../run/failure.js';
import { stateForStatus } from './outcome.js';

/**
 * `users reactivate`: a new activation link for users still PROVISIONED (emailed, no password)
 * whose last link is older than --older-than (by default the org's link lifetime: expired).
 * Okta: POST /api/v1/users/{id}/lifecycle/reactivate, PROVISIONED or RECOVERY only; any other
 * status is refused with E0000038 and nothing is sent.
 *
 * Exactly one email per user per reminder run, also across kills:
 * - A run is a *campaign* kept in the journal: its start time fixes who is due (last link sent
 *   before start − older-than). A reminded user's link is newer than that, so a resumed run never
 *   picks them again; a new campaign starts only when the last one finished.
 * - `reminding_at` is committed before each call. Okta leaves the user PROVISIONED, so a row found
 *   marked after a kill is resolved from the System Log (a `user.lifecycle.reactivate` event since
 *   the mark means it went out), never by sending again. The log may lag (systemLogDelayMs): marks
 *   younger than that are resolved after waiting.
 * Never touches users in any other state (active, linked, skipped as federated, deactivated…).
 */
export interface ReminderOptions {
  kinds: UserKind[];
  olderThanMs: number;
  /** At most this many reminders per user, ever (the first link is not one). */
  cap: number;
  lifetimeMs: number;
  /** How far Okta's System Log may lag behind a call. */
  systemLogDelayMs: number;
  /** `kind:key` of the users --only selects / --exclude leaves out. */
  only?: Set<string>;
  exclude?: Set<string>;
  max?: number;
  perHour?: number;
  /** Simultaneous reminder calls when not paced by --per-hour. */
  concurrency: number;
  sendEmail: boolean;
  runId: number | null;
  signal?: AbortSignal;
  onLink?: (row: JournalRow, activationUrl: string) => void;
}

export interface ReminderSummary {
  due: number;
  reminded: number;
  links: number;
  /** Reminders a killed run had sent (found in the System Log). */
  resumedSent: number;
  passwordSet: number;
  notProvisioned: number;
  /** Due, but the cap of reminders per user was reached. */
  capped: number;
  failed: number;
  /** Calls whose outcome is unknown (left marked: the next run resolves them). */
  unconfirmed: number;
  interrupted: boolean;
}

/** The journal meta key of the current reminder campaign: `{"startedAt": ms}`; removed when it finishes. */
export const CAMPAIGN_KEY = 'reminders.campaign';
/** Okta's clock and ours differ a little: the System Log is searched from this much before the mark. */
const CLOCK_SKEW_MS = 60_000;
const PAGE = 500;

export function campaignStart(journal: Journal, now: number): { startedAt: number; resumed: boolean } {
  let started: unknown;
  try {
    started = (JSON.parse(journal.meta(CAMPAIGN_KEY) || '{}') as { startedAt?: unknown }).startedAt;
  } catch {
    started = undefined;
  }
  return typeof started === 'number' ? { startedAt: started, resumed: true } : { startedAt: now, resumed: false };
}

/** Who a reminder run would remind, in journal order, each with their funnel row. */
export async function* dueRows(journal: Journal, activation: ActivationLog, options: ReminderOptions, startedAt: number, onCapped?: () => void): AsyncGenerator<{ row: JournalRow; funnel: ActivationRow | null }> {
  const cutoff = startedAt - options.olderThanMs;
  let after: { kind: string; key: string } | null = null;
  let n = 0;
  for (;;) {
    const rows = journal.page({ kinds: options.kinds, states: ['provisioned'] }, after, PAGE);
    if (rows.length === 0) return;
    for (const row of rows) {
      if (!row.ours || !row.oktaId) continue;
      const id = `${row.kind}:${row.key}`;
      if (options.only && !options.only.has(id)) continue;
      if (options.exclude?.has(id)) continue;
      const funnel = activation.get(row.kind as UserKind, row.key);
      if (funnel?.remindingAt !== null && funnel?.remindingAt !== undefined) continue;
      const lastLink = funnel?.emailedAt ?? row.updatedAt;
      // Strictly before the campaign's cutoff: a link sent by this campaign is never older.
      if (lastLink > cutoff || lastLink >= startedAt) continue;
      if ((funnel?.reminders ?? 0) >= options.cap) {
        onCapped?.();
        continue;
      }
      if (options.max !== undefined && n >= options.max) return;
      n++;
      yield { row, funnel };
    }
    const last = rows[rows.length - 1] as JournalRow;
    after = { kind: last.kind, key: last.key };
  }
}

export async function remindUsers(
  deps: { journal: Journal; activation: ActivationLog; okta: OktaGateway; emitter: CoreEmitter; clock: Clock },
  options: ReminderOptions,
): Promise<ReminderSummary> {
  const { journal, activation, okta, emitter, clock } = deps;
  const s: ReminderSummary = { due: 0, reminded: 0, links: 0, resumedSent: 0, passwordSet: 0, notProvisioned: 0, capped: 0, failed: 0, unconfirmed: 0, interrupted: false };
  const campaign = campaignStart(journal, clock.now());
  if (!campaign.resumed) journal.setMeta(CAMPAIGN_KEY, JSON.stringify({ startedAt: campaign.startedAt }));
  const meter = new ProgressMeter('reactivate', 0, clock, emitter);

  const settle = (row: JournalRow, status: string): void => {
    activation.clearReminding(row.kind as UserKind, row.key);
    const to = stateForStatus(status);
    if (to === 'active') s.passwordSet++;
    else s.notProvisioned++;
    if (to === 'active' || to === 'deactivated') {
      journal.setState(row.kind, row.key, { state: to, reason: to === 'active' ? 'activation.password_set' : 'activation.deactivated', message: null }, clock.now());
    }
  };

  s.interrupted = await untilInterrupted(options.signal, meter, async () => {
    await resolveMarked();
    const wait = wavePacer(clock, options.perHour, options.signal);
    const work = async ({ row, funnel }: { row: JournalRow; funnel: ActivationRow | null }): Promise<void> => {
      s.due++;
      if (!(await wait())) return;
      await remind(row, funnel);
      meter.tick();
      journal.heartbeat();
    };
    // With --per-hour the sends are spaced on one clock: a single worker keeps the spacing exact.
    const result = await runPool(dueRows(journal, activation, options, campaign.startedAt, () => s.capped++), options.perHour ? 1 : options.concurrency, work, options.signal);
    return result.interrupted || (options.signal?.aborted ?? false);
  });
  if (!s.interrupted && s.unconfirmed === 0) journal.setMeta(CAMPAIGN_KEY, '');
  return s;

  async function remind(row: JournalRow, funnel: ActivationRow | null): Promise<void> {
    const oktaId = row.oktaId as string;
    const kind = row.kind as UserKind;
    activation.markReminding(kind, row.key, clock.now(), options.runId);
    try {
      const result = await okta.reactivateUser(oktaId, options.sendEmail);
      if (result.outcome !== 'activated') {
        // Okta refused (E0000038): the user is no longer PROVISIONED, and nothing was sent.
        settle(row, result.outcome === 'wrong_status' ? result.status : 'ACTIVE');
        return;
      }
      activation.linkSent(kind, row.key, { at: clock.now(), wave: options.runId, lifetimeMs: options.lifetimeMs, byEmail: options.sendEmail, reminder: true });
      if (!options.sendEmail && result.activationUrl) {
        options.onLink?.(row, result.activationUrl);
        s.links++;
      }
      s.reminded++;
      emitter.emit('record:state', { kind: row.kind, key: row.key, from: row.state, to: row.state, reason: `activation.reminder_${(funnel?.reminders ?? 0) + 1}` });
    } catch (err) {
      if (isFatal(err)) throw err;
      // The call may or may not have reached Okta: the mark stays for the next run to resolve.
      s.unconfirmed++;
      emitter.emit('user:failed', { kind: row.kind, key: row.key, code: failureCode(err), message: describeError(err), attempts: row.attempts + 1 });
    }
  }

  async function resolveMarked(): Promise<void> {
    for (const mark of activation.reminding()) {
      if (!options.kinds.includes(mark.kind)) continue;
      const row = journal.get(mark.kind, mark.key);
      const markedAt = mark.remindingAt as number;
      if (!row?.oktaId) {
        activation.clearReminding(mark.kind, mark.key);
        continue;
      }
      const lag = markedAt + options.systemLogDelayMs - clock.now();
      if (lag > 0) await clock.sleep(lag, options.signal);
      try {
        const since = Math.max(markedAt - CLOCK_SKEW_MS, (mark.emailedAt ?? 0) + 1);
        if (await okta.reactivatedSince(row.oktaId, since)) {
          activation.linkSent(mark.kind, mark.key, { at: markedAt, wave: mark.remindingRun, lifetimeMs: options.lifetimeMs, byEmail: options.sendEmail, reminder: true });
          s.resumedSent++;
          continue;
        }
        const user = await okta.getUser(row.oktaId);
        if (user && (user.status === 'PROVISIONED' || user.status === 'RECOVERY')) activation.clearReminding(mark.kind, mark.key);
        else settle(row, user?.status ?? 'DEPROVISIONED');
      } catch (err) {
        if (isFatal(err)) throw err;
        s.unconfirmed++;
        s.failed++;
      }
    }
  }
}
