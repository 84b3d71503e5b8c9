import { describeError } from '../core/errors.js';
import { failureCode, isFatal } from '../run/failure.js';
import { toFailed, type UserLifecycle } from '../core/lifecycle/user-transitions.js';
import type { JournalRow } from '../journal/types.js';
import type { OktaUserProfile } from '../okta/types.js';

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
export function recordFailure(deps: UserLifecycle, row: JournalRow, err: unknown): void {
  if (isFatal(err)) throw err;
  toFailed(deps, row, { code: failureCode(err), message: describeError(err) });
}

