import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CoreEmitter, type CoreEvents } from '../../src/core/events.js';
import { STATE_CATEGORIES } from '../../src/core/lifecycle/category.js';
import * as portal from '../../src/core/lifecycle/portal.js';
import { COUNTED_ACTIVE, NEEDS_ACTION, NOT_MIGRATED, STATE_CATEGORY, statesOf, type RecordState } from '../../src/core/lifecycle/record.js';
import * as t from '../../src/core/lifecycle/user-transitions.js';
import * as user from '../../src/core/lifecycle/user.js';
import { inStates, notInStates } from '../../src/journal/state-sql.js';

/** Every named set of each lifecycle module: an exported readonly array of states. */
function namedSets<S extends string>(mod: Record<string, unknown>, all: readonly S[]): [string, readonly S[]][] {
  return Object.entries(mod)
    .filter(([name, v]) => Array.isArray(v) && name !== 'USER_STATES' && name !== 'PORTAL_STATES' && (v as unknown[]).every((s) => typeof s === 'string' && (all as readonly string[]).includes(s)))
    .map(([name, v]) => [name, v as readonly S[]]);
}

const userSets = namedSets(user, user.USER_STATES);
const portalSets = namedSets(portal, portal.PORTAL_STATES);
const recordSets: [string, readonly RecordState[]][] = [['NEEDS_ACTION', NEEDS_ACTION], ['NOT_MIGRATED', NOT_MIGRATED], ['COUNTED_ACTIVE', COUNTED_ACTIVE]];
const sorted = (a: readonly string[]): string[] => [...a].sort();

