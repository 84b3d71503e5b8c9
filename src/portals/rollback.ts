import type { Clock } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import type { CoreEmitter } from '../core/events.js';
import { PORTAL_IN_FLIGHT, toDeleting, toPortalDeleted, toPortalFailed, type PortalLifecycle } from '../core/lifecycle/portal.js';
import type { PortalJournal, PortalRow } from '../journal/portals.js';
import type { OktaGateway } from '../okta/types.js';
import { locateApp } from './app.js';
import { failureCode, isFatal } from '../run/failure.js';

/**
 * Removes the portal apps this journal registered: Okta deletes only INACTIVE apps, so each is
 * deactivated first. `deleting` is written before the calls; a replay finds the app gone (404)
 * and records it deleted. A portal left in `registering` (a crash mid-create) is looked up by its
 * exact label, so an app Okta made without telling us is removed too.
 */
function ours(row: PortalRow): boolean {
  return (row.appId !== null || PORTAL_IN_FLIGHT.includes(row.state)) && row.state !== 'deleted';
}

export function portalsToRollback(portals: PortalJournal): PortalRow[] {
  return portals.all().filter(ours);
}

export async function rollbackPortals(
  deps: { portals: PortalJournal; okta: OktaGateway; emitter: CoreEmitter; clock: Clock },
  options: { signal?: AbortSignal } = {},
): Promise<{ deleted: number; failed: number }> {
  const { portals, okta, emitter, clock } = deps;
  const life: PortalLifecycle = { portals, emitter, now: () => clock.now() };
  const result = { deleted: 0, failed: 0 };
  for (const row of portalsToRollback(portals)) {
    if (options.signal?.aborted) break;
    try {
      toDeleting(life, row.key);
      const { app } = await locateApp(okta, row.appId, row.label ? [row.label] : []);
      if (app) {
        if (app.status === 'ACTIVE') await okta.deactivateApp(app.id);
        await okta.deleteApp(app.id);
      }
      toPortalDeleted(life, row.key, app ? `app ${app.id} deactivated and deleted by rollback` : 'no app found in Okta');
      result.deleted++;
    } catch (err) {
      if (isFatal(err)) throw err;
      const code = failureCode(err);
      toPortalFailed(life, row.key, { reason: `rollback.${code}`, code, message: describeError(err), attemptsIncrement: true, lastError: code });
      result.failed++;
    }
  }
  return result;
}
