import path from 'node:path';
import { Option, type Command } from 'commander';
import { openRuntime, type Runtime } from '../app/runtime.js';
import { parseDuration } from '../core/duration.js';
import { InterruptedError, JournalError, UsageError } from '../core/errors.js';
import type { UserKind } from '../core/types.js';
import type { SqliteActivationLog } from '../journal/activation.js';
import { campaignStart, dueRows, remindUsers, type ReminderOptions } from '../users/reminders.js';
import { renderFunnel } from '../report/funnel-text.js';
import { terminalText } from '../core/terminal-text.js';
import { describeSendPlan, parseStartAt, waitUntil } from '../users/send-guard.js';
import { LinksFile } from '../report/links-file.js';
import { attachProgress } from '../report/progress.js';
import { configFlags, parseUserKinds, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { guardSending, selectFromLists, withSendFlags, type SendFlags } from './send-flags.js';
import { interruptController } from './signals.js';

interface ReactivateFlags extends ConfigOptionValues, SendFlags {
  kind?: string;
  olderThan?: string;
  cap?: number;
  max?: number;
  perHour?: number;
  dryRun?: boolean;
  email: boolean;
}

function durationFlag(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new UsageError('USAGE', `${flag} ${JSON.stringify(text)}: use a duration such as 7d, 36h, 90m or 0s`);
  return ms;
}

function activationOf(rt: Runtime): SqliteActivationLog {
  const log = rt.journal.activation;
  if (!log) throw new JournalError('JOURNAL_SCHEMA', 'the journal has no activation records yet: run "efs-okta users activate" first');
  return log;
}

/** Who is due, without writing anything: the dry run, and the count the confirmation is about. */
async function countDue(rt: Runtime, options: ReminderOptions): Promise<{ due: number; byKind: Record<string, number>; capped: number }> {
  const activation = activationOf(rt);
  const { startedAt } = campaignStart(rt.journal, rt.clock.now());
  const byKind: Record<string, number> = { admin: 0, panelist: 0 };
  let due = 0;
  let capped = 0;
  for await (const { row } of dueRows(rt.journal, activation, options, startedAt, () => capped++)) {
    due++;
    byKind[row.kind] = (byKind[row.kind] ?? 0) + 1;
  }
  return { due, byKind, capped };
}

export function registerReactivate(users: Command): void {
  withSendFlags(withConfigOptions(
    users
      .command('reactivate')
      .description('reminders: a new activation link for users still PROVISIONED (emailed, no password) whose last link is older than --older-than')
      .addOption(new Option('--kind <kind>', 'only this kind').choices(['admins', 'panelists']))
      .option('--older-than <duration>', 'only users whose last link is older than this (default: activation.linkLifetime, 7d: expired links)')
      .addOption(new Option('--cap <n>', 'at most N reminders per user, ever (default: activation.reminderCap, 2)').argParser(parseWhole))
      .addOption(new Option('--max <n>', 'remind at most N users in this run').argParser(parseWhole))
      .addOption(new Option('--per-hour <n>', 'spread reminders evenly: at most N per hour').argParser(parseWhole))
      .option('--dry-run', 'show who would be reminded; call nothing')
      .option('--no-email', 'send no email: write the new links to a file readable only by you'),
  )).action(async (o: ReactivateFlags) => {
    const kinds: UserKind[] = parseUserKinds(o.kind);
    if (o.perHour === 0) throw new UsageError('USAGE', '--per-hour must be at least 1');
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: !o.dryRun, readonly: o.dryRun ?? false, lock: o.dryRun ? undefined : 'users reactivate' });
    const interrupt = interruptController();
    let links: LinksFile | null = null;
    let detach: (() => void) | null = null;
    try {
      const cfg = rt.config.activation;
      const selection = selectFromLists(rt.journal, o, kinds, ['provisioned']);
      const startAt = o.startAt ? parseStartAt(o.startAt, rt.clock.now()) : rt.clock.now();
      const options: ReminderOptions = {
        kinds, olderThanMs: durationFlag('--older-than', o.olderThan ?? cfg.linkLifetime), cap: o.cap ?? cfg.reminderCap,
        lifetimeMs: parseDuration(cfg.linkLifetime) as number, systemLogDelayMs: parseDuration(cfg.systemLogDelay) as number,
        ...selection, max: o.max, perHour: o.perHour, concurrency: rt.config.okta.concurrency, sendEmail: o.email, runId: null, signal: interrupt.signal,
      };
      const { due, byKind, capped } = await countDue(rt, options);
      const plan = { what: 'reminder' as const, count: due, byKind, sendEmail: o.email, perHour: o.perHour, startAt };
      if (o.dryRun) {
        process.stdout.write(`dry run: ${due} user(s) due for a reminder${capped ? `; ${capped} more reached the cap of ${options.cap} reminders` : ''}\n`);
        process.stdout.write(`a run ${describeSendPlan(plan, rt.clock.now())}\n`);
        return;
      }
      await guardSending(plan, rt.clock.now(), { yes: o.yes, confirmAbove: cfg.confirmAbove });
      await waitUntil(rt.clock, startAt, interrupt.signal).catch((err: unknown) => {
        if (interrupt.signal.aborted) throw new InterruptedError('INTERRUPTED', 'interrupted while waiting for --start-at: nothing was sent; run the same command again');
        throw err;
      });
      detach = attachProgress(rt.emitter);
      links = o.email ? null : new LinksFile(path.join(rt.config.reportDir, `reminder-links-${new Date(rt.clock.now()).toISOString().replace(/[:.]/g, '-')}.csv`));
      const runId = rt.journal.startRun('reactivate', rt.clock.now());
      const file = links;
      const s = await remindUsers(
        { journal: rt.journal, activation: activationOf(rt), okta: rt.okta!, emitter: rt.emitter, clock: rt.clock },
        { ...options, runId, onLink: file ? (row, url) => file.write(row.kind, row.key, row.login ?? '', url) : undefined },
      );
      const { interrupted, ...counts } = s;
      rt.journal.finishRun(runId, interrupted ? 'interrupted' : 'done', { ...counts, interrupted: interrupted ? 1 : 0 }, rt.clock.now());
      process.stdout.write(`\nreminded ${s.reminded}${s.resumedSent ? ` (+${s.resumedSent} sent by the interrupted run)` : ''}; set a password meanwhile ${s.passwordSet}; no longer waiting ${s.notProvisioned}; at the cap of ${options.cap} ${s.capped}${s.unconfirmed ? `; unconfirmed ${s.unconfirmed} (run again: the System Log settles them)` : ''}\n`);
      if (file && file.count > 0) process.stdout.write(`new activation links: ${terminalText(file.file)} (readable only by you; hand them over securely, then delete the file)\n`);
      process.stdout.write(`\n${renderFunnel(activationOf(rt).funnel(rt.clock.now()), rt.clock.now())}\n`);
      if (interrupted) throw new InterruptedError('INTERRUPTED', 'interrupted: run the same command again to continue (nobody is reminded twice)');
      process.exitCode = s.unconfirmed > 0 ? 1 : 0;
    } finally {
      detach?.();
      links?.close();
      interrupt.dispose();
      rt.close();
    }
  });
}
