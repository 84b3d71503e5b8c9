import type { Runtime } from '../app/runtime.js';
import { ConfigError, UsageError } from '../core/errors.js';
import type { UserKind } from '../core/types.js';
import { portalJournal } from '../journal/portals.js';
import { portalsToRollback, rollbackPortals } from '../portals/rollback.js';
import { planRollback, rollbackUsers, type RollbackPlan } from '../users/rollback.js';
import { runCommand, type CommandOutcome } from './run-command.js';
import { kindsOrAll } from './user-kinds.js';

/** `rollback`: remove exactly what this journal created in Okta (users, portal apps, empty groups it made). */
export interface RollbackOptions {
  /** Delete the users this journal created and unlink linked ones. */
  users?: boolean;
  /** Deactivate and delete the portal apps this journal registered. */
  portals?: boolean;
  /** Only the users of these kinds. */
  kinds?: UserKind[];
  signal?: AbortSignal;
  /** The portal apps are done (before the users start): what was deleted. */
  onPortals?: (r: PortalRollbackSummary) => void;
}

export interface PortalRollbackSummary {
  deleted: number;
  failed: number;
  /** Stopped by the signal with apps left: the same command continues. */
  interrupted: boolean;
  /** The credentials file whose client secrets no longer work once apps are deleted. */
  credentialsFile: string;
}

export interface UserRollbackSummary {
  deleted: number;
  unlinked: number;
  failed: number;
  groupsDeleted: number;
  interrupted: boolean;
}

export interface RollbackSummary {
  portals: PortalRollbackSummary | null;
  users: UserRollbackSummary | null;
  /** From the start of the rollback to its end. */
  durationMs: number;
}

export interface RollbackPreview {
  users: RollbackPlan | null;
  /** The keys of the portal apps this journal registered (null: portals not asked for). */
  portals: string[] | null;
}

function parts(options: RollbackOptions): { users: boolean; portals: boolean } {
  const users = options.users ?? false;
  const portals = options.portals ?? false;
  if (!users && !portals) throw new UsageError('USAGE', 'rollback needs --users, --portals or --all');
  return { users, portals };
}

/** What a rollback would do (the default without --yes); reads the journal only. */
export function previewRollback(rt: Runtime, options: RollbackOptions): RollbackPreview {
  const p = parts(options);
  return {
    users: p.users ? planRollback(rt.journal, kindsOrAll(options.kinds)) : null,
    portals: p.portals ? portalsToRollback(portalJournal(rt.journal)).map((r) => r.key) : null,
  };
}

/** Rolls back on a runtime opened with Okta and without `lock`; portal apps first, then users and groups. */
export async function rollback(rt: Runtime, options: RollbackOptions): Promise<CommandOutcome<RollbackSummary>> {
  const p = parts(options);
  const okta = rt.okta;
  if (!okta) throw new ConfigError('OKTA_REQUIRED', 'rollback needs an Okta connection (this runtime was opened without one)');
  return runCommand(rt, { command: 'rollback', phase: 'rollback' }, async (run) => {
    const started = rt.clock.now();
    run.start();
    const counts = { deleted: 0, unlinked: 0, failed: 0, portalsDeleted: 0, groupsDeleted: 0, interrupted: 0 };
    const summary: RollbackSummary = { portals: null, users: null, durationMs: 0 };
    if (p.portals) {
      const portals = portalJournal(rt.journal);
      const r = await rollbackPortals({ portals, okta, emitter: rt.emitter, clock: rt.clock }, { signal: options.signal });
      // The portal loop stops quietly at Ctrl-C: apps still registered mean the rollback did not finish.
      const interrupted = options.signal?.aborted === true && portalsToRollback(portals).length > 0;
      summary.portals = { ...r, interrupted, credentialsFile: rt.config.portals.credentialsFile };
      options.onPortals?.(summary.portals);
      counts.portalsDeleted = r.deleted;
      counts.failed += r.failed;
      if (interrupted) counts.interrupted = 1;
    }
    if (p.users && counts.interrupted === 0) {
      const r = await rollbackUsers({ journal: rt.journal, okta, emitter: rt.emitter, clock: rt.clock }, { installation: rt.config.installation, concurrency: rt.config.okta.concurrency, signal: options.signal, kinds: kindsOrAll(options.kinds) });
      summary.users = r;
      Object.assign(counts, { deleted: r.deleted, unlinked: r.unlinked, groupsDeleted: r.groupsDeleted, interrupted: r.interrupted ? 1 : 0 });
      counts.failed += r.failed;
    }
    summary.durationMs = rt.clock.now() - started;
    return { summary, interrupted: counts.interrupted > 0, attention: counts.failed > 0, counts };
  });
}
