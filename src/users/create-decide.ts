import { isIn, PROFILE_SYNCED } from '../core/lifecycle/user.js';
import type { JournalRow } from '../journal/types.js';

/**
 * What `users create` does with each record, as data: the first rule whose `when` holds decides,
 * and create.ts carries it out. Pure (the journal row and facts already looked up), so every branch
 * is testable without Okta.
 */
export type CreateAction = 'update' | 'resync' | 'look-up' | 'create';

type CreateFacts = Pick<JournalRow, 'state' | 'dirty' | 'oktaId' | 'ours'>;

export interface CreateRule {
  action: CreateAction;
  when: (row: CreateFacts) => boolean;
  why: string;
}

export const CREATE_RULES: readonly CreateRule[] = [
  { action: 'update', when: (r) => r.dirty && r.oktaId !== null && r.ours && isIn(PROFILE_SYNCED, r.state), why: 'our Okta user, and the source changed since the last sync: push the changed profile (a partial update)' },
  {
    action: 'resync', when: (r) => (r.state === 'failed' || r.state === 'creating') && r.oktaId !== null && r.ours,
    why: 'our Okta user is known by id (a failure after creation, or a removed record back in the source, maybe with a new login): look it up by id, never create a second one',
  },
  { action: 'look-up', when: (r) => r.state === 'creating' || r.state === 'conflict', why: 'maybe created before a crash (creating), or resolved since (conflict): look the login up before creating' },
  { action: 'create', when: () => true, why: 'no Okta user is known for it' },
];

export function decideCreate(row: CreateFacts): CreateAction {
  return (CREATE_RULES.find((r) => r.when(row)) as CreateRule).action;
}

/** What to do with the Okta user found with the record's login. */
export type ExistingAction = 'adopt' | 'recover' | 'inherit' | 'conflict-of-record' | 'link' | 'conflict';

export interface ExistingFacts {
  /** The journal records this very Okta user as the record's own. */
  recordedOurs: boolean;
  /** Why the user is not proven to be our lost create (null: proven; ownership.ts). */
  disproof: string | null;
  /** Another record of ours that owns the user, if any. */
  owner: JournalRow | null;
  /** That owner left the source and its user may be taken over (ownership.ts canInherit). */
  inheritable: boolean;
  onExisting: 'report' | 'link';
}

/** Ownership is recorded or proven, never inferred: anything else is linked or left alone. */
export function decideExisting(f: ExistingFacts): ExistingAction {
  if (f.recordedOurs) return 'adopt';
  if (f.disproof === null) return 'recover';
  if (f.owner) return f.inheritable ? 'inherit' : 'conflict-of-record';
  return f.onExisting === 'link' ? 'link' : 'conflict';
}
