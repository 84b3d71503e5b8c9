import { Option, type Command } from 'commander';
import { preflightSources, USER_SOURCES } from '../app/preflight.js';
import { openRuntime, userSourceSpecs } from '../app/runtime.js';
import { InterruptedError } from '../core/errors.js';
import { effectiveShare } from '../config/load.js';
import { createUsers } from '../users/create.js';
import { pageByLastLogin } from '../journal/activation.js';
import { defaultOrder } from './users-activate.js';
import { planUsers, snapshotUsers } from '../users/plan.js';
import { attachProgress } from '../report/progress.js';
import { filterWarningLines, formatDuration, planTable, stateSummary } from '../report/summary.js';
import { FilterWatch } from '../records/filter-watch.js';
import { configFlags, parseShare, parseUserKinds, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { interruptController } from './signals.js';
import { exitCodeFor } from './exit-codes.js';
import { dashboardOption, startRunDashboard } from './dashboard.js';

export function registerCreate(users: Command): void {
  withConfigOptions(
    users
      .command('create')
      .description('create every pending admin and panelist in Okta as a STAGED user; resumable; a rerun syncs what changed')
      .addOption(new Option('--kind <kind>', 'only this kind').choices(['admins', 'panelists']))
      .addOption(new Option('--limit <n>', 'create at most N users in this run').argParser(parseWhole))
      .addOption(new Option('--order <order>', 'who first: last-login (most recent EFS sign-in first; the default when panelists map lastLogin) or key').choices(['last-login', 'key']))
      .option('--deactivate-removed', 'deactivate the Okta users of records that left the source or became excluded (default: only report them)')
      .addOption(new Option('--max-deactivate-share <fraction>', "deactivating more than this share of the installation's users needs --yes (default 0.05: safety.maxDeactivateShare)").argParser(parseShare))
      .option('--yes', 'confirm a deactivation larger than the allowed share')
      .option('--adopt-groups', "use Okta groups with the installation's names that this journal did not create (their members stay foreign)")
      .addOption(new Option('--dry-run', 'show what would be done and call nothing in Okta').conflicts(['limit']))
      .addOption(dashboardOption()),
  ).action(async (o: ConfigOptionValues & { kind?: string; limit?: number; dryRun?: boolean; deactivateRemoved?: boolean; yes?: boolean; adoptGroups?: boolean; order?: 'last-login' | 'key'; dashboard?: boolean | string }) => {
    const kinds = parseUserKinds(o.kind);
    if (o.dryRun) {
      const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true, emptyJournalIfMissing: true });
      try {
        await preflightSources(rt.config, USER_SOURCES);
        const plan = await planUsers({ journal: rt.journal, okta: null }, userSourceSpecs(rt.config), { share: effectiveShare(rt.config.okta) });
        const warnings = filterWarningLines(plan.warnings).map((w) => `\n${w}\n`).join('');
        process.stdout.write(`dry run: nothing was sent to Okta and the journal is unchanged\n\n${planTable(plan.counts.filter((c) => kinds.includes(c.kind)))}\n${warnings}`);
      } finally {
        rt.close();
      }
      return;
    }
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: true, lock: 'users create' });
    const interrupt = interruptController();
    const detach = attachProgress(rt.emitter);
    let dashboard: Awaited<ReturnType<typeof startRunDashboard>> = null;
    try {
      await preflightSources(rt.config, USER_SOURCES);
      dashboard = await startRunDashboard(o.dashboard, rt);
      const runId = rt.journal.startRun('create', rt.clock.now());
      const watch = new FilterWatch();
      const snapshot = await snapshotUsers(rt.journal, userSourceSpecs(rt.config), interrupt.signal, watch);
      for (const line of filterWarningLines(watch.warnings())) process.stderr.write(`efs-okta: ${line}\n`);
      const counts = snapshot.apply(rt.clock.now());
      snapshot.discard();
      const toDo = counts.filter((c) => kinds.includes(c.kind)).reduce((n, c) => n + c.create + c.retry + c.conflict + c.update, 0);
      process.stderr.write(`efs-okta: ${toDo} users to create or update (${kinds.join(', ')})\n`);
      const back = counts.filter((c) => kinds.includes(c.kind)).reduce((n, c) => n + c.reactivate, 0);
      if (back > 0) process.stderr.write(`efs-okta: ${back} users whose Okta user was deactivated are back in the source: "efs-okta users activate" reactivates them\n`);
      const started = rt.clock.now();
      const summary = await createUsers(
        { journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: rt.clock },
        { installation: rt.config.installation, kinds, onExisting: rt.config.onExisting, concurrency: rt.config.okta.concurrency, limit: o.limit, groupNames: rt.config.groups, deactivateRemoved: o.deactivateRemoved ?? false,
          maxDeactivateShare: rt.config.safety.maxDeactivateShare, confirmed: o.yes ?? false, adoptGroups: o.adoptGroups ?? false, signal: interrupt.signal,
          pendingPage: (o.order ?? defaultOrder(rt, kinds)) === 'last-login' ? (k, after, limit) => pageByLastLogin(rt.journal.db, k, 'pending', after, limit) : undefined },
      );
      rt.journal.finishRun(runId, summary.interrupted ? 'interrupted' : 'done', { ...summary, interrupted: summary.interrupted ? 1 : 0 }, rt.clock.now());
      process.stdout.write(`\ncreated ${summary.created}, adopted ${summary.adopted}, linked ${summary.linked}, conflicts ${summary.conflict}, updated ${summary.updated}, deactivated ${summary.deactivated}, taken over by a new key ${summary.inherited}, rejected ${summary.rejected}, failed ${summary.failed} in ${formatDuration(rt.clock.now() - started)}\n\n${stateSummary(rt.journal, kinds)}\n`);
      if (summary.interrupted) throw new InterruptedError('INTERRUPTED', 'interrupted: in-flight calls were recorded; run the same command again to continue');
      process.exitCode = exitCodeFor(rt.journal, kinds);
    } finally {
      await dashboard?.stop();
      detach();
      interrupt.dispose();
      rt.close();
    }
  });
}
