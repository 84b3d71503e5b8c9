import { createHash, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readPasswordHash } from '../../src/records/password-hash.js';
import type { HashMapping } from '../../src/records/types.js';

const SALT22 = 'abcdefghijklmnopqrstuu';
const HASH31 = '5s2v8dmGH4VEVSbq7aCTHYCD0yyZ2Ou';

function reasonOf(mapping: HashMapping, value: string | null, salt: string | null = null): string | null {
  const r = readPasswordHash(mapping, value, salt);
  return 'failure' in r ? r.failure.reason : null;
}

describe('records/password-hash', () => {
  it('empty value: no hash, no problem', () => {
    expect(readPasswordHash({ algorithm: 'BCRYPT', valueColumn: 'pw' }, null, null)).toEqual({ hash: null });
  });

  it('BCRYPT: splits a $2y$ crypt string into cost, salt and value', () => {
    expect(readPasswordHash({ algorithm: 'BCRYPT', valueColumn: 'pw' }, `$2y$12$${SALT22}${HASH31}`, null)).toEqual({
      hash: { algorithm: 'BCRYPT', workFactor: 12, salt: SALT22, value: HASH31 },
    });
  });

  it('BCRYPT: separate salt column and configured workFactor (1–20)', () => {
    const m: HashMapping = { algorithm: 'BCRYPT', valueColumn: 'pw', saltColumn: 's', workFactor: 10 };
    expect(readPasswordHash(m, HASH31, SALT22)).toEqual({ hash: { algorithm: 'BCRYPT', workFactor: 10, salt: SALT22, value: HASH31 } });
    expect(reasonOf(m, HASH31, 'short')).toBe('passwordHash.invalid');
    expect(reasonOf({ ...m, workFactor: undefined }, HASH31, SALT22)).toBe('passwordHash.invalid');
    expect(reasonOf(m, `${HASH31}x`, SALT22)).toBe('passwordHash.invalid');
    expect(reasonOf({ algorithm: 'BCRYPT', valueColumn: 'pw' }, `$2y$21$${SALT22}${HASH31}`)).toBe('passwordHash.invalid');
  });

  it('SHA-512/SHA-1/MD5: digest length checked, hex converted to base64, a salt needs saltOrder', () => {
    const digest = createHash('sha512').update('pw').digest();
    const m: HashMapping = { algorithm: 'SHA-512', valueColumn: 'pw', saltColumn: 's' };
    expect(readPasswordHash(m, digest.toString('hex'), null)).toEqual({ hash: { algorithm: 'SHA-512', value: digest.toString('base64') } });
    expect(reasonOf(m, digest.toString('base64'), 'c2FsdA==')).toBe('passwordHash.invalid');
    expect(readPasswordHash({ ...m, saltOrder: 'POSTFIX' }, digest.toString('base64'), 'c2FsdA==')).toEqual({
      hash: { algorithm: 'SHA-512', value: digest.toString('base64'), salt: 'c2FsdA==', saltOrder: 'POSTFIX' },
    });
    expect(reasonOf({ algorithm: 'SHA-1', valueColumn: 'pw' }, digest.toString('base64'))).toBe('passwordHash.invalid');
    expect(reasonOf({ algorithm: 'MD5', valueColumn: 'pw' }, createHash('md5').update('x').digest('base64'))).toBeNull();
  });

  it('PBKDF2: iterationCount ≥ 4096, keySize matching the value, digestAlgorithm and salt required', () => {
    const key = pbkdf2Sync('pw', 'salt', 4096, 32, 'sha256').toString('base64');
    const m: HashMapping = { algorithm: 'PBKDF2', valueColumn: 'pw', saltColumn: 's', iterationCount: 4096, keySize: 32, digestAlgorithm: 'SHA256_HMAC' };
    expect(readPasswordHash(m, key, 'c2FsdA==')).toEqual({
      hash: { algorithm: 'PBKDF2', value: key, salt: 'c2FsdA==', iterationCount: 4096, keySize: 32, digestAlgorithm: 'SHA256_HMAC' },
    });
    expect(reasonOf({ ...m, iterationCount: 1000 }, key, 'c2FsdA==')).toBe('passwordHash.invalid');
    expect(reasonOf({ ...m, keySize: 64 }, key, 'c2FsdA==')).toBe('passwordHash.invalid');
    expect(reasonOf({ ...m, digestAlgorithm: undefined }, key, 'c2FsdA==')).toBe('passwordHash.invalid');
    expect(reasonOf(m, key, null)).toBe('passwordHash.invalid');
  });

  it('saltEncoding: text → base64 of its UTF-8 bytes, hex → base64, base64 kept; a salt not in that encoding is refused', () => {
    const digest = createHash('sha256').update('pw').digest('base64');
    const m: HashMapping = { algorithm: 'SHA-256', valueColumn: 'pw', saltColumn: 's', saltOrder: 'PREFIX' };
    const saltOf = (r: ReturnType<typeof readPasswordHash>): string | undefined => ('hash' in r ? r.hash?.salt : undefined);
    expect(saltOf(readPasswordHash({ ...m, saltEncoding: 'text' }, digest, 'abcd'))).toBe(Buffer.from('abcd').toString('base64'));
    expect(saltOf(readPasswordHash({ ...m, saltEncoding: 'hex' }, digest, '00ff'))).toBe(Buffer.from([0, 255]).toString('base64'));
    expect(saltOf(readPasswordHash({ ...m, saltEncoding: 'base64' }, digest, 'c2FsdA=='))).toBe('c2FsdA==');
    expect(reasonOf({ ...m, saltEncoding: 'base64' }, digest, 'salt!')).toBe('passwordHash.invalid');
    expect(reasonOf({ ...m, saltEncoding: 'hex' }, digest, 'xyz')).toBe('passwordHash.invalid');
  });

  it('the message names the column and the algorithm, never the hash', () => {
    const r = readPasswordHash({ algorithm: 'MD5', valueColumn: 'u_passwd' }, 'c2VjcmV0c2VjcmV0', null);
    expect('failure' in r && r.failure.message).toMatch(/MD5 password hash in "u_passwd"/);
    expect('failure' in r && r.failure.message).not.toContain('c2VjcmV0c2VjcmV0');
  });
});
