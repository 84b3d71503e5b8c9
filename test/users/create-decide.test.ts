import { describe, expect, it } from 'vitest';
import { CREATE_RULES, decideCreate, decideExisting, type ExistingFacts } from '../../src/users/create-decide.js';
import { canInherit } from '../../src/users/ownership.js';
import { USER_STATES, type UserState } from '../../src/core/lifecycle/user.js';
import type { JournalRow } from '../../src/journal/types.js';
import type { OktaUser } from '../../src/okta/types.js';

const facts = (state: UserState, over: Partial<Pick<JournalRow, 'dirty' | 'oktaId' | 'ours'>> = {}): Pick<JournalRow, 'state' | 'dirty' | 'oktaId' | 'ours'> => ({ state, dirty: false, oktaId: null, ours: false, ...over });

describe('users/create-decide: what users create does with each record', () => {
  it('pushes a changed profile only to an Okta user of ours that holds the synced profile', () => {
    expect(decideCreate(facts('staged', { dirty: true, oktaId: 'u', ours: true }))).toBe('update');
    expect(decideCreate(facts('provisioned', { dirty: true, oktaId: 'u', ours: true }))).toBe('update');
    expect(decideCreate(facts('linked', { dirty: true, oktaId: 'u', ours: false }))).toBe('create');
  });

  it('looks an Okta user of ours up by id after a failure or when a removed record comes back, never creating a second', () => {
    expect(decideCreate(facts('failed', { oktaId: 'u', ours: true }))).toBe('resync');
    expect(decideCreate(facts('creating', { oktaId: 'u', ours: true }))).toBe('resync');
  });

  it('looks the login up first for a create in flight or a conflict; creates anything else', () => {
    expect(decideCreate(facts('creating'))).toBe('look-up');
    expect(decideCreate(facts('conflict'))).toBe('look-up');
    expect(decideCreate(facts('pending'))).toBe('create');
    expect(decideCreate(facts('failed'))).toBe('create');
  });

  it('decides every state with a rule that says why', () => {
    for (const s of USER_STATES) expect(['update', 'resync', 'look-up', 'create']).toContain(decideCreate(facts(s)));
    for (const r of CREATE_RULES) expect(r.why.length).toBeGreaterThan(20);
  });

  it('settles a login found in Okta by recorded or proven ownership only', () => {
    const base: ExistingFacts = { recordedOurs: false, disproof: 'it is ACTIVE', owner: null, inheritable: false, onExisting: 'report' };
    const owner = { kind: 'panelist', key: 'P0' } as JournalRow;
    expect(decideExisting({ ...base, recordedOurs: true })).toBe('adopt');
    expect(decideExisting({ ...base, disproof: null })).toBe('recover');
    expect(decideExisting({ ...base, owner, inheritable: true })).toBe('inherit');
    expect(decideExisting({ ...base, owner })).toBe('conflict-of-record');
    expect(decideExisting({ ...base, onExisting: 'link' })).toBe('link');
    expect(decideExisting(base)).toBe('conflict');
  });
});

describe('users/ownership canInherit', () => {
  const user = { id: 'u1', status: 'PROVISIONED' } as OktaUser;
  it('never hands the Okta user of a live record (emailed, PROVISIONED) to a new key', () => {
    expect(canInherit({ state: 'provisioned' } as JournalRow, user)).toBe(false);
    expect(canInherit({ state: 'active' } as JournalRow, { ...user, status: 'ACTIVE' })).toBe(false);
  });
  it('hands over the user of a record that left the source', () => {
    expect(canInherit({ state: 'removed' } as JournalRow, user)).toBe(true);
  });
});
