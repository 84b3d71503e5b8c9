import type { Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { previewPortals, syncPortals, type SyncPortalsSummary } from '../commands/sync-portals.js';
import { exitCodeFor } from '../commands/exit-codes.js';
import { planTableText, syncFooter, syncTable } from '../portals/summary.js';
import { configFlags, withConfigOptions, type ConfigOptionValues } from './options.js';
import { interruptController } from './signals.js';
import { terminalText } from '../core/terminal-text.js';
import { endWith } from './end.js';

/**
 * `efs-okta portals sync [--dry-run] [--rotate-secret KEY]`: register every portal instance as an
 * OIDC web app (commands/sync-portals.ts). Exit 0 when every portal is registered, 1 when some are
 * invalid or failed (or a database write-back failed).
 */
export function register(program: Command): void {
  const portals = program.command('portals').description('portal instances: register each one in Okta as an OpenID Connect app');
  withConfigOptions(
    portals
      .command('sync')
      .description('create or update one OIDC web app per portal, assign the installation groups, write new client secrets to the credentials file')
      .option('--dry-run', 'show what would be done; call nothing in Okta, change nothing')
      .option('--rotate-secret <portalKey>', 'issue a new client secret for this portal (the old ones are deactivated and deleted once the new one is in the credentials file)'),
  ).action(async (o: ConfigOptionValues & { dryRun?: boolean; rotateSecret?: string }) => {
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: !o.dryRun });
    const interrupt = interruptController();
    const offWarning = rt.emitter.on('warning', (w) => void process.stderr.write(`efs-okta: warning: ${terminalText(w.message)}\n`));
    try {
      if (o.dryRun) {
        const preview = await previewPortals(rt, { rotateSecret: o.rotateSecret, signal: interrupt.signal });
        process.stdout.write(`dry run: nothing was sent to Okta and the journal is unchanged\n\n${planTableText(preview.plan)}\n`);
        process.exitCode = exitCodeFor('done', preview.invalid);
        return;
      }
      const result = await syncPortals(rt, { rotateSecret: o.rotateSecret, signal: interrupt.signal });
      process.stdout.write(renderPortalSync(result.summary));
      endWith(result, 'interrupted: the portal in progress was recorded; run the same command again to continue');
    } finally {
      offWarning();
      interrupt.dispose();
      rt.close();
    }
  });
}

export function renderPortalSync(s: SyncPortalsSummary): string {
  return `${syncTable(s)}\n\n${syncFooter(s, s.credentialsFile)}\n`;
}
