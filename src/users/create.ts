import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import type { Kind, UserKind } from '../core/types.js';
import { CREATE_WORK, isIn, LIVE, PROFILE_SYNCED, type UserState } from '../core/lifecycle/user.js';
import {
  disown, toAdopted, toConflict, toCreating, toDeactivated, toInherited, toInvalid, toLinked, toOktaStatus, toProfileSynced, toStaged, type UserLifecycle,
} from '../core/lifecycle/user-transitions.js';
import type { LastLoginCursor } from '../journal/activation.js';
import type { Journal, JournalRow } from '../journal/types.js';
import type { OktaGateway, OktaUser } from '../okta/types.js';
import { ensureGroups } from '../groups/ensure.js';
import { guardMassDeactivation } from './mass-change.js';
import { GroupCommit } from '../run/group-commit.js';
import { runPool } from '../run/pool.js';
import { ProgressMeter } from '../run/progress.js';
import { canInherit, lostCreateDisproof, otherOwner, sentGroupIds } from './ownership.js';
import { isFatal } from '../run/failure.js';
import { profileOf, recordFailure } from './outcome.js';
import { decideCreate, decideExisting } from './create-decide.js';

/**
 * Phase 1: create every pending user STAGED (no email), in the installation's groups.
 *
 * Resumable at any instant: `creating` is committed (with its time and the profile sent) before the
 * create call, so a record found in `creating` is looked up by login (GET /api/v1/users/{login}, its
 * own larger bucket) before it is created again. A login Okta already has is ours only when the
 * journal recorded it so or the lost create is proven (ownership.ts); the user of a record of ours
 * that left the source is taken over, with its profile updated, by a new key with the same login;
 * anything else is linked or reported by `onExisting`, never adopted.
 */
export interface CreateDeps {
  journal: Journal;
  okta: OktaGateway;
  emitter: CoreEmitter;
  clock: Clock;
}

export interface CreateOptions {
  installation: string;
  kinds: UserKind[];
  onExisting: 'report' | 'link';
  concurrency: number;
  /** Create at most this many users this run (updates and look-ups not counted). */
  limit?: number;
  groupNames?: Partial<Record<UserKind, string>>;
  /** Use groups with the installation's names that this journal did not create (their members stay foreign). */
  adoptGroups?: boolean;
  /** Deactivate the Okta users of records that left the source (or became excluded). Off by default. */
  deactivateRemoved?: boolean;
  /** The largest share of the installation's users one run may deactivate without `confirmed` (0.05). */
  maxDeactivateShare?: number;
  /** --yes: the operator confirmed a mass deactivation. */
  confirmed?: boolean;
  signal?: AbortSignal;
  /**
   * --order last-login: pending records a page at a time, most recent EFS sign-in first
   * (journal/activation.ts pageByLastLogin); without it, pending records go in key order.
   */
  pendingPage?: (kinds: UserKind[], after: LastLoginCursor | null, limit: number) => JournalRow[];
}

export interface CreateSummary {
  created: number;
  adopted: number;
  /** Users of records of ours that left the source, taken over by a new key with the same login. */
  inherited: number;
  linked: number;
  conflict: number;
  rejected: number;
  updated: number;
  failed: number;
  deactivated: number;
  interrupted: boolean;
}

const PAGE = 500;

/** Pending work first (while the create budget lasts), then the profile updates of changed users. */
async function* workItems(journal: Journal, kinds: Kind[], budgetLeft: () => boolean, pendingPage?: CreateOptions['pendingPage']): AsyncGenerator<JournalRow> {
  if (pendingPage) {
    // Records a killed run left `creating` are resolved first, then what earlier runs left failed or
    // in conflict (before the pending pass: a record that fails in this run is not retried in it);
    // then the pending ones by last login.
    for await (const row of workItemsOf(journal, kinds, budgetLeft, [CREATE_WORK.filter((s) => s !== 'pending'), false])) yield row;
    // Kind by kind (admins first, as in key order), each by last login.
    for (const kind of [...new Set(kinds)].sort() as UserKind[]) {
      let after: LastLoginCursor | null = null;
      for (let page = pendingPage([kind], null, PAGE); page.length > 0 && budgetLeft(); page = pendingPage([kind], after, PAGE)) {
        yield* page;
        const last = page[page.length - 1] as JournalRow;
        after = { lastLogin: last.lastLogin ?? '', kind: last.kind, key: last.key };
      }
    }
    for await (const row of workItemsOf(journal, kinds, budgetLeft, [PROFILE_SYNCED, true])) yield row;
    return;
  }
  yield* workItemsOf(journal, kinds, budgetLeft, [CREATE_WORK, false], [PROFILE_SYNCED, true]);
}

