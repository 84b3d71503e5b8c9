import { loginKey } from '../../src/records/login-key.js';
import type { UserRecord } from '../../src/records/types.js';
import type { UserKind } from '../../src/core/types.js';

let line = 1;

/** A valid, pending user record for journal tests (records/ is tested on its own). */
export function userRecord(kind: UserKind, key: string, email: string, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    kind,
    key,
    line: line++,
    login: email,
    loginKey: loginKey(email),
    email,
    firstName: 'Ada',
    lastName: 'Lovelace',
    locale: null,
    preferredLanguage: null,
    status: 'active',
    lastLogin: null,
    passwordHash: null,
    classification: { state: 'pending' },
    ...extra,
  };
}
