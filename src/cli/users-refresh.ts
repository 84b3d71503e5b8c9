import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { InterruptedError, JournalError } from '../core/errors.js';
import { refreshUsers } from '../users/refresh.js';
import { renderFunnel } from '../report/funnel-text.js';
import { attachProgress } from '../report/progress.js';
import { configFlags, parseUserKinds, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { interruptController } from './signals.js';

export function registerRefresh(users: Command): void {
  withConfigOptions(
    users
      .command('refresh')
      .description("read-only: read each emailed user's Okta status and last sign-in (who set a password), one GET /api/v1/users/{id} each, paced")
      .addOption(new Option('--kind <kind>', 'only this kind').choices(['admins', 'panelists']))
      .addOption(new Option('--max <n>', 'read at most N users').argParser(parseWhole)),
  ).action(async (o: ConfigOptionValues & { kind?: string; max?: number }) => {
    const kinds = parseUserKinds(o.kind);
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: true, lock: 'users refresh' });
    const interrupt = interruptController();
    const detach = attachProgress(rt.emitter);
    try {
      const activation = rt.journal.activation;
      // A journal opened for writing is migrated: the table is there unless the file is damaged.
      if (!activation) throw new JournalError('JOURNAL_SCHEMA', `the journal ${rt.journal.path} has no activation table: is it a journal of efs-okta?`);
      const runId = rt.journal.startRun('refresh', rt.clock.now());
      const s = await refreshUsers({ journal: rt.journal, activation, okta: rt.okta!, emitter: rt.emitter, clock: rt.clock }, { kinds, concurrency: rt.config.okta.concurrency, max: o.max, signal: interrupt.signal });
      const { interrupted, ...counts } = s;
      rt.journal.finishRun(runId, interrupted ? 'interrupted' : 'done', { ...counts, interrupted: interrupted ? 1 : 0 }, rt.clock.now());
      process.stdout.write(`\nread ${s.checked} users: PROVISIONED (no password yet) ${s.provisioned}, ACTIVE ${s.active} (${s.passwordSetNow} set a password since the last refresh), signed in ${s.signedIn}${s.missing ? `, missing in Okta ${s.missing} (run "efs-okta verify")` : ''}${s.other ? `, other status ${s.other} (run "efs-okta verify")` : ''}${s.failed ? `, not read ${s.failed} (run again)` : ''}\n\n`);
      process.stdout.write(`${renderFunnel(activation.funnel(rt.clock.now()), rt.clock.now())}\n`);
      if (interrupted) throw new InterruptedError('INTERRUPTED', 'interrupted: run the same command again to continue');
      process.exitCode = s.failed > 0 ? 1 : 0;
    } finally {
      detach();
      interrupt.dispose();
      rt.close();
    }
  });
}
