import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import type { UserKind, UserState } from '../core/types.js';
import type { ActivationLog } from '../journal/activation.js';
import type { Journal, JournalRow } from '../journal/types.js';
import type { OktaGateway, OktaUser } from '../okta/types.js';
import { runPool, untilInterrupted } from '../run/pool.js';
import { ProgressMeter } from '../run/progress.js';
import { isFatal } from '../run/failure.js';
import { describeError } from '../core/errors.js';

/**
 * `users refresh`: reads where each emailed user stands in Okta, read-only on Okta. One
 * GET /api/v1/users/{id} per user: that endpoint has its own bucket, the largest of the user
 * endpoints (https://developer.okta.com/docs/reference/rl-global-mgmt/), so a refresh does not
 * slow a creation running beside it; the governor paces it to this run's share of that bucket.
 *
 * PROVISIONED (or RECOVERY: a new link was asked for) stays `provisioned`; a user who set a
 * password (ACTIVE, or later states that need one) becomes `active`. The time the password was
 * set is Okta's passwordChanged; sign-ins are Okta's lastLogin.
 */
export interface RefreshOptions {
  kinds: UserKind[];
  concurrency: number;
  signal?: AbortSignal;
  /** Read at most this many users. */
  max?: number;
}

export interface RefreshSummary {
  checked: number;
  provisioned: number;
  active: number;
  passwordSetNow: number;
  signedIn: number;
  missing: number;
  other: number;
  failed: number;
  interrupted: boolean;
}

const PAGE = 500;
const STATES: UserState[] = ['provisioned', 'active'];
const WAITING = new Set(['PROVISIONED', 'RECOVERY']);
const PASSWORD_SET = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED']);

async function* emailedRows(journal: Journal, options: RefreshOptions): AsyncGenerator<JournalRow> {
  let after: { kind: string; key: string } | null = null;
  let n = 0;
  for (;;) {
    const rows = journal.page({ kinds: options.kinds, states: STATES }, after, PAGE);
    if (rows.length === 0) return;
    for (const row of rows) {
      if (!row.ours || !row.oktaId) continue;
      if (options.max !== undefined && n >= options.max) return;
      n++;
      yield row;
    }
    const last = rows[rows.length - 1] as JournalRow;
    after = { kind: last.kind, key: last.key };
  }
}

const ms = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null);

export async function refreshUsers(
  deps: { journal: Journal; activation: ActivationLog; okta: OktaGateway; emitter: CoreEmitter; clock: Clock },
  options: RefreshOptions,
): Promise<RefreshSummary> {
  const { journal, activation, okta, emitter, clock } = deps;
  const summary: RefreshSummary = { checked: 0, provisioned: 0, active: 0, passwordSetNow: 0, signedIn: 0, missing: 0, other: 0, failed: 0, interrupted: false };
  const total = journal.countByState(options.kinds).filter((c) => STATES.includes(c.state as UserState)).reduce((n, c) => n + c.count, 0);
  const meter = new ProgressMeter('refresh', Math.min(total, options.max ?? Infinity), clock, emitter);

  const apply = (row: JournalRow, user: OktaUser): void => {
    const now = clock.now();
    activation.refreshed(row.kind as UserKind, row.key, {
      at: now, status: user.status, lastLogin: user.lastLogin ?? null,
      passwordSetAt: PASSWORD_SET.has(user.status) ? ms(user.passwordChanged) ?? now : null,
      activatedAt: row.passwordImported ? null : ms(user.activated),
    });
    if (user.lastLogin) summary.signedIn++;
    const to: UserState | null = WAITING.has(user.status) ? 'provisioned' : PASSWORD_SET.has(user.status) ? 'active' : null;
    if (to === null) {
      // DEPROVISIONED or STAGED: changed outside this tool; `verify` reports it, refresh does not guess.
      summary.other++;
      return;
    }
    if (to === 'provisioned') summary.provisioned++;
    else summary.active++;
    if (to === row.state) return;
    if (to === 'active') summary.passwordSetNow++;
    const reason = to === 'active' ? 'activation.password_set' : 'activation.waiting';
    journal.setState(row.kind, row.key, { state: to, reason, message: null }, now);
    emitter.emit('record:state', { kind: row.kind, key: row.key, from: row.state, to, reason });
  };

  const work = async (row: JournalRow): Promise<void> => {
    try {
      const user = await okta.getUser(row.oktaId as string);
      summary.checked++;
      if (!user) summary.missing++;
      else apply(row, user);
    } catch (err) {
      if (isFatal(err)) throw err;
      // Read-only: a user whose reading failed keeps its state; the next refresh reads it again.
      summary.failed++;
      emitter.emit('warning', { code: 'REFRESH_FAILED', message: `${row.kind} ${row.key}: ${describeError(err)}` });
    } finally {
      meter.tick();
      journal.heartbeat();
    }
  };

  summary.interrupted = await untilInterrupted(options.signal, meter, async () => (await runPool(emailedRows(journal, options), options.concurrency, work, options.signal)).interrupted);
  return summary;
}
