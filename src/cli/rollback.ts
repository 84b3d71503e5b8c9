import type { Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import { planRollback, rollbackUsers } from '../phases/rollback.js';
import { configFlags, withConfigOptions, type ConfigOptionValues } from './options.js';
import { interruptController } from './signals.js';
import { portalRollback } from './rollback-portals.js';

interface RollbackFlags extends ConfigOptionValues {
  users?: boolean;
  portals?: boolean;
  all?: boolean;
  yes?: boolean;
}

export function register(program: Command): void {
  withConfigOptions(
    program
      .command('rollback')
      .description('remove exactly what this journal created in Okta (users, portal apps, empty groups it made); prints the plan unless --yes')
      .option('--users', 'delete the users this journal created and unlink linked ones')
      .option('--portals', 'deactivate and delete the portal apps this journal registered')
      .option('--all', 'both')
      .option('--yes', 'really do it (without: only print what would be done)'),
  ).action(async (o: RollbackFlags) => {
    if (!o.users && !o.portals && !o.all) throw new UsageError('USAGE', 'rollback needs --users, --portals or --all');
    if (o.all && (o.users || o.portals)) throw new UsageError('USAGE', '--all already includes --users and --portals: pass one or the other');
    const doUsers = o.all || o.users;
    const doPortals = o.all || o.portals;
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: Boolean(o.yes), lock: o.yes ? 'rollback' : undefined });
    const interrupt = interruptController();
    try {
      if (!o.yes) {
        const lines: string[] = ['rollback plan (nothing done; pass --yes to do it):'];
        if (doUsers) {
          const plan = planRollback(rt.journal);
          lines.push(`  users: delete ${plan.deleteUsers} created by this journal, unlink ${plan.unlinkUsers} linked, look up ${plan.lookUp} interrupted mid-create`);
          lines.push(`  groups: delete ${plan.deleteGroups.map((g) => g.name).join(', ') || 'none'} once empty`);
        }
        if (doPortals) lines.push(`  portals: ${portalRollback.describe(rt)}`);
        process.stdout.write(`${lines.join('\n')}\n`);
        return;
      }
      let failed = 0;
      if (doPortals) failed += await portalRollback.run(rt, interrupt.signal);
      if (doUsers) {
        const r = await rollbackUsers({ journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: rt.clock }, { installation: rt.config.installation, concurrency: rt.config.okta.concurrency, signal: interrupt.signal });
        process.stdout.write(`users deleted ${r.deleted}, unlinked ${r.unlinked}, failed ${r.failed}; groups deleted ${r.groupsDeleted}\n`);
        if (r.interrupted) throw new InterruptedError('INTERRUPTED', 'interrupted: run the same command again to continue');
        failed += r.failed;
      }
      process.exitCode = failed > 0 ? 1 : 0;
    } finally {
      interrupt.dispose();
      rt.close();
    }
  });
}
