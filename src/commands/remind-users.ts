import type { Runtime } from '../app/runtime.js';
import { parseDuration } from '../core/duration.js';
import { ConfigError, JournalError, UsageError } from '../core/errors.js';
import type { UserKind } from '../core/types.js';
import type { FunnelData, SqliteActivationLog } from '../journal/activation.js';
import { campaignStart, dueRows, remindUsers as remindPhase, type ReminderOptions, type ReminderSummary } from '../users/reminders.js';
import { parseStartAt, type SendPlan } from '../users/send-guard.js';
import { runCommand, type CommandOutcome } from './run-command.js';
import { readyToSend, selectFromLists, type SendOptions } from './send-selection.js';
import { kindsOrAll } from './user-kinds.js';
import { REMINDABLE } from '../core/lifecycle/user.js';

/** `users reactivate`: reminders, a new activation link for users still PROVISIONED whose last link is old. */
export interface RemindUsersOptions extends SendOptions {
  kinds?: UserKind[];
  /** Only users whose last link is older than this duration (7d, 36h; default activation.linkLifetime). */
  olderThan?: string;
  /** At most this many reminders per user, ever (default activation.reminderCap). */
  cap?: number;
  /** Remind at most this many users in this run. */
  max?: number;
  perHour?: number;
  /** false: no email; the new links go to a file readable only by you (default true). */
  email?: boolean;
  signal?: AbortSignal;
  /** Right before the run record opens, after the confirmation and --start-at. */
  beforeRun?: () => Promise<void> | void;
}

export interface ReminderPreview {
  due: number;
  /** Due, but at the cap of reminders per user. */
  capped: number;
  cap: number;
  plan: SendPlan;
}

export interface RemindUsersSummary extends ReminderSummary {
  cap: number;
  plan: SendPlan;
  linksFile: string | null;
  linksCount: number;
  funnel: FunnelData;
  at: number;
}

function durationOption(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new UsageError('USAGE', `${flag} ${JSON.stringify(text)}: use a duration such as 7d, 36h, 90m or 0s`);
  return ms;
}

function activationOf(rt: Runtime): SqliteActivationLog {
  const log = rt.journal.activation;
  if (!log) throw new JournalError('JOURNAL_SCHEMA', 'the journal has no activation records yet: run "efs-okta users activate" first');
  return log;
}

interface Prepared {
  reminder: ReminderOptions;
  plan: SendPlan;
  capped: number;
}

/** Who is due, without writing anything: the dry run, and the count the confirmation is about. */
async function prepare(rt: Runtime, options: RemindUsersOptions): Promise<Prepared> {
  const cfg = rt.config.activation;
  const kinds = kindsOrAll(options.kinds);
  const selection = selectFromLists(rt.journal, options, kinds, REMINDABLE);
  const startAt = options.startAt ? parseStartAt(options.startAt, rt.clock.now()) : rt.clock.now();
  const sendEmail = options.email ?? true;
  const reminder: ReminderOptions = {
    kinds, olderThanMs: durationOption('--older-than', options.olderThan ?? cfg.linkLifetime), cap: options.cap ?? cfg.reminderCap,
    lifetimeMs: parseDuration(cfg.linkLifetime) as number, systemLogDelayMs: parseDuration(cfg.systemLogDelay) as number,
    ...selection, max: options.max, perHour: options.perHour, concurrency: rt.config.okta.concurrency, sendEmail, runId: null, signal: options.signal,
  };
  const activation = activationOf(rt);
  const { startedAt } = campaignStart(rt.journal, rt.clock.now());
  const byKind: Record<string, number> = { admin: 0, panelist: 0 };
  let due = 0;
  let capped = 0;
  for await (const { row } of dueRows(rt.journal, activation, reminder, startedAt, () => capped++)) {
    due++;
    byKind[row.kind] = (byKind[row.kind] ?? 0) + 1;
  }
  return { reminder, capped, plan: { what: 'reminder', count: due, byKind, sendEmail, perHour: options.perHour, startAt } };
}

/** `users reactivate --dry-run`: who would be reminded; calls nothing, writes nothing. */
export async function previewReminders(rt: Runtime, options: RemindUsersOptions = {}): Promise<ReminderPreview> {
  const { plan, capped, reminder } = await prepare(rt, options);
  return { due: plan.count, capped, cap: reminder.cap, plan };
}

/** Sends the reminders on a runtime opened with Okta and without `lock`. */
export async function remindUsers(rt: Runtime, options: RemindUsersOptions = {}): Promise<CommandOutcome<RemindUsersSummary>> {
  const okta = rt.okta;
  if (!okta) throw new ConfigError('OKTA_REQUIRED', 'users reactivate needs an Okta connection (this runtime was opened without one)');
  return runCommand(rt, { command: 'users reactivate', phase: 'reactivate' }, async (run) => {
    const { reminder, plan } = await prepare(rt, options);
    const links = await readyToSend(plan, options, { clock: rt.clock, confirmAbove: rt.config.activation.confirmAbove, reportDir: rt.config.reportDir, linksName: 'reminder-links' });
    try {
      await options.beforeRun?.();
      const runId = run.start();
      const activation = activationOf(rt);
      const s = await remindPhase(
        { journal: rt.journal, activation, okta, emitter: rt.emitter, clock: rt.clock },
        { ...reminder, runId, onLink: links ? (row, url) => links.write(row.kind, row.key, row.login ?? '', url) : undefined },
      );
      const { interrupted, ...counts } = s;
      const at = rt.clock.now();
      return {
        summary: { ...s, cap: reminder.cap, plan, linksFile: links && links.count > 0 ? links.file : null, linksCount: links?.count ?? 0, funnel: activation.funnel(at), at },
        interrupted,
        attention: s.unconfirmed > 0,
        counts: { ...counts, interrupted: interrupted ? 1 : 0 },
      };
    } finally {
      links?.close();
    }
  });
}
