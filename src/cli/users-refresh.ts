import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { refreshUsers, type RefreshUsersSummary } from '../commands/refresh-users.js';
import { renderFunnel } from '../report/funnel-text.js';
import { attachProgress } from '../report/progress.js';
import { configFlags, parseUserKinds, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { interruptController } from './signals.js';
import { endWith } from './end.js';

export function registerRefresh(users: Command): void {
  withConfigOptions(
    users
      .command('refresh')
      .description("read-only: read each emailed user's Okta status and last sign-in (who set a password), one GET /api/v1/users/{id} each, paced")
      .addOption(new Option('--kind <kind>', 'only this kind').choices(['admins', 'panelists']))
      .addOption(new Option('--max <n>', 'read at most N users').argParser(parseWhole)),
  ).action(async (o: ConfigOptionValues & { kind?: string; max?: number }) => {
    const kinds = parseUserKinds(o.kind);
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: true });
    const interrupt = interruptController();
    const detach = attachProgress(rt.emitter);
    try {
      const result = await refreshUsers(rt, { kinds, max: o.max, signal: interrupt.signal });
      process.stdout.write(renderRefreshed(result.summary));
      endWith(result, 'interrupted: run the same command again to continue');
    } finally {
      detach();
      interrupt.dispose();
      rt.close();
    }
  });
}

export function renderRefreshed(s: RefreshUsersSummary): string {
  return `\nread ${s.checked} users: PROVISIONED (no password yet) ${s.provisioned}, ACTIVE ${s.active} (${s.passwordSetNow} set a password since the last refresh), signed in ${s.signedIn}${s.missing ? `, missing in Okta ${s.missing} (run "efs-okta verify")` : ''}${s.other ? `, other status ${s.other} (run "efs-okta verify")` : ''}${s.failed ? `, not read ${s.failed} (run again)` : ''}\n\n${renderFunnel(s.funnel, s.at)}\n`;
}
