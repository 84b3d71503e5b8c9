import type { Runtime } from '../app/runtime.js';
import { parseDuration } from '../core/duration.js';
import { ConfigError, UsageError } from '../core/errors.js';
import type { UserKind } from '../core/types.js';
import { pageByLastLogin } from '../journal/activation.js';
import type { Journal } from '../journal/types.js';
import { activateUsers as activatePhase, type ActivateOptions, type ActivateSummary } from '../users/activate.js';
import { selectedRows, type ActivationOrder } from '../users/activate-order.js';
import { parseStartAt, type SendPlan } from '../users/send-guard.js';
import { runCommand, type CommandOutcome } from './run-command.js';
import { readyToSend, selectFromLists, type SendOptions } from './send-selection.js';
import { defaultOrder, kindsOrAll } from './user-kinds.js';
import { ACTIVATION_WORK } from '../core/lifecycle/user.js';

/** `users activate`: phase 2, the STAGED users this journal created are activated (Okta emails each a link). */
export interface ActivateUsersOptions extends SendOptions {
  kinds?: UserKind[];
  /** Activate at most this many users in this run. */
  max?: number;
  /** Spread activations (and emails) evenly: at most this many per hour. */
  perHour?: number;
  /** false: no email; the activation links go to a file readable only by you (default true). */
  email?: boolean;
  order?: ActivationOrder;
  signal?: AbortSignal;
  /** Right before the run record opens, after the confirmation and --start-at (the CLI starts progress and dashboard here). */
  beforeRun?: () => Promise<void> | void;
}

export interface ActivationPreview {
  kinds: UserKind[];
  order: ActivationOrder;
  /** Who this run would activate. */
  count: number;
  /** All the records waiting for an activation (of these kinds). */
  waiting: number;
  plan: SendPlan;
}

export interface ActivateUsersSummary extends ActivateSummary {
  kinds: UserKind[];
  plan: SendPlan;
  /** The file the links went to (--no-email), once one was written. */
  linksFile: string | null;
  linksCount: number;
}

/** Phase 2 activates what phase 1 created: before any users create there is nothing to activate. */
export function requireCreatedUsers(journal: Journal, kinds: UserKind[]): void {
  if (journal.countByState(kinds).length === 0) {
    throw new UsageError('NOTHING_CREATED', `the journal ${journal.path} has no ${kinds.join(' or ')} records yet: run "efs-okta users create" first (it creates the STAGED users that users activate activates)`);
  }
}

interface Prepared {
  kinds: UserKind[];
  order: ActivationOrder;
  rows: NonNullable<ActivateOptions['rows']>;
  plan: SendPlan;
}

async function prepare(rt: Runtime, options: ActivateUsersOptions): Promise<Prepared> {
  const kinds = kindsOrAll(options.kinds);
  const order = options.order ?? defaultOrder(rt.config, kinds);
  const selection = selectFromLists(rt.journal, options, kinds, ACTIVATION_WORK);
  const rows = selectedRows({ order, ...selection, pageByLastLogin: (k, after, limit) => pageByLastLogin(rt.journal.db, k, 'staged', after, limit) });
  // Counted by kind exactly as the run chooses them (nothing is written).
  const byKind: Record<string, number> = { admin: 0, panelist: 0 };
  for await (const row of rows(rt.journal, { installation: '', kinds, max: options.max, sendEmail: false, concurrency: 1 })) byKind[row.kind] = (byKind[row.kind] ?? 0) + 1;
  const count = Object.values(byKind).reduce((a, b) => a + b, 0);
  const startAt = options.startAt ? parseStartAt(options.startAt, rt.clock.now()) : rt.clock.now();
  return { kinds, order, rows, plan: { what: 'activation', count, byKind, sendEmail: options.email ?? true, perHour: options.perHour, startAt } };
}

/** `users activate --dry-run`: who a run would activate; calls nothing, writes nothing. */
export async function previewActivation(rt: Runtime, options: ActivateUsersOptions = {}): Promise<ActivationPreview> {
  const { kinds, order, plan } = await prepare(rt, options);
  const waiting = rt.journal.countActivationWork(kinds);
  return { kinds, order, count: plan.count, waiting, plan };
}

/** Runs phase 2 on a runtime opened with Okta and without `lock`. */
export async function activateUsers(rt: Runtime, options: ActivateUsersOptions = {}): Promise<CommandOutcome<ActivateUsersSummary>> {
  const okta = rt.okta;
  if (!okta) throw new ConfigError('OKTA_REQUIRED', 'users activate needs an Okta connection (this runtime was opened without one)');
  return runCommand(rt, { command: 'users activate', phase: 'activate' }, async (run) => {
    const { kinds, rows, plan } = await prepare(rt, options);
    const links = await readyToSend(plan, options, { clock: rt.clock, confirmAbove: rt.config.activation.confirmAbove, reportDir: rt.config.reportDir, linksName: 'activation-links' });
    try {
      await options.beforeRun?.();
      const runId = run.start();
      const activation = rt.journal.activation;
      const lifetimeMs = parseDuration(rt.config.activation.linkLifetime) as number;
      const summary = await activatePhase(
        { journal: rt.journal, okta, emitter: rt.emitter, clock: rt.clock },
        {
          installation: rt.config.installation, kinds, max: options.max, perHour: options.perHour, sendEmail: plan.sendEmail, rows,
          concurrency: rt.config.okta.concurrency, signal: options.signal,
          onLink: links ? (row, url) => links.write(row.kind, row.key, row.login ?? '', url) : undefined,
          onLinkSent: (row, byEmail) => activation?.linkSent(row.kind as UserKind, row.key, { at: rt.clock.now(), wave: runId, lifetimeMs, byEmail, reminder: false }),
        },
      );
      return {
        summary: { ...summary, kinds, plan, linksFile: links && links.count > 0 ? links.file : null, linksCount: links?.count ?? 0 },
        interrupted: summary.interrupted,
        attention: summary.failed > 0,
        counts: { ...summary, interrupted: summary.interrupted ? 1 : 0 },
      };
    } finally {
      links?.close();
    }
  });
}
