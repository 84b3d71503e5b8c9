import { E, validationError } from './errors.js';
import type { Org } from './org.js';
import { secretString } from './random.js';
import type { CredentialKind, UserRec, UserStatus } from './store/users.js';
import { hashProblems, passwordValueProblems } from './validation/password.js';
import { profileProblems, type ProfileInput } from './validation/profile.js';

/**
 * User operations and Okta's status machine (https://developer.okta.com/docs/reference/api/users/):
 * create (STAGED with activate=false; ACTIVE with a password, hash or provider; otherwise PROVISIONED
 * and an activation email), partial/full profile update, activate/reactivate/deactivate, and the
 * two-step delete. Used by the HTTP routes and directly by in-process callers.
 */
const DUPLICATE_LOGIN = 'login: An object with this field already exists in the current organization';
const MAX_GROUP_IDS = 20;
const CORE_FIELDS = new Set(['login', 'email', 'firstName', 'lastName']);

export interface CreateUserBody {
  profile?: ProfileInput;
  credentials?: {
    password?: { value?: unknown; hash?: unknown; hook?: unknown };
    provider?: { type?: string; name?: string };
  };
  groupIds?: unknown;
}

export interface ActivationAnswer {
  activationToken: string;
  activationUrl: string;
}

function splitProfile(p: ProfileInput): { extra: Record<string, unknown> | null } {
  const extra: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(p)) {
    if (CORE_FIELDS.has(k) || k === 'mobilePhone' || k === 'secondEmail') {
      if ((k === 'mobilePhone' || k === 'secondEmail') && v !== null && v !== undefined) {
        extra[k] = v;
        any = true;
      }
      continue;
    }
    extra[k] = v;
    any = true;
  }
  return { extra: any ? extra : null };
}

function credentialOf(body: CreateUserBody, provider: boolean, login: string): { kind: CredentialKind; providerType: string; problems: string[] } {
  const pw = body.credentials?.password;
  if (provider) {
    const t = body.credentials?.provider?.type ?? 'FEDERATION';
    return { kind: 'provider', providerType: String(t), problems: [] };
  }
  if (!pw) return { kind: 'none', providerType: 'OKTA', problems: [] };
  if (pw.hash !== undefined) return { kind: 'hash', providerType: 'OKTA', problems: hashProblems(pw.hash) };
  if (pw.hook !== undefined) return { kind: 'hook', providerType: 'OKTA', problems: [] };
  if (pw.value !== undefined) return { kind: 'password', providerType: 'OKTA', problems: passwordValueProblems(pw.value, login) };
  return { kind: 'none', providerType: 'OKTA', problems: [] };
}

function checkLoginFree(org: Org, login: string, self: UserRec | null): void {
  const other = org.users.getByLogin(login);
  if (other && other !== self) throw validationError([DUPLICATE_LOGIN]);
}

function activationFor(org: Org, u: UserRec, base: string, sendEmail: boolean, template: 'activation' | 'reactivation'): ActivationAnswer | Record<string, never> {
  const activationToken = secretString(15);
  const activationUrl = org.behaviour.identityEngine ? `${base}/tokens/${activationToken}/verify` : `${base}/welcome/${activationToken}`;
  org.tokens.issue(activationToken, u.id, org.now());
  org.log(template === 'activation' ? 'user.lifecycle.activate' : 'user.lifecycle.reactivate', u.id);
  if (!sendEmail) return { activationToken, activationUrl };
  if (org.recipients.allow(u.email, org.now())) {
    org.outbox.push({ to: u.email, userId: u.id, login: u.login, template, activationUrl, sentAt: new Date(org.now()).toISOString() });
  }
  return {};
}

function setStatus(u: UserRec, status: UserStatus, now: number): void {
  u.status = status;
  u.statusChanged = now;
  u.lastUpdated = now;
  if (status === 'ACTIVE') u.activated = now;
}

/** What the org's own schema adds: custom required attributes and a login pattern (Schemas API). */
function orgSchemaProblems(org: Org, p: ProfileInput): string[] {
  const out: string[] = [];
  const s = org.behaviour.userSchema;
  for (const r of s.customRequired) if (p[r] === undefined || p[r] === null || p[r] === '') out.push(`${r}: The field cannot be left blank`);
  if (s.loginPattern && typeof p.login === 'string' && !new RegExp(`^(?:${s.loginPattern})$`, 'u').test(p.login)) {
    out.push('login: Does not match required pattern');
  }
  return out;
}

export function createUser(org: Org, body: CreateUserBody, opts: { activate: boolean; provider: boolean; base: string }): UserRec {
  const profile = body.profile;
  if (typeof profile !== 'object' || profile === null) throw validationError(['profile: The field cannot be left blank']);
  const problems = [...profileProblems(profile), ...orgSchemaProblems(org, profile)];
  const login = typeof profile.login === 'string' ? profile.login : '';
  const cred = credentialOf(body, opts.provider, login);
  problems.push(...cred.problems);
  if (problems.length > 0) throw validationError(problems);
  let groupIds: string[] = [];
  if (body.groupIds !== undefined) {
    if (!Array.isArray(body.groupIds) || body.groupIds.some((g) => typeof g !== 'string')) {
      throw validationError(['groupIds: must be an array of group ids']);
    }
    groupIds = body.groupIds as string[];
    if (groupIds.length > MAX_GROUP_IDS) throw E.tooManyTargets(groupIds.length);
    for (const gid of groupIds) {
      const g = org.groups.get(gid);
      if (!g) throw E.notFound(`${gid} (UserGroup)`);
      if (g.type !== 'OKTA_GROUP') throw validationError([`groupIds: group ${gid} is not an OKTA_GROUP`]);
    }
  }
  checkLoginFree(org, login, null);
  const now = org.now();
  const hasCredential = cred.kind !== 'none';
  const status: UserStatus = !opts.activate ? 'STAGED' : hasCredential ? 'ACTIVE' : 'PROVISIONED';
  const u = org.users.insert({
    id: org.newId('00u'),
    status,
    login,
    email: profile.email as string,
    firstName: profile.firstName as string,
    lastName: profile.lastName as string,
    extra: splitProfile(profile).extra,
    credential: cred.kind,
    providerType: cred.providerType,
    created: now,
    importedHash: cred.kind === 'hash' ? (body.credentials?.password?.hash as Record<string, unknown>) : null,
  });
  for (const gid of groupIds) {
    const g = org.groups.get(gid);
    if (g && g.members.add(u.id)) g.lastMembershipUpdated = now;
  }
  if (status === 'PROVISIONED') activationFor(org, u, opts.base, true, 'activation');
  return u;
}

