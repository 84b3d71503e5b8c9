import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { activateUsers, previewActivation, requireCreatedUsers, type ActivateUsersSummary } from '../commands/activate-users.js';
import type { Journal } from '../journal/types.js';
import { UsageError } from '../core/errors.js';
import type { ActivationOrder } from '../users/activate-order.js';
import { describeSendPlan } from '../users/send-guard.js';
import { terminalText } from '../core/terminal-text.js';
import { attachProgress } from '../report/progress.js';
import { stateSummary } from '../report/summary.js';
import { configFlags, parseUserKinds, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { sendOptions, withSendFlags, type SendFlags } from './send-flags.js';
import { interruptController } from './signals.js';
import { endWith } from './end.js';
import { dashboardOption, startRunDashboard } from './dashboard.js';

interface ActivateFlags extends ConfigOptionValues, SendFlags {
  kind?: string;
  max?: number;
  perHour?: number;
  dryRun?: boolean;
  email: boolean;
  order?: ActivationOrder;
  dashboard?: boolean | string;
}

export function registerActivate(users: Command): void {
  withSendFlags(withConfigOptions(
    users
      .command('activate')
      .description('phase 2: activate the STAGED users this journal created (Okta emails each a link to set a password)')
      .addOption(new Option('--kind <kind>', 'only this kind').choices(['admins', 'panelists']))
      .addOption(new Option('--max <n>', 'activate at most N users in this run').argParser(parseWhole))
      .addOption(new Option('--per-hour <n>', 'spread activations (and emails) evenly: at most N per hour').argParser(parseWhole))
      .addOption(new Option('--order <order>', 'who first: last-login (most recent EFS sign-in first; the default when panelists map lastLogin) or key').choices(['last-login', 'key']))
      .option('--dry-run', 'show how many would be activated; call nothing')
      .option('--no-email', 'send no email: write activation links to a file readable only by you')
      .addOption(dashboardOption()),
  )).action(async (o: ActivateFlags) => {
    const kinds = parseUserKinds(o.kind);
    if (o.perHour === 0) throw new UsageError('USAGE', '--per-hour must be at least 1');
    // Opening the journal for writing before any users create would create an empty one.
    const before = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true, emptyJournalIfMissing: true });
    try {
      requireCreatedUsers(before.journal, kinds);
    } finally {
      before.close();
    }
    const options = { ...sendOptions(o), kinds, max: o.max, perHour: o.perHour, email: o.email, order: o.order };
    if (o.dryRun) {
      const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true });
      try {
        const p = await previewActivation(rt, options);
        const hours = o.perHour ? p.count / o.perHour : null;
        process.stdout.write(`dry run: would activate ${p.count} of ${p.waiting} staged users${o.only ? ` (those of ${o.only})` : ''}${o.email ? ', each receiving an activation email' : ', writing activation links to a file'}${hours !== null ? `, over about ${hours.toFixed(1)} h` : ''} (order: ${p.order})\n`);
        process.stdout.write(`a run ${describeSendPlan(p.plan, rt.clock.now())}\n`);
      } finally {
        rt.close();
      }
      return;
    }
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: true });
    const interrupt = interruptController();
    let detach: (() => void) | null = null;
    let dashboard: Awaited<ReturnType<typeof startRunDashboard>> = null;
    try {
      const result = await activateUsers(rt, {
        ...options, signal: interrupt.signal,
        beforeRun: async () => {
          detach = attachProgress(rt.emitter);
          dashboard = await startRunDashboard(o.dashboard, rt);
        },
      });
      process.stdout.write(renderActivated(result.summary, rt.journal));
      endWith(result, 'interrupted: run the same command again to continue');
    } finally {
      await (dashboard as Awaited<ReturnType<typeof startRunDashboard>>)?.stop();
      (detach as (() => void) | null)?.();
      interrupt.dispose();
      rt.close();
    }
  });
}

export function renderActivated(s: ActivateUsersSummary, journal: Journal): string {
  const links = s.linksFile ? `activation links: ${terminalText(s.linksFile)} (readable only by you; hand them over securely, then delete the file)\n` : '';
  return `\nactivated ${s.activated} (${s.emailed} emailed, ${s.links} links), new links for lost ones ${s.reissued}, reactivated ${s.reactivated}, already active ${s.alreadyActive}, failed ${s.failed}\n${links}\n${stateSummary(journal, s.kinds)}\n`;
}
