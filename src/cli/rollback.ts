import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import { planRollback, rollbackUsers } from '../users/rollback.js';
import { attachProgress } from '../report/progress.js';
import { formatDuration } from '../report/summary.js';
import { configFlags, parseUserKinds, withConfigOptions, type ConfigOptionValues } from './options.js';
import { interruptController } from './signals.js';
import { portalRollback } from './rollback-portals.js';

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
    const doUsers = o.all || o.users;
    const doPortals = o.all || o.portals;
    const kinds = parseUserKinds(o.kind);
    const apply = Boolean(o.yes) && !o.dryRun;
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: apply, lock: apply ? 'rollback' : undefined });
    const interrupt = interruptController();
    try {
      if (!apply) {
        const lines: string[] = [`rollback plan (nothing done; pass --yes to do it)${o.kind ? ` for ${o.kind}` : ''}:`];
        if (doUsers) {
          const plan = planRollback(rt.journal, kinds);
          lines.push(`  users: delete ${plan.deleteUsers} created by this journal, unlink ${plan.unlinkUsers} linked, look up ${plan.lookUp} interrupted mid-create`);
          lines.push(`  groups: delete ${plan.deleteGroups.map((g) => g.name).join(', ') || 'none'} once empty`);
        }
        if (doPortals) lines.push(`  portals: ${portalRollback.describe(rt)}`);
        process.stdout.write(`${lines.join('\n')}\n`);
        return;
      }
      const started = rt.clock.now();
      const runId = rt.journal.startRun('rollback', started);
      const detach = attachProgress(rt.emitter);
      const counts = { deleted: 0, unlinked: 0, failed: 0, portalsDeleted: 0, groupsDeleted: 0, interrupted: 0 };
      try {
        if (doPortals) {
          const p = await portalRollback.run(rt, interrupt.signal);
          counts.portalsDeleted = p.deleted;
          counts.failed += p.failed;
        }
        if (doUsers) {
          const r = await rollbackUsers({ journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: rt.clock }, { installation: rt.config.installation, concurrency: rt.config.okta.concurrency, signal: interrupt.signal, kinds });
          process.stdout.write(`users deleted ${r.deleted}, unlinked ${r.unlinked}, failed ${r.failed}; groups deleted ${r.groupsDeleted} in ${formatDuration(rt.clock.now() - started)}\n`);
          Object.assign(counts, { deleted: r.deleted, unlinked: r.unlinked, groupsDeleted: r.groupsDeleted, interrupted: r.interrupted ? 1 : 0 });
          counts.failed += r.failed;
        }
      } finally {
        detach();
      }
      rt.journal.finishRun(runId, counts.interrupted ? 'interrupted' : 'done', counts, rt.clock.now());
      if (counts.interrupted) throw new InterruptedError('INTERRUPTED', 'interrupted: run the same command again to continue');
      process.exitCode = counts.failed > 0 ? 1 : 0;
    } finally {
      interrupt.dispose();
      rt.close();
    }
  });
}