/** POST /api/v1/users/{id} merges the profile; PUT replaces it (`replace`). */
export function updateUser(org: Org, u: UserRec, body: CreateUserBody, replace: boolean): UserRec {
  if (u.transitionTo !== null) throw E.transitioning();
  const current: ProfileInput = replace
    ? {}
    : { login: u.login, email: u.email, firstName: u.firstName, lastName: u.lastName, ...(u.extra ?? {}) };
  const next: ProfileInput = { ...current, ...(body.profile ?? {}) };
  if (replace && body.profile === undefined) Object.assign(next, { login: u.login, email: u.email, firstName: u.firstName, lastName: u.lastName });
  const problems = profileProblems(next);
  const pw = body.credentials?.password;
  if (pw?.hash !== undefined) {
    if (u.status !== 'STAGED') problems.push('password: A password hash can only be imported for a STAGED user');
    else problems.push(...hashProblems(pw.hash));
  } else if (pw?.value !== undefined) {
    problems.push(...passwordValueProblems(pw.value, String(next.login ?? '')));
  }
  if (problems.length > 0) throw validationError(problems);
  const login = next.login as string;
  checkLoginFree(org, login, u);
  const now = org.now();
  if (login !== u.login) org.users.changeLogin(u, login);
  u.email = next.email as string;
  u.firstName = next.firstName as string;
  u.lastName = next.lastName as string;
  u.extra = splitProfile(next).extra;
  if (pw?.hash !== undefined || pw?.value !== undefined) {
    u.credential = pw.hash !== undefined ? 'hash' : 'password';
    u.importedHash = pw.hash !== undefined ? (pw.hash as Record<string, unknown>) : null;
    u.passwordChanged = now;
  }
  u.lastUpdated = now;
  return u;
}

export function activateUser(org: Org, u: UserRec, sendEmail: boolean, base: string): ActivationAnswer | Record<string, never> {
  if (u.status === 'ACTIVE' || u.status === 'PROVISIONED' || u.transitionTo !== null) throw E.alreadyActive();
  if (u.status !== 'STAGED' && u.status !== 'DEPROVISIONED') throw E.wrongStatus();
  const target: UserStatus = u.credential !== 'none' ? 'ACTIVE' : 'PROVISIONED';
  if (org.behaviour.asyncActivationRequests > 0) {
    u.transitionTo = target;
    u.transitionLeft = org.behaviour.asyncActivationRequests;
  } else {
    setStatus(u, target, org.now());
  }
  return activationFor(org, u, base, sendEmail, 'activation');
}

/** One more request on a transitioning user: the activation completes when its count runs out. */
function advanceTransition(org: Org, u: UserRec): void {
  if (u.transitionTo === null) return;
  if (u.transitionLeft > 0) {
    u.transitionLeft--;
    return;
  }
  setStatus(u, u.transitionTo, org.now());
  u.transitionTo = null;
}

/**
 * POST /lifecycle/reactivate: "Perform this operation only on users with a PROVISIONED or RECOVERY
 * status. This operation restarts the activation workflow"; sendEmail defaults to false, and then the
 * answer carries the activation link. The status does not change (the user finishes the flow).
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/reactivateUser
 */
export function reactivateUser(org: Org, u: UserRec, sendEmail: boolean, base: string): ActivationAnswer | Record<string, never> {
  if (u.status !== 'PROVISIONED' && u.status !== 'RECOVERY') throw E.wrongStatus();
  u.lastUpdated = org.now();
  return activationFor(org, u, base, sendEmail, 'reactivation');
}

export function deactivateUser(org: Org, u: UserRec): void {
  if (u.status === 'DEPROVISIONED') throw E.wrongStatus();
  setStatus(u, 'DEPROVISIONED', org.now());
}

/** Okta's two-step delete: the first DELETE deactivates, the second (on DEPROVISIONED) removes. */
export function deleteUser(org: Org, u: UserRec): 'deactivated' | 'deleted' {
  if (u.status !== 'DEPROVISIONED') {
    setStatus(u, 'DEPROVISIONED', org.now());
    return 'deactivated';
  }
  org.users.remove(u);
  org.groups.removeUserEverywhere(u.id, org.now());
  return 'deleted';
}

/**
 * GET /api/v1/users/{idOrLogin}: by id, else by login (folded like Okta's uniqueness check). A login
 * containing `/` is never found this way, even URL-encoded: "Logins with a / character can only be
 * fetched by id due to URL issues with escaping the / character" (Users API, getUser:
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/getUser).
 */
export function findUser(org: Org, idOrLogin: string): UserRec {
  const byLogin = idOrLogin.includes('/') ? undefined : org.users.getByLogin(idOrLogin);
  const u = org.users.get(idOrLogin) ?? byLogin;
  if (!u) throw E.notFound(`${idOrLogin} (User)`);
  advanceTransition(org, u);
  return u;
}
