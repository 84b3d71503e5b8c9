/**
 * Password credentials at user creation: a plain `value` checked against Okta's default password
 * policy, or an imported `hash` (https://developer.okta.com/docs/reference/api/users/#hashed-password-object):
 * BCRYPT (22-char radix-64 salt, workFactor 1–20), SHA-512/SHA-256/SHA-1/MD5 (base64 value of the
 * digest's length, optional base64 salt with saltOrder PREFIX|POSTFIX), PBKDF2 (iterationCount ≥ 4096,
 * keySize, digestAlgorithm). Problems are E0000001 causes.
 */
const BCRYPT_ALPHABET = /^[./A-Za-z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DIGEST_BYTES: Record<string, number> = { 'SHA-512': 64, 'SHA-256': 32, 'SHA-1': 20, MD5: 16 };
// PasswordCredentialHashDigestAlgorithm in the Okta Management OpenAPI: SHA256_HMAC and SHA512_HMAC only.
const PBKDF2_DIGESTS = ['SHA256_HMAC', 'SHA512_HMAC'];

function isBase64(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length % 4 === 0 && BASE64.test(s);
}

function decodedLength(s: string): number {
  return Buffer.from(s, 'base64').length;
}

export function hashProblems(hash: unknown): string[] {
  const f = 'password.hash';
  if (typeof hash !== 'object' || hash === null) return [`${f}: must be an object`];
  const h = hash as Record<string, unknown>;
  const algorithm = h.algorithm;
  const out: string[] = [];
  if (typeof algorithm !== 'string') return [`${f}.algorithm: The field cannot be left blank`];
  if (algorithm === 'BCRYPT') {
    if (typeof h.salt !== 'string' || h.salt.length !== 22 || !BCRYPT_ALPHABET.test(h.salt)) {
      out.push(`${f}.salt: BCRYPT salt must be 22 characters of radix-64`);
    }
    const wf = h.workFactor;
    if (typeof wf !== 'number' || !Number.isInteger(wf) || wf < 1 || wf > 20) {
      out.push(`${f}.workFactor: must be an integer between 1 and 20`);
    }
    if (typeof h.value !== 'string' || h.value.length !== 31 || !BCRYPT_ALPHABET.test(h.value)) {
      out.push(`${f}.value: BCRYPT value must be 31 characters of radix-64`);
    }
    return out;
  }
  const bytes = DIGEST_BYTES[algorithm];
  if (bytes !== undefined) {
    if (!isBase64(h.value) || decodedLength(h.value) !== bytes) {
      out.push(`${f}.value: must be the base64 encoding of a ${bytes}-byte ${algorithm} digest`);
    }
    if (h.salt !== undefined && h.salt !== null) {
      if (!isBase64(h.salt)) out.push(`${f}.salt: must be base64`);
      if (h.saltOrder !== 'PREFIX' && h.saltOrder !== 'POSTFIX') {
        out.push(`${f}.saltOrder: must be PREFIX or POSTFIX when a salt is given`);
      }
    }
    return out;
  }
  if (algorithm === 'PBKDF2') {
    const it = h.iterationCount;
    if (typeof it !== 'number' || !Number.isInteger(it) || it < 4096) {
      out.push(`${f}.iterationCount: must be an integer of at least 4096`);
    }
    const ks = h.keySize;
    if (typeof ks !== 'number' || !Number.isInteger(ks) || ks < 16 || ks > 128) {
      out.push(`${f}.keySize: must be an integer between 16 and 128`);
    }
    if (typeof h.digestAlgorithm !== 'string' || !PBKDF2_DIGESTS.includes(h.digestAlgorithm)) {
      out.push(`${f}.digestAlgorithm: must be one of ${PBKDF2_DIGESTS.join(', ')}`);
    }
    if (!isBase64(h.salt)) out.push(`${f}.salt: must be base64`);
    if (!isBase64(h.value) || (typeof ks === 'number' && decodedLength(h.value) !== ks)) {
      out.push(`${f}.value: must be the base64 encoding of keySize bytes`);
    }
    return out;
  }
  return [`${f}.algorithm: '${algorithm}' is not supported; use BCRYPT, SHA-512, SHA-256, SHA-1, MD5 or PBKDF2`];
}

/** Okta's default policy: ≥ 8 characters, a lowercase and an uppercase letter, a number, no part of the login. */
export function passwordValueProblems(value: unknown, login: string): string[] {
  if (typeof value !== 'string') return ['password: Password must be a string'];
  const local = (login.split('@')[0] ?? '').toLowerCase();
  const ok =
    value.length >= 8 &&
    /[a-z]/.test(value) &&
    /[A-Z]/.test(value) &&
    /[0-9]/.test(value) &&
    !(local.length >= 3 && value.toLowerCase().includes(local));
  return ok
    ? []
    : [
        'password: Password requirements were not met. Password requirements: at least 8 characters, ' +
          'a lowercase letter, an uppercase letter, a number, no parts of your username.',
      ];
}
