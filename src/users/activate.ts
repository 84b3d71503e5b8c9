import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import { ACTIVATION_WORK, isActivationWork, REACTIVATION_PENDING } from '../core/lifecycle/user.js';
import { activated, failed, toActivating, toAwaitingActivation, toFailed, toOktaStatus, type UserLifecycle } from '../core/lifecycle/user-transitions.js';
import type { UserKind } from '../core/types.js';
import type { Journal, JournalRow } from '../journal/types.js';
import type { OktaGateway } from '../okta/types.js';
import { ProgressMeter } from '../run/progress.js';
import { runPool, untilInterrupted } from '../run/pool.js';
import { describeError } from '../core/errors.js';
import { failureCode, isFatal } from '../run/failure.js';
import { wavePacer } from '../run/wave-pacer.js';

/**
 * Phase 2: activate the users this journal created and left STAGED. Each activation makes Okta send
 * an email (unless the user was created with an imported password hash, or --no-email asks for
 * links instead), so it is controlled: --max per run, --per-hour spreads starts evenly.
 *
 * Exactly once: `activating` is committed before the call; a record found in `activating` is looked
 * up first (PROVISIONED/ACTIVE means the first call went through and its email is out). Okta answers
 * an activation of a non-STAGED user with E0000016/E0000038, which counts as done, never as a resend.
 * Never touches `linked` or `conflict` users: they are not ours.
 *
 * A --no-email activation is done only once its link is handed over: the link exists only in
 * Okta's answer. `activating` records the delivery (`activation`: email, link or none); a `link`
 * activation found PROVISIONED after a crash, or answered E0000016 on a replay, lost its link and is
 * issued a new one (POST /lifecycle/reactivate), never counted as activated. Records back in the
 * source after --deactivate-removed deactivated their user (`deactivated`, reactivationPending)
 * are activated again (Okta's activate accepts DEPROVISIONED users).
 */
export interface ActivateOptions {
  installation: string;
  kinds: UserKind[];
  /** Login or source key filter (--only FILE). */
  only?: Set<string>;
  max?: number;
  perHour?: number;
  /** false = --no-email: Okta returns activation links, handed to `onLink` (written to a 0600 file). */
  sendEmail: boolean;
  concurrency: number;
  signal?: AbortSignal;
  onLink?: (row: JournalRow, activationUrl: string) => void;
  /** A link went out (by email, or into the links file): the funnel records when, before the state. */
  onLinkSent?: (row: JournalRow, byEmail: boolean) => void;
  /** The order records are activated in (default: the journal's, by source key). */
  rows?: (journal: Journal, options: ActivateOptions) => AsyncGenerator<JournalRow>;
}

export interface ActivateSummary {
  activated: number;
  emailed: number;
  links: number;
  alreadyActive: number;
  /** New links (or emails) issued for activations whose link was lost. */
  reissued: number;
  /** Deactivated users of records back in the source, activated again. */
  reactivated: number;
  failed: number;
  interrupted: boolean;
}

const PAGE = 500;

export async function* stagedRows(journal: Journal, options: ActivateOptions): AsyncGenerator<JournalRow> {
  let after: { kind: string; key: string } | null = null;
  let yielded = 0;
  for (;;) {
    const rows = journal.page({ kinds: options.kinds, states: [...ACTIVATION_WORK] }, after, PAGE);
    if (rows.length === 0) return;
    for (const row of rows) {
      if (!row.ours || !row.oktaId || !isActivationWork(row)) continue;
      if (options.only && !options.only.has(row.key) && !options.only.has((row.login ?? '').toLowerCase())) continue;
      if (options.max !== undefined && yielded >= options.max) return;
      yielded++;
      yield row;
    }
    const last = rows[rows.length - 1] as JournalRow;
    after = { kind: last.kind, key: last.key };
  }
}