describe('core/lifecycle: the states and their partition', () => {
  it('classifies every user state exactly once, and nothing else', () => {
    expect(sorted(Object.keys(user.USER_STATE_CATEGORY))).toEqual(sorted(user.USER_STATES));
    expect(new Set(user.USER_STATES).size).toBe(user.USER_STATES.length);
    for (const s of user.USER_STATES) expect(STATE_CATEGORIES).toContain(user.USER_STATE_CATEGORY[s]);
  });

  it('classifies every portal state exactly once, and nothing else', () => {
    expect(sorted(Object.keys(portal.PORTAL_STATE_CATEGORY))).toEqual(sorted(portal.PORTAL_STATES));
    expect(new Set(portal.PORTAL_STATES).size).toBe(portal.PORTAL_STATES.length);
    for (const s of portal.PORTAL_STATES) expect(STATE_CATEGORIES).toContain(portal.PORTAL_STATE_CATEGORY[s]);
  });

  it('gives a state name both lifecycles use the same category', () => {
    for (const s of portal.PORTAL_STATES) {
      if ((user.USER_STATES as readonly string[]).includes(s)) expect(user.USER_STATE_CATEGORY[s as user.UserState], s).toBe(portal.PORTAL_STATE_CATEGORY[s]);
    }
    expect(sorted(Object.keys(STATE_CATEGORY))).toEqual(sorted([...new Set([...user.USER_STATES, ...portal.PORTAL_STATES])]));
  });

  it('finds the named sets it checks (a renamed export would silently drop out)', () => {
    expect(userSets.map(([n]) => n)).toEqual(expect.arrayContaining(['IN_OKTA', 'IN_FLIGHT', 'CREATE_WORK', 'PROFILE_SYNCED', 'LIVE', 'KEEPS_OKTA_USER', 'MAY_HOLD_OKTA_USER', 'ROLLBACK_DELETES', 'RECREATE', 'GONE', 'DEACTIVATION', 'ACTIVATION_WORK', 'LINK_SENT', 'REMINDABLE', 'COUNTED_ACTIVE', 'COUNTED_PROVISIONED', 'NOT_CREATED_YET']));
    expect(portalSets.map(([n]) => n)).toEqual(expect.arrayContaining(['PORTAL_IN_FLIGHT', 'PORTAL_LEFT_ALONE', 'PORTAL_RESUME', 'PORTAL_COUNTED_ACTIVE']));
  });

  it('keeps every named set a non-empty subset of its states, without repeats', () => {
    for (const [name, set] of [...userSets, ...portalSets, ...recordSets]) {
      expect(set.length, name).toBeGreaterThan(0);
      expect(new Set(set).size, name).toBe(set.length);
      for (const s of set) expect(Object.keys(STATE_CATEGORY), `${name}: ${s}`).toContain(s);
    }
  });

  it('lists needs-action and not-migrated in report order, as exactly their categories', () => {
    expect(sorted(NEEDS_ACTION)).toEqual(sorted(statesOf('needsAction')));
    expect(sorted(NOT_MIGRATED)).toEqual(sorted(statesOf('notMigrated')));
  });

  it('puts each in-flight state where a crash leaves work: looked up, never counted as done in Okta twice', () => {
    for (const s of user.IN_FLIGHT) expect(user.USER_STATE_CATEGORY[s]).not.toBe('needsAction');
    for (const s of portal.PORTAL_IN_FLIGHT) expect(portal.PORTAL_STATE_CATEGORY[s]).not.toBe('needsAction');
  });

  it('counts only a user with a password as active: PROVISIONED is emailed, not active', () => {
    expect(user.COUNTED_ACTIVE).toEqual(['active']);
    expect(COUNTED_ACTIVE).not.toContain('provisioned');
    expect(user.COUNTED_PROVISIONED).toEqual(['provisioned']);
    for (const s of COUNTED_ACTIVE) expect(STATE_CATEGORY[s]).toBe('inOkta');
  });

  it('never lets a new key take over the Okta user of a record that still uses it (every live state of ours keeps it)', () => {
    for (const s of user.LIVE.filter((x) => x !== 'linked')) expect(user.KEEPS_OKTA_USER, s).toContain(s);
    expect(user.KEEPS_OKTA_USER).toContain('provisioned');
  });

  it('relates the sets as the code relies on', () => {
    const sub = (a: readonly string[], b: readonly string[], why: string): void => {
      for (const s of a) expect(b, `${why}: ${s}`).toContain(s);
    };
    sub(user.PROFILE_SYNCED, user.IN_OKTA, 'a profile is pushed only to a user in Okta');
    sub(user.IN_OKTA, user.LIVE, 'in Okta is live');
    sub(user.ROLLBACK_DELETES, [...user.MAY_HOLD_OKTA_USER], 'rollback deletes only users the snapshot keeps');
    sub(user.LINK_SENT, user.IN_OKTA, 'refresh reads users in Okta');
    sub(user.REMINDABLE, user.LINK_SENT, 'a reminder follows a link');
    for (const s of user.RECREATE) expect(user.MAY_HOLD_OKTA_USER, `recreated yet holding a user: ${s}`).not.toContain(s);
    for (const s of user.GONE) expect(user.DEACTIVATION).not.toContain(s);
  });

  it('maps Okta statuses to states (PROVISIONED is not active)', () => {
    expect(user.stateForStatus('STAGED')).toBe('staged');
    expect(user.stateForStatus('PROVISIONED')).toBe('provisioned');
    expect(user.stateForStatus('ACTIVE')).toBe('active');
    expect(user.stateForStatus('RECOVERY')).toBe('active');
    expect(user.stateForStatus('DEPROVISIONED')).toBe('deactivated');
  });
});

