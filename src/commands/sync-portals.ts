import { preflightSources, PORTAL_SOURCES } from '../app/preflight.js';
import type { Runtime } from '../app/runtime.js';
import { ConfigError } from '../core/errors.js';
import { portalJournal } from '../journal/portals.js';
import { CredentialsFile } from '../portals/credentials-file.js';
import { normalizePortal } from '../portals/normalize.js';
import { planPortals, type PortalPlanEntry } from '../portals/plan.js';
import { readPortalRecords } from '../portals/records.js';
import { syncPortals as syncPhase, type PortalSyncSummary, type PortalWriteBack } from '../portals/sync.js';
import type { PortalRecord } from '../records/types.js';
import { openRowSource } from '../source/open.js';
import { runCommand, type CommandOutcome } from './run-command.js';

/**
 * `portals sync`: register every portal instance as an OIDC web app (shortly before go-live, after
 * phase 1). Exit 0 when every portal is registered, 1 when some are invalid or failed (or a
 * database write-back failed).
 */
export interface SyncPortalsOptions {
  /** Issue a new client secret for this portal (the old ones go once the new one is in the credentials file). */
  rotateSecret?: string;
  signal?: AbortSignal;
  /** Where the write-back's database password is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface SyncPortalsSummary extends PortalSyncSummary {
  /** The credentials file the new client secrets went to. */
  credentialsFile: string;
}

export interface PortalsPreview {
  plan: PortalPlanEntry[];
  /** Some portals are invalid: the dry run exits 1. */
  invalid: boolean;
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

/** `portals sync --dry-run`: what a sync would do; calls nothing in Okta, changes nothing. */
export async function previewPortals(rt: Runtime, options: SyncPortalsOptions = {}): Promise<PortalsPreview> {
  await preflightSources(rt.config, PORTAL_SOURCES, { env: options.env });
  const records = await readRecords(rt, options.signal);
  const plan = planPortals(portalJournal(rt.journal), records, { installation: rt.config.installation, settings: rt.config.portals, rotateSecret: options.rotateSecret ?? null });
  return { plan, invalid: plan.some((p) => p.action === 'invalid') };
}

/** Registers the portals on a runtime opened with Okta and without `lock`. */
export async function syncPortals(rt: Runtime, options: SyncPortalsOptions = {}): Promise<CommandOutcome<SyncPortalsSummary>> {
  return runCommand(rt, { command: 'portals sync', phase: 'portals' }, async (run) => {
    await preflightSources(rt.config, PORTAL_SOURCES, { env: options.env });
    const records = await readRecords(rt, options.signal);
    const okta = rt.okta;
    if (!okta) throw new ConfigError('OKTA_REQUIRED', 'portals sync needs an Okta connection (this runtime was opened without one)');
    const settings = rt.config.portals;
    const credentials = new CredentialsFile(settings.credentialsFile);
    // Fails now, before any app is created, if an existing file cannot be read back and merged.
    credentials.read();
    run.start();
    const summary = await syncPhase(
      { portals: portalJournal(rt.journal), journal: rt.journal, okta, emitter: rt.emitter, clock: rt.clock, credentials, writeBack: writeBackFor(rt, options.env ?? process.env) },
      records,
      {
        installation: rt.config.installation,
        settings,
        assignGroups: settings.assignGroups,
        groupNames: rt.config.groups,
        rotateSecret: options.rotateSecret ?? null,
        signal: options.signal,
      },
    );
    return {
      summary: { ...summary, credentialsFile: credentials.path },
      interrupted: summary.interrupted,
      attention: summary.counts.invalid + summary.counts.failed + summary.writeBackFailed > 0,
      counts: { ...summary.counts, secretsIssued: summary.secretsIssued },
    };
  });
}
