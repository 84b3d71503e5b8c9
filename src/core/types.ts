/** The three kinds of record an EFS installation holds. */
export type UserKind = 'admin' | 'panelist';
export type Kind = UserKind | 'portal';

export const USER_KINDS: readonly UserKind[] = ['admin', 'panelist'];

/**
 * User record states in the journal (see ARCHITECTURE.md):
 *
 *  pending ─▶ creating ─▶ staged ─▶ activating ─▶ provisioned ─▶ active
 *     │           │   (imported password hash: staged, then activated without an email: active)
 *     │           │   provisioned: emailed (or handed a link), no password yet (Okta PROVISIONED);
 *     │           │   active once Okta says ACTIVE (`users refresh` reads it)
 *     ├─▶ skipped   (reason: federated | <excluded status> | excluded)
 *     ├─▶ invalid   (reason code, e.g. email.invalid)
 *     ├─▶ duplicate (duplicate_of: the record kept)
 *     ├─▶ linked    (login already in Okta, not ours, onExisting=link: added to our group only)
 *     ├─▶ conflict  (login already in Okta, not ours, onExisting=report: untouched)
 *     └─▶ failed    (error code, attempts) ─▶ retried on the next run
 *  removed: gone from the source (or newly excluded) after it was synced; deactivated only on request.
 *  deactivated / deleted: rollback and --deactivate-removed.
 *
 * `creating` and `activating` are written *before* the Okta call: a record found in one of them
 * after a crash is looked up in Okta before anything is sent again.
 */
export type UserState =
  | 'pending'
  | 'creating'
  | 'staged'
  | 'updating'
  | 'activating'
  | 'provisioned'
  | 'active'
  | 'skipped'
  | 'invalid'
  | 'duplicate'
  | 'linked'
  | 'conflict'
  | 'failed'
  | 'removed'
  | 'deactivating'
  | 'deactivated'
  | 'deleted';

/** pending ─▶ registering ─▶ registered; invalid (URL reason); failed (retried); removed; deleted. */
export type PortalState = 'pending' | 'registering' | 'registered' | 'invalid' | 'failed' | 'removed' | 'deleting' | 'deleted';

export type RecordState = UserState | PortalState;

/** Okta's password-hash import algorithms (credentials.password.hash). */
export type HashAlgorithm = 'BCRYPT' | 'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-512' | 'PBKDF2';

export interface PasswordHash {
  algorithm: HashAlgorithm;
  value: string;
  salt?: string;
  saltOrder?: 'PREFIX' | 'POSTFIX';
  workFactor?: number;
  iterationCount?: number;
  keySize?: number;
  digestAlgorithm?: 'SHA256_HMAC' | 'SHA512_HMAC';
}