describe('journal/state-sql: IN lists generated from the named sets', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE r (state TEXT)');
  const insert = db.prepare('INSERT INTO r VALUES (?)');
  for (const s of Object.keys(STATE_CATEGORY)) insert.run(s);

  it('selects exactly the states of each set, and NOT IN exactly the others', () => {
    for (const [name, set] of [...userSets, ...portalSets, ...recordSets]) {
      const inSql = (db.prepare(`SELECT state FROM r WHERE state ${inStates(set)}`).all() as { state: string }[]).map((r) => r.state);
      expect(sorted(inSql), name).toEqual(sorted(set));
      const outSql = (db.prepare(`SELECT state FROM r WHERE state ${notInStates(set)}`).all() as { state: string }[]).map((r) => r.state);
      expect(sorted(outSql), name).toEqual(sorted(Object.keys(STATE_CATEGORY).filter((s) => !set.includes(s as RecordState))));
    }
  });

  it('spells the list from the set', () => {
    expect(inStates(user.GONE)).toBe("IN ('removed','deleted')");
    expect(notInStates(portal.PORTAL_IN_FLIGHT)).toBe("NOT IN ('registering','deleting')");
  });

  it('refuses anything that is not a known state, and an empty list', () => {
    expect(() => inStates(["x') OR 1=1 --" as RecordState])).toThrow(/not a record state/);
    expect(() => inStates([])).toThrow(/empty state list/);
  });
});

type Emitted = { [E in keyof CoreEvents]: [E, CoreEvents[E]] }[keyof CoreEvents];

function recorder(): { life: t.UserLifecycle; writes: t.UserStateChange[]; events: Emitted[] } {
  const writes: t.UserStateChange[] = [];
  const events: Emitted[] = [];
  const emitter = new CoreEmitter();
  emitter.onAny((event, payload) => events.push([event, payload] as Emitted));
  return { life: { journal: { setState: (_k, _key, change) => writes.push(change) }, emitter, now: () => 1000 }, writes, events };
}

describe('core/lifecycle/user-transitions', () => {
  const row = { kind: 'panelist' as const, key: 'P1', state: 'pending' as const, attempts: 2, oktaId: 'u1', passwordImported: false };
  const cases: [string, (life: t.UserLifecycle) => void, user.UserState, string[]][] = [
    ['toCreating', (l) => t.toCreating(l, row, 'h'), 'creating', []],
    ['toStaged', (l) => t.toStaged(l, row, { oktaId: 'u1', syncedHash: 'h', passwordImported: false }), 'staged', ['user:created']],
    ['toAdopted', (l) => t.toAdopted(l, row, { id: 'u1', status: 'PROVISIONED' }, { passwordImported: false, syncedHash: 'h', dirty: false }), 'provisioned', ['user:created']],
    ['toInherited', (l) => t.toInherited(l, row, { id: 'u1', status: 'ACTIVE' }, { kind: 'panelist', key: 'P0' }, 'h'), 'active', []],
    ['disown', (l) => t.disown(l, row, 'u1', { kind: 'panelist', key: 'P2' }), 'pending', []],
    ['toConflict', (l) => t.toConflict(l, row, { reason: 'conflict.login_exists', message: 'm', login: 'a@b.c' }), 'conflict', ['user:conflict']],
    ['toLinked', (l) => t.toLinked(l, row, 'u1', 'm'), 'linked', ['user:linked']],
    ['toInvalid', (l) => t.toInvalid(l, row, { reason: 'email.invalid', message: 'm', lastError: 'E0000001' }), 'invalid', []],
    ['toProfileSynced', (l) => t.toProfileSynced(l, row, 'u1', 'h'), 'pending', ['user:updated']],
    ['toOktaStatus', (l) => t.toOktaStatus(l, row, 'DEPROVISIONED', { reason: null, message: null }), 'deactivated', []],
    ['toFailed', (l) => t.toFailed(l, row, { code: 'E0000009', message: 'm' }), 'failed', ['user:failed']],
    ['toActivating', (l) => t.toActivating(l, row, { activation: 'link' }), 'activating', []],
    ['toProvisioned', (l) => t.toProvisioned(l, row, 'activation.email'), 'provisioned', []],
    ['toActive', (l) => t.toActive(l, row, 'activation.password_set'), 'active', []],
    ['activated', (l) => t.activated(l, row, true), 'provisioned', ['user:activated']],
    ['toAwaitingActivation', (l) => t.toAwaitingActivation(l, row, { state: 'staged', reason: 'activation.failed', message: 'm', lastError: 'E0000038' }), 'staged', []],
    ['toDeactivating', (l) => t.toDeactivating(l, row), 'deactivating', []],
    ['toDeactivated', (l) => t.toDeactivated(l, row, { reason: 'removed', message: null }), 'deactivated', []],
    ['toDeleted', (l) => t.toDeleted(l, row), 'deleted', []],
    ['toUnlinked', (l) => t.toUnlinked(l, row), 'removed', []],
    ['toPending', (l) => t.toPending(l, row), 'pending', []],
  ];

  it.each(cases)('%s writes its state and emits record:state with from/to, then its follow-up event', (_name, run, to, followUps) => {
    const { life, writes, events } = recorder();
    run(life);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.state).toBe(to);
    const [first, ...rest] = events;
    expect(first).toEqual(['record:state', { kind: 'panelist', key: 'P1', from: 'pending', to, reason: writes[0]?.reason ?? null }]);
    expect(rest.map(([e]) => e)).toEqual(followUps);
  });

  it('covers every exported transition', () => {
    const exported = Object.entries(t).filter(([, v]) => typeof v === 'function').map(([n]) => n).filter((n) => n !== 'failed');
    expect(sorted(exported)).toEqual(sorted(cases.map(([n]) => n)));
  });

  it('records an imported password as its own fact, and activates such a user without a link', () => {
    const { life, writes, events } = recorder();
    t.toStaged(life, row, { oktaId: 'u1', syncedHash: 'h', passwordImported: true });
    expect(writes[0]).toMatchObject({ passwordImported: true, ownership: 'created', ours: true });
    t.activated(life, { ...row, passwordImported: true }, false);
    expect(writes[1]).toMatchObject({ state: 'active', reason: 'password.imported' });
    expect(events.filter(([e]) => e === 'user:activated')).toHaveLength(1);
  });

  it('records ownership as a field: created, recovered, inherited; none for linked and conflict', () => {
    const { life, writes } = recorder();
    t.toStaged(life, row, { oktaId: 'u1', syncedHash: 'h', passwordImported: false });
    t.toAdopted(life, row, { id: 'u1', status: 'STAGED' }, { passwordImported: false, syncedHash: 'h', dirty: false, ownership: 'recovered' });
    t.toInherited(life, row, { id: 'u1', status: 'STAGED' }, { kind: 'panelist', key: 'P0' }, 'h');
    t.toLinked(life, row, 'u1', 'm');
    t.toConflict(life, row, { reason: 'r', message: 'm', login: 'l' });
    expect(writes.map((w) => [w.ours, w.ownership])).toEqual([[true, 'created'], [true, 'recovered'], [true, 'inherited'], [false, null], [false, null]]);
  });
});

