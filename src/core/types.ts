/** The three kinds of record an EFS installation holds. */
export type UserKind = 'admin' | 'panelist';
export type Kind = UserKind | 'portal';

export const USER_KINDS: readonly UserKind[] = ['admin', 'panelist'];

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
