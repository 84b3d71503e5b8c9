import { UsageError } from '../core/errors.js';
import type { UserKind } from '../core/types.js';
import type { RecordReader } from '../journal/contracts.js';

/**
 * The mass-change guard. An export that lost its rows (a header-only file, a truncated dump, a
 * wrong filter) looks exactly like "everyone left": with --deactivate-removed it would lock out the
 * whole installation at 3 a.m. A run that would deactivate more than `maxShare` of the
 * installation's Okta users (those this journal owns) stops before it calls Okta and asks for --yes.
 */
export const DEFAULT_MAX_DEACTIVATE_SHARE = 0.05;

export interface MassDeactivation {
  toDeactivate: number;
  installationUsers: number;
}

export function countMassDeactivation(journal: RecordReader, kinds: UserKind[]): MassDeactivation {
  let toDeactivate = 0;
  let installationUsers = 0;
  for (const r of journal.all(kinds)) {
    if (!r.ours || !r.oktaId || r.state === 'deleted') continue;
    installationUsers++;
    if (r.state === 'removed') toDeactivate++;
  }
  return { toDeactivate, installationUsers };
}

export function guardMassDeactivation(journal: RecordReader, options: { kinds: UserKind[]; maxDeactivateShare?: number; confirmed?: boolean }): void {
  if (options.confirmed) return;
  const maxShare = options.maxDeactivateShare ?? DEFAULT_MAX_DEACTIVATE_SHARE;
  const { toDeactivate, installationUsers } = countMassDeactivation(journal, options.kinds);
  if (toDeactivate === 0 || toDeactivate <= maxShare * installationUsers) return;
  const pct = (n: number): string => `${(n * 100).toFixed(n < 0.1 ? 1 : 0)} %`;
  throw new UsageError('MASS_DEACTIVATION',
    `this run would deactivate ${toDeactivate} of the installation's ${installationUsers} Okta users (${pct(toDeactivate / installationUsers)}), more than the ${pct(maxShare)} allowed without confirmation (safety.maxDeactivateShare, --max-deactivate-share): nothing was sent to Okta. Check the export first ("efs-okta plan" lists what left the source; an empty or truncated export looks like everyone left). If the removals are real, run again with --yes`,
    { context: { toDeactivate, installationUsers, maxShare } });
}