describe('core/lifecycle/portal transitions', () => {
  it('emit record:state only when the state changes, with from/to, and their follow-up events', () => {
    const rows = new Map<string, portal.PortalState>([['X', 'pending']]);
    const events: Emitted[] = [];
    const emitter = new CoreEmitter();
    emitter.onAny((event, payload) => events.push([event, payload] as Emitted));
    const life: portal.PortalLifecycle = {
      portals: { get: (k) => (rows.has(k) ? { state: rows.get(k) as portal.PortalState } : null), update: (k, c) => rows.set(k, c.state) },
      emitter, now: () => 0,
    };
    portal.toRegistering(life, 'X', 'Portal X');
    portal.toAppCreated(life, 'X', { appId: 'a', clientId: 'c', label: 'Portal X' });
    portal.noteSecret(life, 'X', 5);
    portal.toRegistered(life, 'X', { appId: 'a', clientId: 'c', label: 'Portal X', settingsHash: 'h', message: null, created: true });
    portal.toDeleting(life, 'X');
    portal.toPortalFailed(life, 'X', { reason: 'rollback.E0000009', code: 'E0000009', message: 'm', lastError: 'E0000009' });
    expect(events.map(([e, p]) => (e === 'record:state' ? `${p.from}->${p.to}` : e))).toEqual([
      'pending->registering', 'registering->registered', 'portal:registered', 'registered->deleting', 'deleting->failed', 'portal:failed',
    ]);
  });
});
