import type { Runtime } from '../app/runtime.js';
import { ConfigError, JournalError } from '../core/errors.js';
import type { UserKind } from '../core/types.js';
import type { FunnelData } from '../journal/activation.js';
import { refreshUsers as refreshPhase, type RefreshSummary } from '../users/refresh.js';
import { runCommand, type CommandOutcome } from './run-command.js';
import { kindsOrAll } from './user-kinds.js';

/** `users refresh`: read-only on Okta; each emailed user's status and last sign-in (who set a password). */
export interface RefreshUsersOptions {
  kinds?: UserKind[];
  /** Read at most this many users. */
  max?: number;
  signal?: AbortSignal;
}

export interface RefreshUsersSummary extends RefreshSummary {
  /** The activation funnel after the refresh. */
  funnel: FunnelData;
  /** When the funnel was taken. */
  at: number;
}

/** Runs on a runtime opened with Okta and without `lock` (the statuses read are written to the journal). */
export async function refreshUsers(rt: Runtime, options: RefreshUsersOptions = {}): Promise<CommandOutcome<RefreshUsersSummary>> {
  const okta = rt.okta;
  if (!okta) throw new ConfigError('OKTA_REQUIRED', 'users refresh needs an Okta connection (this runtime was opened without one)');
  return runCommand(rt, { command: 'users refresh', phase: 'refresh' }, async (run) => {
    const activation = rt.journal.activation;
    // A journal opened for writing is migrated: the table is there unless the file is damaged.
    if (!activation) throw new JournalError('JOURNAL_SCHEMA', `the journal ${rt.journal.path} has no activation table: is it a journal of efs-okta?`);
    run.start();
    const s = await refreshPhase({ journal: rt.journal, activation, okta, emitter: rt.emitter, clock: rt.clock }, { kinds: kindsOrAll(options.kinds), concurrency: rt.config.okta.concurrency, max: options.max, signal: options.signal });
    const { interrupted, ...counts } = s;
    const at = rt.clock.now();
    return { summary: { ...s, funnel: activation.funnel(at), at }, interrupted, attention: s.failed > 0, counts: { ...counts, interrupted: interrupted ? 1 : 0 } };
  });
}
