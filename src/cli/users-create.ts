import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { createUsers, previewCreate, type CreateUsersSummary, type SnapshotInfo } from '../commands/create-users.js';
import type { Journal } from '../journal/types.js';
import { attachProgress } from '../report/progress.js';
import { filterWarningLines, formatDuration, planTable, stateSummary } from '../report/summary.js';
import { configFlags, parseShare, parseUserKinds, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { interruptController } from './signals.js';
import { endWith } from './end.js';
import { dashboardOption, startRunDashboard } from './dashboard.js';

type CreateFlags = ConfigOptionValues & { kind?: string; limit?: number; dryRun?: boolean; deactivateRemoved?: boolean; yes?: boolean; adoptGroups?: boolean; order?: 'last-login' | 'key'; dashboard?: boolean | string };

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
  ).action(async (o: CreateFlags) => {
    const kinds = parseUserKinds(o.kind);
    if (o.dryRun) {
      const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true, emptyJournalIfMissing: true });
      try {
        const preview = await previewCreate(rt, { kinds });
        const warnings = filterWarningLines(preview.filterWarnings).map((w) => `\n${w}\n`).join('');
        process.stdout.write(`dry run: nothing was sent to Okta and the journal is unchanged\n\n${planTable(preview.counts)}\n${warnings}`);
      } finally {
        rt.close();
      }
      return;
    }
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: true });
    const interrupt = interruptController();
    const detach = attachProgress(rt.emitter);
    let dashboard: Awaited<ReturnType<typeof startRunDashboard>> = null;
    try {
      const result = await createUsers(rt, {
        kinds, limit: o.limit, order: o.order, deactivateRemoved: o.deactivateRemoved, yes: o.yes, adoptGroups: o.adoptGroups, signal: interrupt.signal,
        beforeRun: async () => {
          dashboard = await startRunDashboard(o.dashboard, rt);
        },
        onSnapshot: showSnapshot,
      });
      process.stdout.write(renderCreated(result.summary, rt.journal));
      endWith(result, 'interrupted: in-flight calls were recorded; run the same command again to continue');
    } finally {
      await (dashboard as Awaited<ReturnType<typeof startRunDashboard>>)?.stop();
      detach();
      interrupt.dispose();
      rt.close();
    }
  });
}

/** What the run is about to do, on stderr (stdout is for the summary). */
export function showSnapshot(s: SnapshotInfo): void {
  for (const line of filterWarningLines(s.filterWarnings)) process.stderr.write(`efs-okta: ${line}\n`);
  process.stderr.write(`efs-okta: ${s.toDo} users to create or update (${s.kinds.join(', ')})\n`);
  if (s.reactivatable > 0) process.stderr.write(`efs-okta: ${s.reactivatable} users whose Okta user was deactivated are back in the source: "efs-okta users activate" reactivates them\n`);
}

export function renderCreated(s: CreateUsersSummary, journal: Journal): string {
  return `\ncreated ${s.created}, adopted ${s.adopted}, linked ${s.linked}, conflicts ${s.conflict}, updated ${s.updated}, deactivated ${s.deactivated}, taken over by a new key ${s.inherited}, rejected ${s.rejected}, failed ${s.failed} in ${formatDuration(s.durationMs)}\n\n${stateSummary(journal, s.kinds)}\n`;
}
