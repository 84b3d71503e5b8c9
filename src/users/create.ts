import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import type { Kind, UserKind, UserState } from '../core/types.js';
import type { LastLoginCursor } from '../journal/activation.js';
import type { Journal, JournalRow, StateChange } from '../journal/types.js';
import type { OktaGateway, OktaUser } from '../okta/types.js';
import { ensureGroups } from '../groups/ensure.js';
import { guardMassDeactivation } from './mass-change.js';
import { GroupCommit } from '../run/group-commit.js';
import { runPool } from '../run/pool.js';
import { ProgressMeter } from '../run/progress.js';
import { canInherit, lostCreateDisproof, otherOwner, sentGroupIds } from './ownership.js';
import { isFatal } from '../run/failure.js';
import { profileOf, recordFailure, stateForStatus } from './outcome.js';

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

const WORK_STATES: UserState[] = ['creating', 'pending', 'failed', 'conflict'];
const UPDATE_STATES: UserState[] = ['staged', 'provisioned', 'active', 'activating'];
const LIVE_STATES: UserState[] = ['creating', 'staged', 'activating', 'provisioned', 'active', 'linked'];
const PAGE = 500;

/** Pending work first (while the create budget lasts), then the profile updates of changed users. */
async function* workItems(journal: Journal, kinds: Kind[], budgetLeft: () => boolean, pendingPage?: CreateOptions['pendingPage']): AsyncGenerator<JournalRow> {
  if (pendingPage) {
    // Records a killed run left `creating` are resolved first, then what earlier runs left failed or
    // in conflict (before the pending pass: a record that fails in this run is not retried in it);
    // then the pending ones by last login.
    for await (const row of workItemsOf(journal, kinds, budgetLeft, [['creating', 'failed', 'conflict'], false])) yield row;
    // Kind by kind (admins first, as in key order), each by last login.
    for (const kind of [...new Set(kinds)].sort() as UserKind[]) {
      let after: LastLoginCursor | null = null;
      for (let page = pendingPage([kind], null, PAGE); page.length > 0 && budgetLeft(); page = pendingPage([kind], after, PAGE)) {
        yield* page;
        const last = page[page.length - 1] as JournalRow;
        after = { lastLogin: last.lastLogin ?? '', kind: last.kind, key: last.key };
      }
    }
    for await (const row of workItemsOf(journal, kinds, budgetLeft, [UPDATE_STATES, true])) yield row;
    return;
  }
  yield* workItemsOf(journal, kinds, budgetLeft, [WORK_STATES, false], [UPDATE_STATES, true]);
}

