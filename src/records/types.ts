import type { PasswordHash, UserKind } from '../core/types.js';
import type { OrgUserSchema } from './org-schema.js';

/** Our fields a source column can be mapped to (config `sources.<kind>.columns`). */
export interface UserColumns {
  key: string;
  email?: string;
  /** Okta login; defaults to the email column (Okta's default schema wants an email address). */
  login?: string;
  firstName?: string;
  lastName?: string;
  locale?: string;
  status?: string;
  lastLogin?: string;
}

export interface PortalColumns {
  key: string;
  name: string;
  url: string;
  /** Extra redirect URIs, separated by spaces, commas or newlines. */
  redirectUris?: string;
}

/** How imported password hashes are read (optional). */
export interface HashMapping {
  algorithm: PasswordHash['algorithm'];
  valueColumn: string;
  saltColumn?: string;
  saltOrder?: 'PREFIX' | 'POSTFIX';
  /** How the salt column is written: `text` (as PHP apps keep it), `base64` or `hex`. Default: base64 or hex, detected. */
  saltEncoding?: 'text' | 'base64' | 'hex';
  workFactor?: number;
  iterationCount?: number;
  keySize?: number;
  digestAlgorithm?: 'SHA256_HMAC' | 'SHA512_HMAC';
}

/** Everything records/ needs to turn a raw row of one kind into a classified record. */
export interface UserRules {
  kind: UserKind;
  columns: UserColumns;
  /** column → allowed values; a row whose value is not listed is `skipped:<value>`. */
  include?: Record<string, string[]>;
  /** column → excluded values; a row with a listed value is `skipped:<value>`. */
  exclude?: Record<string, string[]>;
  /** column → values that mark the row federated (`skipped:federated`). */
  federatedWhen?: Record<string, string[]>;
  /** Email domains (lower-case) that sign in through the company's IdP. */
  federatedDomains: string[];
  /** What to do with a missing first/last name: mark invalid, or fill a placeholder. */
  missingName: { policy: 'invalid' } | { policy: 'placeholder'; value: string };
  passwordHash?: HashMapping;
  /** Bare language (lower case) → Okta locale (ll_CC); see records/locale.ts. Empty: only ll-CC values pass. */
  locales?: Readonly<Record<string, string>>;
  /** The Okta org's own user schema (doctor/plan read it): records that would not fit are invalid. */
  orgSchema?: OrgUserSchema;
}

export type UserClassification =
  | { state: 'pending' }
  | { state: 'skipped'; reason: string; message: string }
  | { state: 'invalid'; reason: string; message: string };

/** A normalized, classified user record. Field values are normalized (trimmed, NFC, domain lower-cased). */
export interface UserRecord {
  kind: UserKind;
  key: string;
  /** True when the row had no key and `key` is the name made up for it (`(line N)`): it gives way to a real key. */
  keyMadeUp?: boolean;
  line: number;
  login: string | null;
  /** loginKey(login): the form under which Okta considers two logins the same. */
  loginKey: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** Okta's `locale` (ll_CC). */
  locale: string | null;
  /** Okta's `preferredLanguage` (RFC 7231 tag: the language as the source gives it). */
  preferredLanguage: string | null;
  status: string | null;
  lastLogin: string | null;
  passwordHash: PasswordHash | null;
  classification: UserClassification;
}

export interface PortalRecord {
  key: string;
  /** True when the row had no key and `key` is the name made up for it (`(line N)`). */
  keyMadeUp?: boolean;
  line: number;
  name: string | null;
  baseUrl: string | null;
  redirectUris: string[];
  classification: { state: 'pending' } | { state: 'invalid'; reason: string; message: string };
}
