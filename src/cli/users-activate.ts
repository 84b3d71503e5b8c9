import path from 'node:path';
import { Option, type Command } from 'commander';
import { openRuntime, type Runtime } from '../app/runtime.js';
import { parseDuration } from '../core/duration.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import type { UserKind } from '../core/types.js';
import { pageByLastLogin } from '../journal/activation.js';
import { activateUsers, type ActivateOptions } from '../users/activate.js';
import { selectedRows, type ActivationOrder } from '../users/activate-order.js';
import { describeSendPlan, parseStartAt, waitUntil } from '../users/send-guard.js';
import { LinksFile } from '../report/links-file.js';
import { terminalText } from '../core/terminal-text.js';
import { attachProgress } from '../report/progress.js';
import { stateSummary } from '../report/summary.js';
import { configFlags, parseUserKinds, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { guardSending, selectFromLists, withSendFlags, type SendFlags } from './send-flags.js';
import { interruptController } from './signals.js';
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

/** --order's default: by last EFS sign-in when the panelists' source maps lastLogin, else by key. */
export function defaultOrder(rt: Runtime, kinds: UserKind[]): ActivationOrder {
  return kinds.includes('panelist') && rt.config.sources.panelists?.columns.lastLogin ? 'last-login' : 'key';
}

/** Who a run would activate, counted by kind exactly as the run chooses them (nothing is written). */
async function countSelected(rt: Runtime, kinds: UserKind[], rows: NonNullable<ActivateOptions['rows']>, max: number | undefined): Promise<Record<string, number>> {
  const byKind: Record<string, number> = { admin: 0, panelist: 0 };
  for await (const row of rows(rt.journal, { installation: '', kinds, max, sendEmail: false, concurrency: 1 })) byKind[row.kind] = (byKind[row.kind] ?? 0) + 1;
  return byKind;
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
    // Phase 2 activates what phase 1 created: before any users create there is nothing to activate,
    // and opening the journal for writing would create an empty one.
    const before = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true, emptyJournalIfMissing: true });
    try {
      if (before.journal.countByState(kinds).length === 0) {
        throw new UsageError('NOTHING_CREATED', `the journal ${before.journal.path} has no ${kinds.join(' or ')} records yet: run "efs-okta users create" first (it creates the STAGED users that users activate activates)`);
      }
    } finally {
      before.close();
    }
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: !o.dryRun, readonly: o.dryRun ?? false, lock: o.dryRun ? undefined : 'users activate' });
    const interrupt = interruptController();
    let detach: (() => void) | null = null;
    let links: LinksFile | null = null;
    let dashboard: Awaited<ReturnType<typeof startRunDashboard>> = null;
    try {
      const order = o.order ?? defaultOrder(rt, kinds);
      const selection = selectFromLists(rt.journal, o, kinds, ['staged', 'activating', 'deactivated']);
      const rows = selectedRows({ order, ...selection, pageByLastLogin: (k, after, limit) => pageByLastLogin(rt.journal.db, k, 'staged', after, limit) });
      const byKind = await countSelected(rt, kinds, rows, o.max);
      const count = Object.values(byKind).reduce((a, b) => a + b, 0);
      const startAt = o.startAt ? parseStartAt(o.startAt, rt.clock.now()) : rt.clock.now();
      const plan = { what: 'activation' as const, count, byKind, sendEmail: o.email, perHour: o.perHour, startAt };
      if (o.dryRun) {
        const staged = rt.journal.countByState(kinds).filter((c) => c.state === 'staged' || c.state === 'activating' || (c.state === 'deactivated' && c.reason === 'reactivation.pending')).reduce((n, c) => n + c.count, 0);
        const hours = o.perHour ? count / o.perHour : null;
        process.stdout.write(`dry run: would activate ${count} of ${staged} staged users${o.only ? ` (those of ${o.only})` : ''}${o.email ? ', each receiving an activation email' : ', writing activation links to a file'}${hours !== null ? `, over about ${hours.toFixed(1)} h` : ''} (order: ${order})\n`);
        process.stdout.write(`a run ${describeSendPlan(plan, rt.clock.now())}\n`);
        return;
      }
      await guardSending(plan, rt.clock.now(), { yes: o.yes, confirmAbove: rt.config.activation.confirmAbove });
      await waitUntil(rt.clock, startAt, interrupt.signal).catch((err: unknown) => {
        if (interrupt.signal.aborted) throw new InterruptedError('INTERRUPTED', 'interrupted while waiting for --start-at: nothing was sent; run the same command again');
        throw err;
      });
      detach = attachProgress(rt.emitter);
      links = o.email ? null : new LinksFile(path.join(rt.config.reportDir, `activation-links-${new Date(rt.clock.now()).toISOString().replace(/[:.]/g, '-')}.csv`));
      dashboard = await startRunDashboard(o.dashboard, rt);
      const runId = rt.journal.startRun('activate', rt.clock.now());
      const activation = rt.journal.activation;
      const lifetimeMs = parseDuration(rt.config.activation.linkLifetime) as number;
      const file = links;
      const summary = await activateUsers(
        { journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: rt.clock },
        {
          installation: rt.config.installation, kinds, max: o.max, perHour: o.perHour, sendEmail: o.email, rows,
          concurrency: rt.config.okta.concurrency, signal: interrupt.signal,
          onLink: file ? (row, url) => file.write(row.kind, row.key, row.login ?? '', url) : undefined,
          onLinkSent: (row, byEmail) => activation?.linkSent(row.kind as UserKind, row.key, { at: rt.clock.now(), wave: runId, lifetimeMs, byEmail, reminder: false }),
        },
      );
      rt.journal.finishRun(runId, summary.interrupted ? 'interrupted' : 'done', { ...summary, interrupted: summary.interrupted ? 1 : 0 }, rt.clock.now());
      process.stdout.write(`\nactivated ${summary.activated} (${summary.emailed} emailed, ${summary.links} links), new links for lost ones ${summary.reissued}, reactivated ${summary.reactivated}, already active ${summary.alreadyActive}, failed ${summary.failed}\n`);
      if (file && file.count > 0) process.stdout.write(`activation links: ${terminalText(file.file)} (readable only by you; hand them over securely, then delete the file)\n`);
      process.stdout.write(`\n${stateSummary(rt.journal, kinds)}\n`);
      if (summary.interrupted) throw new InterruptedError('INTERRUPTED', 'interrupted: run the same command again to continue');
      process.exitCode = summary.failed > 0 ? 1 : 0;
    } finally {
      await dashboard?.stop();
      links?.close();
      detach?.();
      interrupt.dispose();
      rt.close();
    }
  });
}
