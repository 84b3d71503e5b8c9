import type { Client } from '@okta/okta-sdk-nodejs';
import { OktaCallError } from '../core/errors.js';
import type { PasswordHash } from '../core/types.js';
import { apiFailure, hasCode, isAlreadyExists, isNotFound, unexpected } from '../okta/okta-errors.js';
import type { ActivateResult, CreateUserResult, OktaUser, OktaUserProfile } from '../okta/types.js';
import { toOktaUser } from '../okta/user-shape.js';

/**
 * Users: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/
 * Outcomes the phases branch on are returned as values; what is left throws (AuthError stops the
 * run, OktaCallError fails the record).
 */

/** Okta allows at most 20 groupIds on create (E0000093 beyond). */
export const MAX_GROUP_IDS = 20;

type Loose = Record<string, unknown>;

function profileBody(profile: Partial<OktaUserProfile>): Loose {
  const out: Loose = {};
  for (const [k, v] of Object.entries(profile)) if (v !== undefined) out[k] = v;
  return out;
}

function hashBody(hash: PasswordHash): Loose {
  const out: Loose = {};
  for (const [k, v] of Object.entries(hash)) if (v !== undefined) out[k] = v;
  return out;
}

export function userOps(client: Client) {
  const api = client.userApi;

  async function getUser(idOrLogin: string): Promise<OktaUser | null> {
    // "Logins with a / character can only be fetched by id" (Users API getUser,
    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/getUser):
    // GET /users/{login} answers 404 for them, so they are looked up with a filter (users bucket).
    if (idOrLogin.includes('/')) return findByLoginFilter(idOrLogin);
    try {
      return toOktaUser(await api.getUser({ userId: idOrLogin }));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw unexpected(err, 'looking up a user');
    }
  }

  async function findByLoginFilter(login: string): Promise<OktaUser | null> {
    try {
      const filter = `profile.login eq "${login.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      for await (const u of await api.listUsers({ filter, limit: 2 })) if (u) return toOktaUser(u);
      return null;
    } catch (err) {
      throw unexpected(err, 'looking up a user by login filter');
    }
  }

  async function createUser(input: { profile: OktaUserProfile; passwordHash: PasswordHash | null; groupIds: string[] }): Promise<CreateUserResult> {
    if (input.groupIds.length > MAX_GROUP_IDS) {
      throw new OktaCallError('OKTA_TOO_MANY_GROUPS', `a user can be created in at most ${MAX_GROUP_IDS} groups at once (got ${input.groupIds.length})`, { status: null, errorCode: 'E0000093' });
    }
    const body: Loose = { profile: profileBody(input.profile) };
    if (input.passwordHash) body.credentials = { password: { hash: hashBody(input.passwordHash) } };
    if (input.groupIds.length > 0) body.groupIds = input.groupIds;
    try {
      // activate=false: STAGED, no activation email (Okta's default is true).
      const user = await api.createUser({ body: body as unknown as Parameters<typeof api.createUser>[0]['body'], activate: false });
      return { outcome: 'created', user: toOktaUser(user) };
    } catch (err) {
      const f = apiFailure(err);
      if (f && isAlreadyExists(f)) return { outcome: 'login_taken' };
      if (f && f.status === 400 && (f.errorCode === 'E0000001' || f.errorCode === 'E0000003' || f.errorCode === 'E0000093')) {
        return { outcome: 'rejected', errorCode: f.errorCode, reason: 'okta.rejected', message: f.causes.length > 0 ? f.causes.join('; ') : f.summary };
      }
      throw unexpected(err, 'creating a user');
    }
  }

  async function updateUserProfile(userId: string, profile: Partial<OktaUserProfile>): Promise<OktaUser> {
    try {
      // POST /api/v1/users/{id} is a partial update (PUT would replace the whole profile).
      const user = await api.updateUser({ userId, user: { profile: profileBody(profile) } as Parameters<typeof api.updateUser>[0]['user'] });
      return toOktaUser(user);
    } catch (err) {
      throw unexpected(err, 'updating a user profile');
    }
  }

  async function activateUser(userId: string, sendEmail: boolean): Promise<ActivateResult> {
    try {
      const token = (await api.activateUser({ userId, sendEmail })) as unknown as Loose | undefined;
      const url = token?.activationUrl;
      return { outcome: 'activated', activationUrl: typeof url === 'string' ? url : null };
    } catch (err) {
      if (hasCode(err, 'E0000016')) return { outcome: 'already_active' };
      if (hasCode(err, 'E0000038')) {
        const user = await getUser(userId);
        return { outcome: 'wrong_status', status: user?.status ?? 'DELETED' };
      }
      throw unexpected(err, 'activating a user');
    }
  }

  /**
   * Issues a new activation link (or email) to a PROVISIONED or RECOVERY user, e.g. one whose
   * first link was lost with Okta's answer. Okta's default is sendEmail=false:
   * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/reactivateUser
   */
  async function reactivateUser(userId: string, sendEmail: boolean): Promise<ActivateResult> {
    try {
      const token = (await api.reactivateUser({ userId, sendEmail })) as unknown as Loose | undefined;
      const url = token?.activationUrl;
      return { outcome: 'activated', activationUrl: typeof url === 'string' ? url : null };
    } catch (err) {
      if (hasCode(err, 'E0000038')) {
        const user = await getUser(userId);
        return { outcome: 'wrong_status', status: user?.status ?? 'DELETED' };
      }
      throw unexpected(err, 'issuing a new activation link');
    }
  }

  async function deactivateUser(userId: string): Promise<void> {
    try {
      await api.deactivateUser({ userId, sendEmail: false });
    } catch (err) {
      if (isNotFound(err)) return;
      throw unexpected(err, 'deactivating a user');
    }
  }

  async function deleteUser(userId: string): Promise<void> {
    try {
      await api.deleteUser({ userId, sendEmail: false });
    } catch (err) {
      if (isNotFound(err)) return;
      throw unexpected(err, 'deleting a user');
    }
  }

  async function listUserGroupIds(userId: string): Promise<string[]> {
    try {
      const ids: string[] = [];
      for await (const g of await api.listUserGroups({ userId })) {
        const id = (g as unknown as Loose | null)?.id;
        if (typeof id === 'string') ids.push(id);
      }
      return ids;
    } catch (err) {
      throw unexpected(err, "listing a user's groups");
    }
  }

  return { getUser, createUser, updateUserProfile, activateUser, reactivateUser, deactivateUser, deleteUser, listUserGroupIds };
}
