import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { previewReminders, remindUsers } from '../commands/remind-users.js';
import { UsageError } from '../core/errors.js';
import { renderFunnel } from '../report/funnel-text.js';
import { terminalText } from '../core/terminal-text.js';
import { describeSendPlan } from '../users/send-guard.js';
import { attachProgress } from '../report/progress.js';
import { configFlags, parseUserKinds, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { sendOptions, withSendFlags, type SendFlags } from './send-flags.js';
import { interruptController } from './signals.js';
import { endWith } from './end.js';

interface ReactivateFlags extends ConfigOptionValues, SendFlags {
  kind?: string;
  olderThan?: string;
  cap?: number;
  max?: number;
  perHour?: number;
  dryRun?: boolean;
  email: boolean;
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
    const kinds = parseUserKinds(o.kind);
    if (o.perHour === 0) throw new UsageError('USAGE', '--per-hour must be at least 1');
    const options = { ...sendOptions(o), kinds, olderThan: o.olderThan, cap: o.cap, max: o.max, perHour: o.perHour, email: o.email };
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: !o.dryRun, readonly: o.dryRun ?? false });
    const interrupt = interruptController();
    let detach: (() => void) | null = null;
    try {
      if (o.dryRun) {
        const p = await previewReminders(rt, { ...options, signal: interrupt.signal });
        process.stdout.write(`dry run: ${p.due} user(s) due for a reminder${p.capped ? `; ${p.capped} more reached the cap of ${p.cap} reminders` : ''}\n`);
        process.stdout.write(`a run ${describeSendPlan(p.plan, rt.clock.now())}\n`);
        return;
      }
      const result = await remindUsers(rt, {
        ...options, signal: interrupt.signal,
        beforeRun: () => {
          detach = attachProgress(rt.emitter);
        },
      });
      const s = result.summary;
      process.stdout.write(`\nreminded ${s.reminded}${s.resumedSent ? ` (+${s.resumedSent} sent by the interrupted run)` : ''}; set a password meanwhile ${s.passwordSet}; no longer waiting ${s.notProvisioned}; at the cap of ${s.cap} ${s.capped}${s.unconfirmed ? `; unconfirmed ${s.unconfirmed} (run again: the System Log settles them)` : ''}\n`);
      if (s.linksFile) process.stdout.write(`new activation links: ${terminalText(s.linksFile)} (readable only by you; hand them over securely, then delete the file)\n`);
      process.stdout.write(`\n${renderFunnel(s.funnel, s.at)}\n`);
      endWith(result, 'interrupted: run the same command again to continue (nobody is reminded twice)');
    } finally {
      (detach as (() => void) | null)?.();
      interrupt.dispose();
      rt.close();
    }
  });
}
