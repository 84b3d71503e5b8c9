import type { PasswordHash } from '../core/types.js';
import type { SourceRow } from '../core/source-row.js';
import { federatedSkip, statusSkip } from './classify.js';
import { emailProblem, loginProblem, normalizeAddress } from './email.js';
import { normalizeLastLogin } from './fields.js';
import { readLanguage } from './locale.js';
import { loginKey } from './login-key.js';
import { schemaProblems } from './org-schema.js';
import { readPasswordHash } from './password-hash.js';
import { fail, type Failure } from './reasons.js';
import { cleanText, firstControlCharacter, hasControlCharacters, show } from './text.js';
import type { UserClassification, UserRecord, UserRules } from './types.js';

export const NAME_MAX = 50;
export const KEY_MAX = 255;

/**
 * One source row → one classified user record. Pure: no I/O, no clock.
 *
 * Normalization: every value trimmed, NFC, BOM/zero-width characters removed, empty → null; the
 * email's (and a mapped login's) domain lower-cased, the local part kept; login = the login column
 * when mapped, else the email; the language → Okta's `locale` (ll_CC, through the locales table) and
 * `preferredLanguage` (the tag as given, `de-CH`); last login → `YYYY-MM-DDTHH:MM:SS`.
 *
 * Classification, first match wins:
 * 1. the row is damaged (ragged, bad JSON, a 10 MB field, …) → invalid with the row's code;
 * 2. no key → invalid `key.missing` (the record is tracked as `(line N)`);
 * 3. federated (federatedWhen or federation.domains) → skipped `federated`;
 * 4. include/exclude → skipped `<status value>` (or `excluded` for an empty value);
 * 5. Okta's rules: key, email, login, firstName, lastName, locale, password hash → invalid with the
 *    first failing reason (the message lists the others too);
 * 6. pending.
 */
export function normalizeUser(row: SourceRow, rules: UserRules): UserRecord {
  const c = rules.columns;
  const get = (column: string | undefined): string | null => (column === undefined ? null : cleanText(row.values[column]));

  const key = get(c.key);
  const emailRaw = get(c.email);
  const email = emailRaw === null ? null : normalizeAddress(emailRaw);
  const loginRaw = c.login === undefined ? email : get(c.login);
  const login = loginRaw === null ? null : c.login === undefined ? loginRaw : normalizeAddress(loginRaw);
  const names = { firstName: get(c.firstName), lastName: get(c.lastName) };
  const language = readLanguage(get(c.locale), rules.locales ?? {}, c.locale ?? '(locale not mapped)');

  const failures: Failure[] = [];
  const check = (f: Failure | null): void => {
    if (f) failures.push(f);
  };
  if (key !== null) check(keyProblem(key));
  if (email === null) check(fail('email.missing', `no email in "${c.email ?? '(email not mapped)'}": Okta requires a primary email; add the address in the source`));
  else check(emailProblem(email));
  if (c.login !== undefined) {
    if (login === null) check(fail('login.invalid', `no login in "${c.login}": Okta requires a login; fill the column or unmap it to use the email`));
    else check(loginProblem(login));
  }
  for (const field of ['firstName', 'lastName'] as const) {
    const value = names[field];
    if (value === null) {
      if (rules.missingName.policy === 'placeholder') names[field] = rules.missingName.value;
      else check(fail(`${field}.missing`, `no ${field === 'firstName' ? 'first' : 'last'} name in "${c[field] ?? `(${field} not mapped)`}": Okta requires one; add it in the source or set missingName: { placeholder: "…" }`));
    } else {
      check(nameProblem(field, value));
    }
  }
  if ('failure' in language) check(language.failure);
  if (rules.orgSchema && failures.length === 0 && !('failure' in language)) {
    const problems = schemaProblems(rules.orgSchema, { login, email, firstName: names.firstName, lastName: names.lastName, locale: language.locale, preferredLanguage: language.preferredLanguage });
    const [p] = problems;
    if (p) check(fail('schema.mismatch', `${p.field} ${p.why}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}: Okta would refuse this user; fix the source or the org's user schema (efs-okta doctor shows it)`));
  }
  let passwordHash: PasswordHash | null = null;
  if (rules.passwordHash) {
    const h = rules.passwordHash;
    // A text salt is hashed byte for byte: only an empty cell means "none", nothing is trimmed.
    const rawSalt = h.saltColumn === undefined ? null : row.values[h.saltColumn];
    const salt = h.saltEncoding === 'text' ? (typeof rawSalt === 'string' && rawSalt !== '' ? rawSalt : null) : get(h.saltColumn);
    const read = readPasswordHash(h, get(h.valueColumn), salt);
    if ('failure' in read) check(read.failure);
    else passwordHash = read.hash;
  }

  return {
    kind: rules.kind,
    key: key ?? `(line ${row.line})`,
    ...(key === null ? { keyMadeUp: true } : {}),
    line: row.line,
    login,
    loginKey: login === null ? null : loginKey(login),
    email,
    firstName: names.firstName,
    lastName: names.lastName,
    locale: 'failure' in language ? null : language.locale,
    preferredLanguage: 'failure' in language ? null : language.preferredLanguage,
    status: get(c.status),
    lastLogin: normalizeLastLogin(get(c.lastLogin)),
    passwordHash,
    classification: classify(row, rules, key, email, failures),
  };
}

function classify(row: SourceRow, rules: UserRules, key: string | null, email: string | null, failures: Failure[]): UserClassification {
  if (row.problem) return { state: 'invalid', reason: row.problem.code, message: row.problem.message };
  if (key === null) {
    return { state: 'invalid', reason: 'key.missing', message: `line ${row.line}: the key column "${rules.columns.key}" is empty: every record needs its source key; fix the export` };
  }
  const skip = federatedSkip(row, rules, email) ?? statusSkip(row, rules);
  if (skip) return { state: 'skipped', reason: skip.reason, message: skip.message };
  const [first, ...others] = failures;
  if (first) {
    const also = others.length > 0 ? ` (also: ${others.map((f) => f.reason).join(', ')})` : '';
    return { state: 'invalid', reason: first.reason, message: `${first.message}${also}` };
  }
  return { state: 'pending' };
}

function keyProblem(key: string): Failure | null {
  if (hasControlCharacters(key)) return fail('key.control_characters', `key ${show(key)} contains a control character (${firstControlCharacter(key)}): fix the export`);
  if (key.length > KEY_MAX) return fail('key.too_long', `key ${show(key)} is ${key.length} characters long (at most ${KEY_MAX}): is the key column mapped to the right column?`);
  return null;
}

/** Okta: firstName and lastName 1–50 characters (Okta counts UTF-16 units, as String.length does). */
function nameProblem(field: 'firstName' | 'lastName', value: string): Failure | null {
  const label = field === 'firstName' ? 'first name' : 'last name';
  if (hasControlCharacters(value)) {
    return fail(`${field}.control_characters`, `${label} ${show(value)} contains a control character (${firstControlCharacter(value)}, e.g. a tab or line break): fix it in the source`);
  }
  if (value.length > NAME_MAX) {
    return fail(`${field}.too_long`, `${label} ${show(value)} is ${value.length} characters long; Okta allows at most ${NAME_MAX}: shorten it in the source`);
  }
  return null;
}
