import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { previewRollback, rollback } from '../commands/rollback.js';
import { UsageError } from '../core/errors.js';
import { attachProgress } from '../report/progress.js';
import { formatDuration } from '../report/summary.js';
import { configFlags, parseUserKinds, withConfigOptions, type ConfigOptionValues } from './options.js';
import { interruptController } from './signals.js';
import { endWith } from './end.js';

interface RollbackFlags extends ConfigOptionValues {
  users?: boolean;
  portals?: boolean;
  all?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  kind?: string;
}

export function register(program: Command): void {
  withConfigOptions(
    program
      .command('rollback')
      .description('remove exactly what this journal created in Okta (users, portal apps, empty groups it made); prints the plan unless --yes')
      .option('--users', 'delete the users this journal created and unlink linked ones')
      .option('--portals', 'deactivate and delete the portal apps this journal registered')
      .option('--all', 'both')
      .addOption(new Option('--kind <kind>', 'only the users of this kind (with --users)').choices(['admins', 'panelists']))
      .addOption(new Option('--dry-run', 'only print what would be done (the default without --yes)').conflicts(['yes']))
      .option('--yes', 'really do it (without: only print what would be done)'),
  ).action(async (o: RollbackFlags) => {
    if (!o.users && !o.portals && !o.all) throw new UsageError('USAGE', 'rollback needs --users, --portals or --all');
    if (o.all && (o.users || o.portals)) throw new UsageError('USAGE', '--all already includes --users and --portals: pass one or the other');
    if (o.kind && !o.users) throw new UsageError('USAGE', '--kind limits the users rolled back: pass it with --users (not with --portals or --all)');
    const options = { users: o.all || o.users, portals: o.all || o.portals, kinds: parseUserKinds(o.kind) };
    const apply = Boolean(o.yes) && !o.dryRun;
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: apply });
    try {
      if (!apply) {
        const plan = previewRollback(rt, options);
        const lines: string[] = [`rollback plan (nothing done; pass --yes to do it)${o.kind ? ` for ${o.kind}` : ''}:`];
        if (plan.users) {
          lines.push(`  users: delete ${plan.users.deleteUsers} created by this journal, unlink ${plan.users.unlinkUsers} linked, look up ${plan.users.lookUp} interrupted mid-create`);
          lines.push(`  groups: delete ${plan.users.deleteGroups.map((g) => g.name).join(', ') || 'none'} once empty`);
        }
        if (plan.portals) lines.push(`  portals: deactivate and delete ${plan.portals.length} app(s) registered by this journal${plan.portals.length ? ` (${plan.portals.join(', ')})` : ''}`);
        process.stdout.write(`${lines.join('\n')}\n`);
        return;
      }
      const interrupt = interruptController();
      const detach = attachProgress(rt.emitter);
      try {
        const result = await rollback(rt, {
          ...options, signal: interrupt.signal,
          onPortals: (p) => void process.stdout.write(`portal apps deleted ${p.deleted}, failed ${p.failed}${p.deleted ? `; the client secrets in ${p.credentialsFile} no longer work` : ''}\n`),
        });
        const u = result.summary.users;
        if (u) process.stdout.write(`users deleted ${u.deleted}, unlinked ${u.unlinked}, failed ${u.failed}; groups deleted ${u.groupsDeleted} in ${formatDuration(result.summary.durationMs)}\n`);
        endWith(result, 'interrupted: run the same command again to continue');
      } finally {
        detach();
        interrupt.dispose();
      }
    } finally {
      rt.close();
    }
  });
}
