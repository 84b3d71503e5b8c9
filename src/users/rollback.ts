import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import { isIn, ROLLBACK_DELETES } from '../core/lifecycle/user.js';
import { toDeactivating, toDeleted, toPending, toUnlinked, type UserLifecycle } from '../core/lifecycle/user-transitions.js';
import type { UserKind } from '../core/types.js';
import type { Journal, JournalRow } from '../journal/types.js';
import type { OktaGateway } from '../okta/types.js';
import { runPool } from '../run/pool.js';
import { ProgressMeter } from '../run/progress.js';
import { lostCreateDisproof, sentGroupIds } from './ownership.js';
import { isFatal } from '../run/failure.js';
import { recordFailure } from './outcome.js';

/**
 * Removes exactly what this journal created: its users (deactivate, then delete: Okta's DELETE on a
 * non-deprovisioned user only deactivates), the memberships it added for linked users, and the
 * groups it created once they are empty. Never deletes a linked or conflict user: they are not ours.
 * Resumable: `deactivating` is written before the calls, and every call is safe to replay
 * (a user already gone counts as deleted).
 */
export interface RollbackPlan {
  deleteUsers: number;
  unlinkUsers: number;
  lookUp: number;
  deleteGroups: { kind: UserKind; name: string }[];
}

function classify(row: JournalRow): 'delete' | 'unlink' | 'lookup' | null {
  // A linked user keeps its Okta id when its record leaves the source (removed, skipped): the
  // membership we added is still ours to take back. Once unlinked, there is nothing left.
  if (!row.ours && row.oktaId && row.reason !== 'rollback.unlinked') return 'unlink';
  if (row.state === 'creating') return 'lookup';
  if (row.ours && row.oktaId && isIn(ROLLBACK_DELETES, row.state)) return 'delete';
  return null;
}

export function planRollback(journal: Journal, kinds: UserKind[] = ['admin', 'panelist']): RollbackPlan {
  const plan: RollbackPlan = { deleteUsers: 0, unlinkUsers: 0, lookUp: 0, deleteGroups: [] };
  for (const row of journal.all(kinds)) {
    const c = classify(row);
    if (c === 'delete') plan.deleteUsers++;
    else if (c === 'unlink') plan.unlinkUsers++;
    else if (c === 'lookup') plan.lookUp++;
  }
  for (const kind of kinds) {
    const g = journal.group(kind);
    if (g?.created) plan.deleteGroups.push({ kind, name: g.name });
  }
  return plan;
}

export async function rollbackUsers(
  deps: { journal: Journal; okta: OktaGateway; emitter: CoreEmitter; clock: Clock },
  options: { installation: string; concurrency: number; signal?: AbortSignal; kinds?: UserKind[] },
): Promise<{ deleted: number; unlinked: number; failed: number; groupsDeleted: number; interrupted: boolean }> {
  const { journal, okta, emitter, clock } = deps;
  const now = (): number => clock.now();
  const kinds = options.kinds ?? ['admin', 'panelist'];
  const life: UserLifecycle = { journal, emitter, now };
  const result = { deleted: 0, unlinked: 0, failed: 0, groupsDeleted: 0, interrupted: false };
  const groupIds = kinds.map((k) => journal.group(k)?.oktaId).filter((g): g is string => !!g);
  const groupIdsByKind = new Map<UserKind, string>();
  for (const k of ['admin', 'panelist'] as const) {
    const g = journal.group(k);
    if (g) groupIdsByKind.set(k, g.oktaId);
  }
  const rows = [...journal.all(kinds)].filter((r) => classify(r) !== null).map((r) => ({ kind: r.kind, key: r.key }));
  const meter = new ProgressMeter('rollback', rows.length, clock, emitter);

  const deleteUser = async (row: JournalRow, oktaId: string): Promise<void> => {
    toDeactivating(life, row);
    const user = await okta.getUser(oktaId);
    if (user && user.status !== 'DEPROVISIONED') await okta.deactivateUser(oktaId);
    if (user) await okta.deleteUser(oktaId);
    toDeleted(life, { ...row, state: 'deactivating' });
    result.deleted++;
  };

  const work = async (ref: { kind: string; key: string }): Promise<void> => {
    const row = journal.get(ref.kind as UserKind, ref.key);
    if (!row) return;
    try {
      const c = classify(row);
      if (c === 'delete') await deleteUser(row, row.oktaId as string);
      else if (c === 'unlink') {
        for (const g of groupIds) await okta.removeUserFromGroup(g, row.oktaId as string);
        toUnlinked(life, row);
        result.unlinked++;
      } else if (c === 'lookup') {
        // A removed record back in the source (maybe under a new login) still has its Okta id:
        // that user is ours. Otherwise the login finds what a crashed create may have left, which
        // is deleted only when proven ours (ownership.ts); a user that merely sits in our groups is not.
        const byId = row.ours && row.oktaId ? await okta.getUser(row.oktaId) : null;
        const user = byId ?? (await okta.getUser(row.login ?? ''));
        const proven = user && !byId ? lostCreateDisproof(row, user, await okta.listUserGroupIds(user.id), sentGroupIds(row, groupIdsByKind)) === null : false;
        if (user && (byId || proven)) await deleteUser(row, user.id);
        else toPending(life, row);
      }
    } catch (err) {
      if (isFatal(err)) throw err;
      recordFailure(life, row, err);
      result.failed++;
    } finally {
      meter.tick();
      journal.heartbeat();
    }
  };

  const pool = await runPool(rows, options.concurrency, work, options.signal);
  result.interrupted = pool.interrupted;
  meter.finish();
  if (!result.interrupted && result.failed === 0) {
    for (const kind of kinds) {
      const g = journal.group(kind);
      if (!g) continue;
      if (g.created) {
        let empty = true;
        for await (const _member of okta.listGroupMembers(g.oktaId)) {
          empty = false;
          break;
        }
        if (!empty) continue;
        await okta.deleteGroup(g.oktaId);
        result.groupsDeleted++;
      }
      journal.removeGroup(kind);
    }
  }
  return result;
}
