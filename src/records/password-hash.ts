import type { PasswordHash } from '../core/types.js';
import { fail, type Failure } from './reasons.js';
import type { HashMapping } from './types.js';

/**
 * Imported password hashes, checked against Okta's hashed-password object
 * (https://developer.okta.com/docs/reference/api/users/#hashed-password-object; the
 * PasswordCredentialHash model of the Management OpenAPI):
 * - BCRYPT: `salt` 22 radix-64 characters, `value` 31 radix-64 characters, `workFactor` 1–20.
 *   A full modular-crypt string (`$2y$10$<salt><hash>`, what PHP's password_hash writes, EFS being a
 *   PHP application) in the value column is split into those three parts.
 * - MD5, SHA-1, SHA-256, SHA-512: `value` the base64 digest (16/20/32/64 bytes), optional base64
 *   `salt` with `saltOrder` PREFIX|POSTFIX. A hex digest (what databases usually store) is converted;
 *   the salt column is read as `saltEncoding` says (text, base64 or hex).
 * - PBKDF2: base64 `value` of `keySize` bytes, base64 `salt`, `iterationCount` ≥ 4096, `digestAlgorithm`.
 * An empty value column means "no hash": the user is created without one (and activated by email).
 */
const RADIX64 = /^[./A-Za-z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX = /^[0-9a-fA-F]+$/;
const MODULAR_BCRYPT = /^\$2[abxy]?\$(\d{2})\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;
const DIGEST_BYTES: Record<string, number> = { MD5: 16, 'SHA-1': 20, 'SHA-256': 32, 'SHA-512': 64 };

export type HashResult = { hash: PasswordHash | null } | { failure: Failure };

/** Reads the mapped hash columns of a row; `value`/`salt` are the cleaned cell values. */
export function readPasswordHash(mapping: HashMapping, value: string | null, salt: string | null): HashResult {
  if (value === null) return { hash: null };
  const bad = (why: string): HashResult => ({
    failure: fail('passwordHash.invalid', `the ${mapping.algorithm} password hash in "${mapping.valueColumn}" ${why}: fix the column or the passwordHash settings (the user could be created without it by unmapping passwordHash)`),
  });
  if (mapping.algorithm === 'BCRYPT') {
    const crypt = MODULAR_BCRYPT.exec(value);
    if (crypt) {
      const workFactor = Number(crypt[1]);
      if (workFactor < 1 || workFactor > 20) return bad(`has cost ${workFactor}; Okta accepts 1–20`);
      return { hash: { algorithm: 'BCRYPT', workFactor, salt: crypt[2] as string, value: crypt[3] as string } };
    }
    if (value.startsWith('$')) return bad('looks like a crypt string but is not $2a$/$2b$/$2y$ with a 2-digit cost, a 22-character salt and a 31-character hash');
    if (value.length !== 31 || !RADIX64.test(value)) return bad(`must be 31 radix-64 characters (got ${value.length})`);
    if (salt === null || salt.length !== 22 || !RADIX64.test(salt)) return bad(`needs a 22-character radix-64 salt in "${mapping.saltColumn ?? '(no saltColumn)'}"`);
    const workFactor = mapping.workFactor;
    if (workFactor === undefined || workFactor < 1 || workFactor > 20) return bad('needs passwordHash.workFactor between 1 and 20');
    return { hash: { algorithm: 'BCRYPT', workFactor, salt, value } };
  }
  const digest = asBase64(value);
  if (digest === null) return bad('is neither base64 nor hex');
  const saltB64 = salt === null ? null : saltAsBase64(salt, mapping.saltEncoding);
  if (salt !== null && saltB64 === null) {
    return bad(`has a salt in "${mapping.saltColumn}" that is not ${mapping.saltEncoding ?? 'base64 or hex'} (passwordHash.saltEncoding: text, base64 or hex)`);
  }
  const bytes = Buffer.from(digest, 'base64').length;
  if (mapping.algorithm === 'PBKDF2') {
    if (mapping.iterationCount === undefined || mapping.iterationCount < 4096) return bad('needs passwordHash.iterationCount ≥ 4096');
    if (mapping.keySize === undefined || mapping.keySize <= 0) return bad('needs passwordHash.keySize (the derived key length in bytes)');
    if (!mapping.digestAlgorithm) return bad('needs passwordHash.digestAlgorithm (SHA256_HMAC or SHA512_HMAC)');
    if (bytes !== mapping.keySize) return bad(`is ${bytes} bytes; passwordHash.keySize says ${mapping.keySize}`);
    if (saltB64 === null) return bad(`needs a salt in "${mapping.saltColumn ?? '(no saltColumn)'}"`);
    return {
      hash: {
        algorithm: 'PBKDF2', value: digest, salt: saltB64, iterationCount: mapping.iterationCount,
        keySize: mapping.keySize, digestAlgorithm: mapping.digestAlgorithm,
      },
    };
  }
  const expected = DIGEST_BYTES[mapping.algorithm];
  if (bytes !== expected) return bad(`is ${bytes} bytes; a ${mapping.algorithm} digest is ${expected}`);
  if (saltB64 === null) return { hash: { algorithm: mapping.algorithm, value: digest } };
  if (!mapping.saltOrder) return bad('has a salt but passwordHash.saltOrder (PREFIX or POSTFIX) is not set');
  return { hash: { algorithm: mapping.algorithm, value: digest, salt: saltB64, saltOrder: mapping.saltOrder } };
}

/**
 * Okta's `salt` is the base64 of the salt bytes as they were put before/after the password
 * (PasswordCredentialHash.salt in the Okta Management OpenAPI: "the Base64-encoded salt used to
 * generate the hash"). A PHP application keeps a text salt: its UTF-8 bytes are what was hashed, so
 * it is sent as base64(utf8(salt)); sent as it stands, every imported password would fail silently.
 * Without saltEncoding the salt is taken as base64, or hex when it cannot be base64.
 */
function saltAsBase64(salt: string, encoding: HashMapping['saltEncoding']): string | null {
  switch (encoding) {
    case 'text': return Buffer.from(salt, 'utf8').toString('base64');
    case 'base64': return salt.length % 4 === 0 && BASE64.test(salt) ? salt : null;
    case 'hex': return salt.length % 2 === 0 && HEX.test(salt) ? Buffer.from(salt, 'hex').toString('base64') : null;
    default: return asBase64(salt);
  }
}

/** Base64 as is; an even-length hex string converted to base64; otherwise null. */
function asBase64(s: string): string | null {
  if (s.length % 2 === 0 && HEX.test(s) && s.length >= 32) return Buffer.from(s, 'hex').toString('base64');
  if (s.length % 4 === 0 && BASE64.test(s)) return s;
  return null;
}
