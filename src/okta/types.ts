import type { PasswordHash } from '../core/types.js';

/**
 * The Okta operations the phases use, with the outcomes they branch on made explicit.
 * Implemented over the official SDK (app/okta-gateway.ts) with our governor as its request executor.
 * Every method goes through the governor (rate, concurrency, retries); what still throws is final:
 * AuthError (401/403: stop the run) or OktaCallError (retries exhausted, or a 4xx we do not expect).
 */
export interface OktaUserProfile {
  login: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  /** ll_CC (ISO 639-1 _ ISO 3166-1). */
  locale?: string | null;
  /** RFC 7231 language tag. */
  preferredLanguage?: string | null;
  [key: string]: unknown;
}

export type OktaUserStatus =
  | 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'PASSWORD_EXPIRED' | 'LOCKED_OUT' | 'SUSPENDED' | 'DEPROVISIONED';

export interface OktaUser {
  id: string;
  /** The user's status, or the one it is transitioning to while an asynchronous activation completes. */
  status: OktaUserStatus;
  /** Okta's `transitioningToStatus` when set (the activation is under way). */
  transitioningToStatus?: OktaUserStatus | null;
  profile: OktaUserProfile;
  /** Okta's `created` (epoch ms), when the answer had it: the proof of a lost create compares it. */
  created?: number | null;
  /** ISO times Okta keeps on the user (null when never): activation funnel readings. */
  activated?: string | null;
  lastLogin?: string | null;
  passwordChanged?: string | null;
}

export interface OktaGroup {
  id: string;
  name: string;
  description: string | null;
  /** Okta's `created` (epoch ms), when the answer had it. */
  created?: number | null;
}

export type CreateUserResult =
  | { outcome: 'created'; user: OktaUser }
  /** E0000001 with the "already exists" cause on login: someone (maybe us, before a crash) has it. */
  | { outcome: 'login_taken' }
  /** Okta rejected the profile (E0000001 other causes, E0000003): a record problem, not a run problem. */
  | { outcome: 'rejected'; errorCode: string; reason: string; message: string };

export type ActivateResult =
  | { outcome: 'activated'; activationUrl: string | null }
  | { outcome: 'already_active' }
  | { outcome: 'wrong_status'; status: string };

export interface OidcAppInput {
  label: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  initiateLoginUri: string | null;
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt';
}

export interface OidcApp {
  id: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE' | string;
  clientId: string;
  /** Present only in the answer to a create or an update (PUT), never on GET: handed over, never stored. */
  clientSecret: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  initiateLoginUri: string | null;
}

export interface ClientSecret {
  id: string;
  status: 'ACTIVE' | 'INACTIVE';
  secret: string | null;
}

/** What one cheap call told us about a bucket (X-Rate-Limit-* headers). */
export interface BucketReading {
  bucket: string;
  limit: number;
  remaining: number;
  resetAt: number;
}

export interface OktaGateway {
  readonly orgUrl: string;
  // users
  getUser(idOrLogin: string): Promise<OktaUser | null>;
  createUser(input: { profile: OktaUserProfile; passwordHash: PasswordHash | null; groupIds: string[] }): Promise<CreateUserResult>;
  updateUserProfile(userId: string, profile: Partial<OktaUserProfile>): Promise<OktaUser>;
  activateUser(userId: string, sendEmail: boolean): Promise<ActivateResult>;
  /** POST /lifecycle/reactivate: a new activation link (or email) for a PROVISIONED or RECOVERY user. */
  reactivateUser(userId: string, sendEmail: boolean): Promise<ActivateResult>;
  /** Okta's System Log: did a reactivation of this user happen since `sinceMs`? */
  reactivatedSince(userId: string, sinceMs: number): Promise<boolean>;
  deactivateUser(userId: string): Promise<void>;
  /** Deletes a DEPROVISIONED user (Okta's second DELETE); 404 counts as done. */
  deleteUser(userId: string): Promise<void>;
  listUserGroupIds(userId: string): Promise<string[]>;
  // groups
  findGroupByName(name: string): Promise<OktaGroup | null>;
  createGroup(name: string, description: string): Promise<OktaGroup>;
  addUserToGroup(groupId: string, userId: string): Promise<void>;
  removeUserFromGroup(groupId: string, userId: string): Promise<void>;
  listGroupMembers(groupId: string): AsyncIterable<OktaUser>;
  deleteGroup(groupId: string): Promise<void>;
  // apps
  getApp(appId: string): Promise<OidcApp | null>;
  /** Apps whose label or name starts with `prefix` (Okta's q=); confirm exact labels yourself. */
  findAppsByLabelPrefix(prefix: string): Promise<OidcApp[]>;
  createOidcApp(input: OidcAppInput): Promise<OidcApp>;
  updateOidcApp(appId: string, input: OidcAppInput): Promise<OidcApp>;
  deactivateApp(appId: string): Promise<void>;
  deleteApp(appId: string): Promise<void>;
  assignGroupToApp(appId: string, groupId: string): Promise<void>;
  listAppGroupIds(appId: string): Promise<string[]>;
  listClientSecrets(appId: string): Promise<ClientSecret[]>;
  createClientSecret(appId: string): Promise<ClientSecret>;
  deactivateClientSecret(appId: string, secretId: string): Promise<void>;
  deleteClientSecret(appId: string, secretId: string): Promise<void>;
  // rate
  /**
   * One cheap call whose headers reveal the `users` bucket (the one creation spends):
   * GET /api/v1/users?limit=1&filter=id eq "efs-okta-probe" lists nobody and costs one request of it.
   * Existence checks never use this bucket (they use GET /api/v1/users/{login}).
   */
  probeUsersBucket(): Promise<BucketReading | null>;
  // org facts (read-only; doctor and plan)
  /** GET /api/v1/meta/schemas/user/default as Okta returns it. */
  getUserSchema?(): Promise<unknown>;
  /** GET /api/v1/principal-rate-limits?filter=principalType eq "…" (needs okta.principalRateLimits.read). */
  listPrincipalRateLimits?(principalType: 'SSWS_TOKEN' | 'OAUTH_CLIENT'): Promise<PrincipalRateLimit[]>;
}

/** A token's or service app's share of the org's buckets (Principal Rate Limits API). */
export interface PrincipalRateLimit {
  principalId: string;
  principalType: string;
  defaultPercentage: number | null;
  defaultConcurrencyPercentage: number | null;
}
