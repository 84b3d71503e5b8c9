import bcrypt from 'bcryptjs';
import { createHash, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

/**
 * Checks a password against an imported hash the way Okta does at the user's first sign-in
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/, PasswordCredentialHash):
 * - BCRYPT: `salt` is the 22-character radix-64 salt, `value` the 31-character hash, `workFactor` the cost.
 * - SHA-512/SHA-256/SHA-1/MD5: `value` = base64(digest(salt bytes + password) for PREFIX, or
 *   digest(password + salt bytes) for POSTFIX); `salt` is the base64 of the salt bytes.
 * - PBKDF2: `value` = base64(PBKDF2(password, salt bytes, iterationCount, keySize, HMAC digest)).
 * A salt sent as text instead of base64 decodes to other bytes, so the password no longer verifies:
 * the silent failure this endpoint exists to catch.
 */
const DIGESTS: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' };
const PBKDF2_DIGESTS: Record<string, string> = { SHA256_HMAC: 'sha256', SHA512_HMAC: 'sha512' };

function sameBase64(a: Buffer, b64: unknown): boolean {
  if (typeof b64 !== 'string') return false;
  const b = Buffer.from(b64, 'base64');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function verifyImportedPassword(hash: Record<string, unknown>, password: string): boolean {
  const algorithm = String(hash.algorithm);
  const salt = typeof hash.salt === 'string' ? Buffer.from(hash.salt, 'base64') : Buffer.alloc(0);
  const pw = Buffer.from(password, 'utf8');
  if (algorithm === 'BCRYPT') {
    const cost = String(hash.workFactor).padStart(2, '0');
    return bcrypt.compareSync(password, `$2b$${cost}$${String(hash.salt)}${String(hash.value)}`);
  }
  const digest = DIGESTS[algorithm];
  if (digest) {
    const input = hash.saltOrder === 'PREFIX' ? Buffer.concat([salt, pw]) : Buffer.concat([pw, salt]);
    return sameBase64(createHash(digest).update(input).digest(), hash.value);
  }
  if (algorithm === 'PBKDF2') {
    const hmac = PBKDF2_DIGESTS[String(hash.digestAlgorithm)];
    if (!hmac) return false;
    return sameBase64(pbkdf2Sync(pw, salt, Number(hash.iterationCount), Number(hash.keySize), hmac), hash.value);
  }
  return false;
}
