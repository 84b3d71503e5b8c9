import type { Command } from 'commander';
import { preflightSources, PORTAL_SOURCES } from '../app/preflight.js';
import { openRuntime, type Runtime } from '../app/runtime.js';
import { ConfigError, InterruptedError } from '../core/errors.js';
import { portalJournal } from '../journal/portals.js';
import { planPortals } from '../portals/plan.js';
import { readPortalRecords } from '../portals/records.js';
import { syncPortals, type PortalWriteBack } from '../portals/sync.js';
import { CredentialsFile } from '../portals/credentials-file.js';
import { planTableText, syncFooter, syncTable } from '../portals/summary.js';
import { normalizePortal } from '../portals/normalize.js';
import type { PortalRecord } from '../records/types.js';
import { openRowSource } from '../source/open.js';
import { configFlags, withConfigOptions, type ConfigOptionValues } from './options.js';
import { interruptController } from './signals.js';
import { terminalText } from '../core/terminal-text.js';

/**
 * `efs-okta portals sync [--dry-run] [--rotate-secret KEY]`: register every portal instance as an
 * OIDC web app (run it shortly before go-live, after phase 1). Exit 0 when every portal is
 * registered, 1 when some are invalid or failed (or a database write-back failed).
 */
export interface PortalsSyncFlags {
  dryRun?: boolean;
  rotateSecret?: string;
  signal?: AbortSignal;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

async function readRecords(rt: Runtime, signal?: AbortSignal): Promise<PortalRecord[]> {
  const source = rt.config.sources.portals;
  if (!source) {
    throw new ConfigError('CONFIG_INVALID', 'sources.portals is not configured: add it to the config (file, columns key/name/url) to register portals');
  }
  return readPortalRecords(openRowSource('portals', source, rt.config), (row) => normalizePortal(row, source.columns), signal);
}

function writeBackFor(rt: Runtime, env: NodeJS.ProcessEnv): PortalWriteBack | null {
  const db = rt.config.database;
  const sql = db?.portalWriteBack;
  if (!db || !sql) return null;
  return async (credentials) => {
    // Loaded only when configured: it pulls in the MariaDB client.
    const { writePortalCredentials } = await import('../portals/writeback.js');
    await writePortalCredentials(db, sql, credentials, { env });
  };
}

/** The verb's body, on an open runtime (the CLI's action, the demo and tests call it). Returns the exit code. */
export async function portalsSync(rt: Runtime, flags: PortalsSyncFlags): Promise<number> {
  const out = flags.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = flags.stderr ?? ((t: string) => void process.stderr.write(t));
  await preflightSources(rt.config, PORTAL_SOURCES, { env: flags.env });
  const records = await readRecords(rt, flags.signal);
  const settings = rt.config.portals;
  if (flags.dryRun) {
    const plan = planPortals(portalJournal(rt.journal), records, { installation: rt.config.installation, settings, rotateSecret: flags.rotateSecret ?? null });
    out(`dry run: nothing was sent to Okta and the journal is unchanged\n\n${planTableText(plan)}\n`);
    return plan.some((p) => p.action === 'invalid') ? 1 : 0;
  }
  if (!rt.okta) throw new ConfigError('OKTA_REQUIRED', 'portals sync needs an Okta connection (this runtime was opened without one)');
  const credentials = new CredentialsFile(settings.credentialsFile);
  // Fails now, before any app is created, if an existing file cannot be read back and merged.
  credentials.read();
  const offWarning = rt.emitter.on('warning', (w) => err(`efs-okta: warning: ${terminalText(w.message)}\n`));
  const runId = rt.journal.startRun('portals', rt.clock.now());
  try {
    const summary = await syncPortals(
      { portals: portalJournal(rt.journal), journal: rt.journal, okta: rt.okta, emitter: rt.emitter, clock: rt.clock, credentials, writeBack: writeBackFor(rt, flags.env ?? process.env) },
      records,
      {
        installation: rt.config.installation,
        settings,
        assignGroups: settings.assignGroups,
        groupNames: rt.config.groups,
        rotateSecret: flags.rotateSecret ?? null,
        signal: flags.signal,
      },
    );
    rt.journal.finishRun(runId, summary.interrupted ? 'interrupted' : 'done', { ...summary.counts, secretsIssued: summary.secretsIssued }, rt.clock.now());
    out(`${syncTable(summary)}\n\n${syncFooter(summary, credentials.path)}\n`);
    if (summary.interrupted) throw new InterruptedError('INTERRUPTED', 'interrupted: the portal in progress was recorded; run the same command again to continue');
    return summary.counts.invalid + summary.counts.failed + summary.writeBackFailed > 0 ? 1 : 0;
  } catch (e) {
    if (!(e instanceof InterruptedError)) rt.journal.finishRun(runId, 'error', {}, rt.clock.now());
    throw e;
  } finally {
    offWarning();
  }
}

export function register(program: Command): void {
  const portals = program.command('portals').description('portal instances: register each one in Okta as an OpenID Connect app');
  withConfigOptions(
    portals
      .command('sync')
      .description('create or update one OIDC web app per portal, assign the installation groups, write new client secrets to the credentials file')
      .option('--dry-run', 'show what would be done; call nothing in Okta, change nothing')
      .option('--rotate-secret <portalKey>', 'issue a new client secret for this portal (the old ones are deactivated and deleted once the new one is in the credentials file)'),
  ).action(async (o: ConfigOptionValues & { dryRun?: boolean; rotateSecret?: string }) => {
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: !o.dryRun, ...(o.dryRun ? {} : { lock: 'portals sync' }) });
    const interrupt = interruptController();
    try {
      process.exitCode = await portalsSync(rt, { dryRun: o.dryRun, rotateSecret: o.rotateSecret, signal: interrupt.signal });
    } finally {
      interrupt.dispose();
      rt.close();
    }
  });
}