async function* workItemsOf(journal: Journal, kinds: Kind[], budgetLeft: () => boolean, ...groups: (readonly [UserState[], boolean])[]): AsyncGenerator<JournalRow> {
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

  const setState = (row: JournalRow, to: UserState, change: Omit<StateChange, 'state'>): void => {
    journal.setState(row.kind, row.key, { ...change, state: to }, now());
    emitter.emit('record:state', { kind: row.kind, key: row.key, from: row.state, to, reason: change.reason ?? null });
  };
  // The two writes of every create (creating, then staged) from all workers, committed together.
  const commits = new GroupCommit(journal);

  const adopt = async (row: JournalRow, user: OktaUser, userGroups: string[], change: Omit<StateChange, 'state'>): Promise<void> => {
    for (const g of groupsFor(row)) if (!userGroups.includes(g)) await okta.addUserToGroup(g, user.id);
    setState(row, stateForStatus(user.status), {
      oktaId: user.id, ours: true, clearPasswordHash: true, ...importedPassword(row), message: null, lastError: null, ...change,
    });
    summary.adopted++;
    emitter.emit('user:created', { kind: row.kind, key: row.key, oktaId: user.id, adopted: true });
  };

  /** The user of a record of ours that left the source: the new key takes it over, with its own profile. */
  const inherit = async (row: JournalRow, owner: JournalRow, user: OktaUser, userGroups: string[]): Promise<void> => {
    const updated = await okta.updateUserProfile(user.id, profileOf(row));
    for (const g of groupsFor(row)) if (!userGroups.includes(g)) await okta.addUserToGroup(g, user.id);
    const write = (): void => {
      setState(owner, owner.state as UserState, { oktaId: null, ours: false, ownership: null, reason: 'removed.key_changed', message: `its Okta user ${user.id} now belongs to ${row.kind}:${row.key} (same login, new source key)` });
      setState(row, stateForStatus(updated.status), {
        oktaId: user.id, ours: true, ownership: 'inherited', syncedHash: row.sourceHash, dirty: false, clearPasswordHash: true, lastError: null,
        reason: 'key.changed', message: `took over the Okta user of ${owner.kind}:${owner.key} (no longer in the source, same login); its profile now follows this record`,
      });
    };
    if (journal.batch) journal.batch(write);
    else write();
    summary.inherited++;
    emitter.emit('user:updated', { kind: row.kind, key: row.key, oktaId: user.id, fields: ['profile'] });
  };

  const settleExisting = async (row: JournalRow, user: OktaUser): Promise<void> => {
    const userGroups = await okta.listUserGroupIds(user.id);
    if (row.ours && row.oktaId === user.id) {
      await adopt(row, user, userGroups, { syncedHash: row.syncedHash, dirty: row.syncedHash !== row.sourceHash });
      return;
    }
    const disproof = lostCreateDisproof(row, user, userGroups, groupsFor(row));
    if (disproof === null) {
      // What we sent is in Okta; a source change since then is pushed as an update in this run.
      const sent = row.syncedHash ?? row.sourceHash;
      await adopt(row, user, userGroups, { ownership: 'recovered', syncedHash: sent, dirty: sent !== row.sourceHash });
      return;
    }
    const owner = otherOwner(journal, user.id, row);
    if (owner && canInherit(owner, user)) {
      await inherit(row, owner, user, userGroups);
      return;
    }
    if (owner) {
      setState(row, 'conflict', {
        oktaId: null, ours: false, ownership: null, reason: 'conflict.login_of_record', lastError: null,
        message: `login belongs to Okta user ${user.id} (${user.status}) of record ${owner.kind}:${owner.key} (${owner.state}): left untouched; once that record's own change is synced (or it leaves the source) a rerun settles this one`,
      });
      summary.conflict++;
      emitter.emit('user:conflict', { kind: row.kind, key: row.key, login: row.login ?? '' });
      return;
    }
    if (options.onExisting === 'link') {
      for (const g of groupsFor(row)) if (!userGroups.includes(g)) await okta.addUserToGroup(g, user.id);
      setState(row, 'linked', { oktaId: user.id, ours: false, ownership: null, reason: 'linked.existing', message: `login already in Okta (user ${user.id}, ${user.status}): added to the installation's groups, nothing else changed`, clearPasswordHash: true, lastError: null });
      summary.linked++;
      emitter.emit('user:linked', { kind: row.kind, key: row.key, oktaId: user.id });
      return;
    }
    setState(row, 'conflict', {
      oktaId: null, ours: false, ownership: null, reason: 'conflict.login_exists', lastError: null,
      message: `login already belongs to Okta user ${user.id} (${user.status}) that this installation did not create (${disproof}): left untouched; set onExisting: link to add it to the installation's groups, or resolve it in Okta`,
    });
    summary.conflict++;
    emitter.emit('user:conflict', { kind: row.kind, key: row.key, login: row.login ?? '' });
  };

  const create = async (row: JournalRow): Promise<void> => {
    if (createBudget <= 0) return;
    createBudget--;
    // The time (journal sets it with `creating`) and the profile we send: the proof of a lost create.
    await commits.write(() => setState(row, 'creating', { syncedHash: row.sourceHash }));
    const result = await okta.createUser({ profile: profileOf(row), passwordHash: row.passwordHash, groupIds: groupsFor(row) });
    if (result.outcome === 'created') {
      await commits.write(() => setState(row, 'staged', {
        oktaId: result.user.id, ours: true, ownership: 'created', syncedHash: row.sourceHash, clearPasswordHash: true, dirty: false,
        ...importedPassword(row), message: null, lastError: null,
      }));
      summary.created++;
      emitter.emit('user:created', { kind: row.kind, key: row.key, oktaId: result.user.id, adopted: false });
    } else if (result.outcome === 'login_taken') {
      const existing = await okta.getUser(row.login ?? '');
      if (!existing) throw new Error(`Okta says the login is taken but GET /api/v1/users/{login} finds no user`);
      await settleExisting({ ...row, state: 'creating', createMarkedAt: journal.get(row.kind, row.key)?.createMarkedAt ?? null, syncedHash: row.sourceHash }, existing);
    } else {
      setState(row, 'invalid', { reason: result.reason, message: `Okta rejected the user (${result.errorCode}): ${result.message}`, lastError: result.errorCode });
      summary.rejected++;
    }
  };

  const update = async (row: JournalRow): Promise<void> => {
    const oktaId = row.oktaId as string;
    const user = await okta.updateUserProfile(oktaId, profileOf(row));
    const userGroups = await okta.listUserGroupIds(user.id);
    for (const g of groupsFor(row)) if (!userGroups.includes(g)) await okta.addUserToGroup(g, user.id);
    setState(row, row.state as UserState, { syncedHash: row.sourceHash, dirty: false, lastError: null });
    summary.updated++;
    emitter.emit('user:updated', { kind: row.kind, key: row.key, oktaId, fields: ['profile'] });
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
    const state = stateForStatus(user.status);
    setState(row, state, { reason: null, message: null, lastError: null });
    if (row.sourceHash !== row.syncedHash) await update({ ...row, state });
  };

  const processRow = async (row: JournalRow): Promise<void> => {
    try {
      if (row.dirty && row.oktaId && row.ours && UPDATE_STATES.includes(row.state as UserState)) {
        await update(row);
      } else if ((row.state === 'failed' || row.state === 'creating') && row.oktaId && row.ours) {
        // `creating` with an id: a removed record back in the source, maybe with a new login.
        // Its Okta user is found by id, not by the (new) login, which would create a second one.
        await resync(row);
      } else if (row.state === 'creating' || row.state === 'conflict') {
        // Maybe created before a crash (creating), or maybe resolved since (conflict): look first.
        const existing = await okta.getUser(row.login ?? '');
        if (existing) await settleExisting(row, existing);
        else await create(row);
      } else {
        await create(row);
      }
    } catch (err) {
      if (isFatal(err)) throw err;
      recordFailure({ journal, emitter, now }, row, err);
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
      if (journal.findByOktaId(oktaId).some((r) => LIVE_STATES.includes(r.state as UserState))) return;
      const user = await okta.getUser(oktaId);
      if (user && user.status !== 'DEPROVISIONED') await okta.deactivateUser(oktaId);
      setState(row, 'deactivated', { reason: row.reason ?? 'removed', message: `${row.message ?? 'removed from the source'}; Okta user deactivated (--deactivate-removed)` });
      summary.deactivated++;
    } catch (err) {
      if (isFatal(err)) throw err;
      recordFailure({ journal, emitter, now }, row, err);
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
 * email. The fact is its own column (`password_imported`), which later failures and resyncs leave
 * alone; the reason only shows it in the report.
 */
function importedPassword(row: JournalRow): Pick<StateChange, 'reason' | 'passwordImported'> {
  return row.passwordHash ? { reason: 'password.imported', passwordImported: true } : { reason: row.passwordImported ? 'password.imported' : null };
}

function countWork(journal: Journal, kinds: UserKind[]): number {
  let n = 0;
  for (const c of journal.countByState(kinds)) if (WORK_STATES.includes(c.state as UserState)) n += c.count;
  return n;
}
