/**
 * Every reason code a record can get from the sources and records/ (the journal adds `key.duplicate`,
 * `duplicate.same_login`, `duplicate.merged`). Field codes are `<field>.<problem>` with field one of
 * key, email, login, firstName, lastName, locale. The reason table in docs/sources.md is checked against this
 * list by test/records/reasons.test.ts.
 */
export const REASONS = {
  // Damaged rows (from the source).
  'row.ragged': 'the row has more or fewer fields than the header (an unquoted delimiter or a missing field)',
  'row.bad_quotes': 'text follows a closing quote ("Anna"x): an inner quote was not doubled',
  'row.encoding': 'the row holds bytes that are not valid UTF-8, or UTF-16 text without a byte-order mark: the file is in another encoding',
  'row.invalid_json': 'a JSON Lines line is not valid JSON or not an object',
  'field.too_long': 'a field is longer than the reader keeps (64 KiB in CSV, a 1 MiB line in JSONL): a damaged export',
  'field.not_text': 'a mapped JSON value is an object or array, not text',
  // The source key.
  'key.missing': 'the key column is empty: the record cannot be tracked',
  'key.too_long': 'the key is longer than 255 characters (a portal key: too long for its Okta app label of at most 100 characters)',
  'key.control_characters': 'the key contains control characters',
  // Primary email (Okta's rules, stricter than RFC 5322).
  'email.missing': 'no email: Okta requires a primary email',
  'email.too_short': 'the email is shorter than 5 characters',
  'email.too_long': 'the email is longer than 100 characters',
  'email.invalid': 'not an email address (no @, two @, a space, a quoted local part, an IP-literal domain, a bad character…)',
  'email.non_ascii': 'the email has non-ASCII characters (accents, umlauts, an internationalized domain): Okta rejects them in the primary email',
  'email.dots': 'a leading, trailing or double dot in the local part or the domain',
  'email.tld': 'the top-level domain is not 2–20 letters',
  'email.control_characters': 'the email contains control characters or an invisible bidi mark (U+200E/U+200F/U+061C)',
  // Login (only when a login column is mapped; otherwise the login is the email).
  'login.too_short': 'the login is shorter than 5 characters',
  'login.too_long': 'the login is longer than 100 characters',
  'login.invalid': 'the login is not in the form of an email address (Okta\'s default login rule)',
  'login.control_characters': 'the login contains control characters',
  // Names.
  'firstName.missing': 'no first name (with missingName: invalid)',
  'firstName.too_long': 'the first name is longer than 50 characters',
  'firstName.control_characters': 'the first name contains control characters (a tab, a line break, …)',
  'lastName.missing': 'no last name (with missingName: invalid)',
  'lastName.too_long': 'the last name is longer than 50 characters',
  'lastName.control_characters': 'the last name contains control characters',
  // Other fields.
  'locale.invalid': 'the locale is not a language code with an optional country (de, en_US)',
  'locale.unmapped': 'the language has no country and no entry in the config\'s locales table (Okta needs language_COUNTRY)',
  'schema.mismatch': 'the record does not fit the Okta org\'s own user schema (a login pattern, a length, an enum, a required attribute)',
  'passwordHash.invalid': 'the imported password hash does not fit Okta\'s rules for its algorithm',
  // Portals.
  'name.missing': 'the portal has no name',
  'name.control_characters': 'the portal name contains control characters',
  'url.missing': 'the portal has no URL',
  'url.invalid': 'the URL cannot be parsed or its host is not a valid host name',
  'url.not_https': 'the URL is not https (http is allowed for localhost/127.0.0.1 only)',
  'url.wildcard': 'the URL contains a wildcard (*)',
  'url.fragment': 'the URL has a #fragment (redirect URIs must not)',
  'url.credentials': 'the URL contains a user name or password',
} as const;

export type ReasonCode = keyof typeof REASONS;

/** Skip reasons: `federated`, the excluded status value itself (lower-cased), or `excluded` for an empty one. */
export const SKIP_FEDERATED = 'federated';
export const SKIP_EXCLUDED = 'excluded';

export interface Failure {
  reason: ReasonCode;
  message: string;
}

export function fail(reason: ReasonCode, message: string): Failure {
  return { reason, message };
}