export async function activateUsers(
  deps: { journal: Journal; okta: OktaGateway; emitter: CoreEmitter; clock: Clock },
  options: ActivateOptions,
): Promise<ActivateSummary> {
  const { journal, okta, emitter, clock } = deps;
  const now = (): number => clock.now();
  const summary: ActivateSummary = { activated: 0, emailed: 0, links: 0, alreadyActive: 0, reissued: 0, reactivated: 0, failed: 0, interrupted: false };
  const total = Math.min(
    options.max ?? Infinity,
    options.only?.size ?? Infinity,
    journal.countActivationWork(options.kinds),
  );
  const meter = new ProgressMeter('activate', total, clock, emitter);
  const wait = wavePacer(clock, options.perHour, options.signal);
  emitter.emit('run:started', { phase: 'activate', installation: options.installation, total, at: now() });

  const life: UserLifecycle = { journal, emitter, now };
  const done = (row: JournalRow, email: boolean): void => {
    // Without a password the user is PROVISIONED until they follow the link: not active yet.
    if (!row.passwordImported) options.onLinkSent?.(row, email);
    activated(life, { ...row, state: 'activating' }, email);
  };

  /** Hands a link over (--no-email); true when it reached the links file. */
  const handOver = (row: JournalRow, url: string | null): boolean => {
    if (!url || !options.onLink) return false;
    options.onLink(row, url);
    summary.links++;
    return true;
  };

  /**
   * The link of an activation of ours was lost with Okta's answer (or with a killed run before it
   * reached the file): the user is PROVISIONED and nobody has a link. Okta's reactivate issues a new
   * one (or emails it): https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/reactivateUser
   */
  const reissue = async (row: JournalRow, sendEmail: boolean): Promise<void> => {
    const oktaId = row.oktaId as string;
    toActivating(life, row, {
      activation: sendEmail ? 'email' : 'link', reason: 'activation.link_lost',
      message: 'activated, but its activation link was lost before it reached the links file: the next "efs-okta users activate" issues a new one',
    });
    const result = await okta.reactivateUser(oktaId, sendEmail);
    if (result.outcome !== 'activated') {
      const user = await okta.getUser(oktaId);
      toOktaStatus(life, { ...row, state: 'activating' }, user?.status ?? 'DEPROVISIONED', { reason: 'activation.previous_run', message: `already ${user?.status ?? 'gone'} in Okta: no new link needed` });
      summary.alreadyActive++;
      return;
    }
    if (!sendEmail && !handOver(row, result.activationUrl)) return;
    summary.reissued++;
    if (sendEmail) summary.emailed++;
    done(row, sendEmail);
  };

  const activate = async (row: JournalRow): Promise<void> => {
    const oktaId = row.oktaId as string;
    let linkLost = false;
    let waitingState: 'staged' | 'deactivated' = 'staged';
    let waitingReason = 'activation.failed';
    try {
      // Users with an imported password hash already have a password: no activation email. The
      // journal's own field, not the reason (which failures and resyncs overwrite).
      const sendEmail = options.sendEmail && !row.passwordImported;
      const reactivation = row.reactivationPending;
      // Where the record waits when this attempt fails: staged, or deactivated awaiting reactivation.
      waitingState = reactivation ? 'deactivated' : 'staged';
      waitingReason = reactivation ? REACTIVATION_PENDING : 'activation.failed';
      if (row.state === 'activating' || row.state === 'deactivated') {
        const user = await okta.getUser(oktaId);
        if (!user) {
          toFailed(life, row, { code: 'user_missing', message: `Okta user ${oktaId} no longer exists: run "efs-okta verify"` });
          summary.failed++;
          return;
        }
        linkLost = row.state === 'activating' && row.activation === 'link' && user.status === 'PROVISIONED';
        const waiting = user.status === 'STAGED' || (reactivation && user.status === 'DEPROVISIONED');
        if (!waiting && !linkLost) {
          toOktaStatus(life, row, user.status, { reason: 'activation.previous_run', message: null });
          summary.alreadyActive++;
          return;
        }
      }
      if (!(await wait())) return;
      if (linkLost) {
        await reissue(row, sendEmail);
        return;
      }
      // Users with an imported password hash already have a password: no activation email, no link.
      const mode = row.passwordImported ? 'none' : sendEmail ? 'email' : 'link';
      toActivating(life, row, mode === 'link' && !reactivation
        ? { activation: mode, reason: 'activation.link_pending', message: 'activation link requested: if this run stopped here, the link never reached the links file and the next "efs-okta users activate" issues a new one' }
        : { activation: mode });
      const result = await okta.activateUser(oktaId, sendEmail);
      if (reactivation && result.outcome === 'activated') summary.reactivated++;
      if (result.outcome === 'activated') {
        if (mode === 'link' && !handOver(row, result.activationUrl)) return;
        if (sendEmail) summary.emailed++;
        summary.activated++;
        done(row, sendEmail);
      } else if (result.outcome === 'already_active') {
        // Only this journal activates its users: E0000016 here means our own call went through and
        // its answer was lost (the governor replayed it). Okta sent the email then; a link is lost
        // and a new one is issued.
        summary.alreadyActive++;
        if (mode === 'link') await reissue({ ...row, state: 'activating' }, false);
        else done(row, sendEmail);
      } else {
        const user = await okta.getUser(oktaId);
        if (user && user.status !== 'STAGED' && user.status !== 'DEPROVISIONED') {
          // Activated (and maybe suspended or locked) outside this run: nothing was sent now.
          summary.alreadyActive++;
          toOktaStatus(life, { ...row, state: 'activating' }, user.status, { reason: 'activation.previous_run', message: `already ${user.status} in Okta` });
        } else {
          toAwaitingActivation(life, { ...row, state: 'activating' }, { state: waitingState, reason: waitingReason, message: `Okta refused to activate the user in status ${result.status}`, lastError: 'E0000038' });
          summary.failed++;
        }
      }
    } catch (err) {
      if (isFatal(err)) throw err;
      // Back to where it waited (not `failed`, which phase 1 would try to create): the next activate
      // run retries. A lost link stays visible as lost until a new one is on file.
      const code = failureCode(err);
      if (linkLost) toActivating(life, row, { reason: 'activation.link_lost', lastError: code, attemptsIncrement: true });
      else toAwaitingActivation(life, row, { state: waitingState, reason: waitingReason, message: describeError(err), lastError: code });
      failed(life, row, { code, message: describeError(err) });
      summary.failed++;
    } finally {
      meter.tick();
      journal.heartbeat();
    }
  };

  try {
    // With --per-hour the starts are spaced on one clock: a single worker keeps the spacing exact.
    const concurrency = options.perHour ? 1 : options.concurrency;
    summary.interrupted = await untilInterrupted(options.signal, meter, async () => (await runPool((options.rows ?? stagedRows)(journal, options), concurrency, activate, options.signal)).interrupted);
  } finally {
    emitter.emit('run:finished', { phase: 'activate', installation: options.installation, at: now(), counts: { ...summary, interrupted: summary.interrupted ? 1 : 0 }, interrupted: summary.interrupted });
  }
  return summary;
}
