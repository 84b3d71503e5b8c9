import { describeError } from '../core/errors.js';
import { failureCode, isFatal } from '../run/failure.js';
import type { CoreEmitter } from '../core/events.js';
import type { UserState } from '../core/types.js';
import type { RecordStore } from '../journal/contracts.js';
import type { JournalRow } from '../journal/types.js';
import type { OktaUserProfile } from '../okta/types.js';

/**
 * Okta's user status as a journal state, for users found already in Okta. PROVISIONED is a user
 * who was sent a link and has not set a password yet: not active.
 */
export function stateForStatus(status: string): UserState {
  return status === 'STAGED' ? 'staged' : status === 'DEPROVISIONED' ? 'deactivated' : status === 'PROVISIONED' ? 'provisioned' : 'active';
}

/** The Okta profile we write for a journal row (Okta's default schema fields only). */
export function profileOf(row: JournalRow): OktaUserProfile {
  const profile: OktaUserProfile = {
    login: row.login ?? '',
    email: row.email ?? '',
    firstName: row.firstName,
    lastName: row.lastName,
  };
  if (row.locale) profile.locale = row.locale;
  if (row.preferredLanguage) profile.preferredLanguage = row.preferredLanguage;
  return profile;
}

/** Marks a record failed after the governor's retries ran out; it is retried on the next run. */
export function recordFailure(deps: { journal: RecordStore; emitter: CoreEmitter; now: () => number }, row: JournalRow, err: unknown): void {
  if (isFatal(err)) throw err;
  const code = failureCode(err);
  const message = describeError(err);
  deps.journal.setState(row.kind, row.key, { state: 'failed', reason: `okta.${code}`, message, lastError: code, attemptsIncrement: true }, deps.now());
  deps.emitter.emit('record:state', { kind: row.kind, key: row.key, from: row.state, to: 'failed', reason: code });
  deps.emitter.emit('user:failed', { kind: row.kind, key: row.key, code, message, attempts: row.attempts + 1 });
}