async function* workItemsOf(journal: Journal, kinds: Kind[], budgetLeft: () => boolean, ...groups: (readonly [readonly UserState[], boolean])[]): AsyncGenerator<JournalRow> {
  for (const [states, dirtyOnly] of groups) {
    let after: { kind: string; key: string } | null = null;
    for (;;) {
      if (!dirtyOnly && !budgetLeft()) break;
      const rows = journal.page({ kinds, states: [...states], dirtyOnly }, after, PAGE);
      if (rows.length === 0) break;
      for (const row of rows) yield row;
      const last = rows[rows.length - 1] as JournalRow;
      after = { kind: last.kind, key: last.key };
    }
  }
}

export async function createUsers(deps: CreateDeps, options: CreateOptions): Promise<CreateSummary> {
  const { journal, okta, emitter, clock } = deps;
  const now = (): number => clock.now();
  const summary: CreateSummary = { created: 0, adopted: 0, inherited: 0, linked: 0, conflict: 0, rejected: 0, updated: 0, failed: 0, deactivated: 0, interrupted: false };
  if (options.deactivateRemoved) guardMassDeactivation(journal, options);
  const allKinds: UserKind[] = ['admin', 'panelist'];
  const groupIds = await ensureGroups({ journal, okta, now }, options.installation, allKinds, options.groupNames ?? {}, { adopt: options.adoptGroups ?? false });
  const groupsFor = (row: JournalRow): string[] => sentGroupIds(row, groupIds);

  const total = countWork(journal, options.kinds);
  const meter = new ProgressMeter('create', total, clock, emitter);
  emitter.emit('run:started', { phase: 'create', installation: options.installation, total, at: now() });
  let createBudget = options.limit ?? Infinity;

  const life: UserLifecycle = { journal, emitter, now };
  // The two writes of every create (creating, then staged) from all workers, committed together.
  const commits = new GroupCommit(journal);
  const addToGroups = async (row: JournalRow, userId: string, userGroups: string[]): Promise<void> => {
    for (const g of groupsFor(row)) if (!userGroups.includes(g)) await okta.addUserToGroup(g, userId);
  };

  /** The user found with the record's login: ours (recorded or proven), inherited, linked, or left alone. */
  const settleExisting = async (row: JournalRow, user: OktaUser): Promise<void> => {
    const userGroups = await okta.listUserGroupIds(user.id);
    const recordedOurs = row.ours && row.oktaId === user.id;
    const disproof = recordedOurs ? null : lostCreateDisproof(row, user, userGroups, groupsFor(row));
    const owner = recordedOurs || disproof === null ? null : otherOwner(journal, user.id, row);
    const action = decideExisting({ recordedOurs, disproof, owner, inheritable: owner !== null && canInherit(owner, user), onExisting: options.onExisting });
    const login = row.login ?? '';
    switch (action) {
      case 'adopt':
      case 'recover': {
        // Recovered: what we sent is in Okta; a source change since then is pushed as an update in this run.
        const sent = action === 'adopt' ? row.syncedHash : row.syncedHash ?? row.sourceHash;
        await addToGroups(row, user.id, userGroups);
        toAdopted(life, row, user, { passwordImported: sendsImportedPassword(row), syncedHash: sent, dirty: sent !== row.sourceHash, ...(action === 'recover' ? { ownership: 'recovered' as const } : {}) });
        summary.adopted++;
        return;
      }
      case 'inherit': {
        // The user of a record of ours that left the source: the new key takes it over, with its own profile.
        const from = owner as JournalRow;
        const updated = await okta.updateUserProfile(user.id, profileOf(row));
        await addToGroups(row, user.id, userGroups);
        const write = (): void => {
          disown(life, { ...from, state: from.state as UserState }, user.id, row);
          toInherited(life, row, updated, from, row.sourceHash);
        };
        if (journal.batch) journal.batch(write);
        else write();
        summary.inherited++;
        emitter.emit('user:updated', { kind: row.kind, key: row.key, oktaId: user.id, fields: ['profile'] });
        return;
      }
      case 'conflict-of-record': {
        const other = owner as JournalRow;
        toConflict(life, row, {
          reason: 'conflict.login_of_record', login,
          message: `login belongs to Okta user ${user.id} (${user.status}) of record ${other.kind}:${other.key} (${other.state}): left untouched; once that record's own change is synced (or it leaves the source) a rerun settles this one`,
        });
        summary.conflict++;
        return;
      }
      case 'link':
        await addToGroups(row, user.id, userGroups);
        toLinked(life, row, user.id, `login already in Okta (user ${user.id}, ${user.status}): added to the installation's groups, nothing else changed`);
        summary.linked++;
        return;
      case 'conflict':
        toConflict(life, row, {
          reason: 'conflict.login_exists', login,
          message: `login already belongs to Okta user ${user.id} (${user.status}) that this installation did not create (${disproof}): left untouched; set onExisting: link to add it to the installation's groups, or resolve it in Okta`,
        });
        summary.conflict++;
    }
  };

  const create = async (row: JournalRow): Promise<void> => {
    if (createBudget <= 0) return;
    createBudget--;
    // The time (journal sets it with `creating`) and the profile we send: the proof of a lost create.
    await commits.write(() => toCreating(life, row, row.sourceHash));
    const result = await okta.createUser({ profile: profileOf(row), passwordHash: row.passwordHash, groupIds: groupsFor(row) });
    if (result.outcome === 'created') {
      await commits.write(() => toStaged(life, { ...row, state: 'creating' }, { oktaId: result.user.id, syncedHash: row.sourceHash, passwordImported: sendsImportedPassword(row) }));
      summary.created++;
    } else if (result.outcome === 'login_taken') {
      const existing = await okta.getUser(row.login ?? '');
      if (!existing) throw new Error(`Okta says the login is taken but GET /api/v1/users/{login} finds no user`);
      await settleExisting({ ...row, state: 'creating', createMarkedAt: journal.get(row.kind, row.key)?.createMarkedAt ?? null, syncedHash: row.sourceHash }, existing);
    } else {
      toInvalid(life, { ...row, state: 'creating' }, { reason: result.reason, message: `Okta rejected the user (${result.errorCode}): ${result.message}`, lastError: result.errorCode });
      summary.rejected++;
    }
  };

  const update = async (row: JournalRow): Promise<void> => {
    const oktaId = row.oktaId as string;
    const user = await okta.updateUserProfile(oktaId, profileOf(row));
    const userGroups = await okta.listUserGroupIds(user.id);
    await addToGroups(row, user.id, userGroups);
    toProfileSynced(life, { ...row, state: row.state as UserState }, oktaId, row.sourceHash);
    summary.updated++;
  };

  /**
   * A record whose Okta user this journal created but whose state says to (re)create it: a failure
   * after creation (a refused profile update, a failed deactivation) or a removed record back in the
   * source. Look the user up by id and update it; never create a second one. Only a user deleted in
   * Okta since (or by rollback) is created again.
   */
  const resync = async (row: JournalRow): Promise<void> => {
    const user = await okta.getUser(row.oktaId as string);
    if (!user) {
      await create({ ...row, oktaId: null, ours: false });
      return;
    }
    const state = toOktaStatus(life, row, user.status, { reason: null, message: null });
    if (row.sourceHash !== row.syncedHash) await update({ ...row, state });
  };

  const processRow = async (row: JournalRow): Promise<void> => {
    try {
      switch (decideCreate(row)) {
        case 'update': await update(row); break;
        case 'resync': await resync(row); break;
        case 'look-up': {
          const existing = await okta.getUser(row.login ?? '');
          if (existing) await settleExisting(row, existing);
          else await create(row);
          break;
        }
        case 'create': await create(row);
      }
    } catch (err) {
      if (isFatal(err)) throw err;
      recordFailure(life, row, err);
      summary.failed++;
    } finally {
      meter.tick();
      journal.heartbeat();
    }
  };

  const deactivate = async (row: JournalRow): Promise<void> => {
    try {
      const oktaId = row.oktaId as string;
      // Another live record may own the same Okta user (a panelist re-registered under a new key).
      if (journal.findByOktaId(oktaId).some((r) => isIn(LIVE, r.state))) return;
      const user = await okta.getUser(oktaId);
      if (user && user.status !== 'DEPROVISIONED') await okta.deactivateUser(oktaId);
      toDeactivated(life, row, { reason: row.reason ?? 'removed', message: `${row.message ?? 'removed from the source'}; Okta user deactivated (--deactivate-removed)` });
      summary.deactivated++;
    } catch (err) {
      if (isFatal(err)) throw err;
      recordFailure(life, row, err);
      summary.failed++;
    } finally {
      meter.tick();
    }
  };

  try {
    const result = await runPool(workItems(journal, options.kinds, () => createBudget > 0, options.pendingPage), options.concurrency, processRow, options.signal);
    summary.interrupted = result.interrupted;
    if (options.deactivateRemoved && !summary.interrupted) {
      const removed = [...journal.all(options.kinds)].filter((r) => r.state === 'removed' && r.ours && r.oktaId);
      const more = await runPool(removed, options.concurrency, deactivate, options.signal);
      summary.interrupted = more.interrupted;
    }
  } finally {
    meter.finish();
    emitter.emit('run:finished', { phase: 'create', installation: options.installation, at: now(), counts: { ...summary, interrupted: summary.interrupted ? 1 : 0 }, interrupted: summary.interrupted });
  }
  return summary;
}

/**
 * A user created with an imported hash already has a password: it must never get an activation
 * email. The fact is its own column (`password_imported`): set when the hash is sent, never
 * cleared by later failures or resyncs.
 */
function sendsImportedPassword(row: JournalRow): boolean {
  return row.passwordHash !== null || row.passwordImported;
}

function countWork(journal: Journal, kinds: UserKind[]): number {
  let n = 0;
  for (const c of journal.countByState(kinds)) if (isIn(CREATE_WORK, c.state)) n += c.count;
  return n;
}
