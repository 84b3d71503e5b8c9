import type { Client } from '@okta/okta-sdk-nodejs';
import { OktaCallError } from '../core/errors.js';
import type { PasswordHash } from '../core/types.js';
import { call, ERROR_CODES_DOC, notFound, type OutcomeRow, type Outcomes } from '../okta/call.js';
import type { FailedAnswer } from '../okta/answer.js';
import type { ActivateResult, CreateUserResult, OktaUser, OktaUserProfile } from '../okta/types.js';
import { toOktaUser } from '../okta/user-shape.js';

/**
 * Users: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/
 * Outcomes the phases branch on are returned as values, each from a row of USER_OUTCOMES; what is
 * left throws (AuthError stops the run, OktaCallError fails the record).
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

const USER_API = 'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/';

/** Okta refused the status change: the phase reads the user's status to say why. */
const WRONG_STATUS = 'wrong_status' as const;

const rejected = (answer: FailedAnswer): CreateUserResult => ({
  outcome: 'rejected',
  errorCode: answer.errorCode ?? '',
  reason: 'okta.rejected',
  message: answer.causes.length > 0 ? answer.causes.join('; ') : answer.errorSummary || `HTTP ${answer.status}`,
});

const wrongStatus: OutcomeRow<typeof WRONG_STATUS> = {
  status: 403, errorCode: 'E0000038', outcome: WRONG_STATUS,
  why: "403 E0000038 \"This operation is not allowed in the user's current status\": the user is not PROVISIONED/STAGED/RECOVERY",
  doc: `${ERROR_CODES_DOC}#E0000038`,
};

/** What each user operation makes of Okta's failed answers; the rows are tried in order. */
export const USER_OUTCOMES: {
  getUser: Outcomes<null>;
  createUser: Outcomes<CreateUserResult>;
  activateUser: Outcomes<ActivateResult | typeof WRONG_STATUS>;
  reactivateUser: Outcomes<typeof WRONG_STATUS>;
  deactivateUser: Outcomes<void>;
  deleteUser: Outcomes<void>;
} = {
  getUser: [notFound(null, 'no user has this id or login')],
  createUser: [
    {
      status: 400, errorCode: 'E0000001', cause: /already exists/i, outcome: { outcome: 'login_taken' },
      why: 'Okta answers 400 E0000001 with errorCauses "login: An object with this field already exists in the current organization": someone (maybe us, before a crash) has the login',
      doc: `${USER_API}#tag/User/operation/createUser`,
    },
    {
      status: 400, errorCode: 'E0000001', outcome: rejected,
      why: '400 E0000001 "Api validation failed" with other causes (a profile field, the password policy): a record problem, not a run problem',
      doc: `${ERROR_CODES_DOC}#E0000001`,
    },
    { status: 400, errorCode: 'E0000003', outcome: rejected, why: '400 E0000003 "The request body was not well-formed": this record\'s profile', doc: `${ERROR_CODES_DOC}#E0000003` },
    { status: 400, errorCode: 'E0000093', outcome: rejected, why: '400 E0000093 "Target count limit exceeded": more groupIds than a create allows', doc: `${ERROR_CODES_DOC}#E0000093` },
  ],
  activateUser: [
    {
      status: 403, errorCode: 'E0000016', outcome: { outcome: 'already_active' },
      why: '403 E0000016 "Activation failed because the user is already active": a retry after a lost answer, or activated by hand',
      doc: `${ERROR_CODES_DOC}#E0000016`,
    },
    wrongStatus,
  ],
  reactivateUser: [wrongStatus],
  deactivateUser: [notFound(undefined, 'the user is already deleted')],
  deleteUser: [notFound(undefined, 'the user is already deleted')],
};

export function userOps(client: Client) {
  const api = client.userApi;
  const T = USER_OUTCOMES;

  async function getUser(idOrLogin: string): Promise<OktaUser | null> {
    // "Logins with a / character can only be fetched by id" (Users API getUser,
    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/getUser):
    // GET /users/{login} answers 404 for them, so they are looked up with a filter (users bucket).
    if (idOrLogin.includes('/')) return findByLoginFilter(idOrLogin);
    return call('looking up a user', async () => toOktaUser(await api.getUser({ userId: idOrLogin })), T.getUser);
  }

  async function findByLoginFilter(login: string): Promise<OktaUser | null> {
    return call('looking up a user by login filter', async () => {
      const filter = `profile.login eq "${login.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      for await (const u of await api.listUsers({ filter, limit: 2 })) if (u) return toOktaUser(u);
      return null;
    });
  }

  async function createUser(input: { profile: OktaUserProfile; passwordHash: PasswordHash | null; groupIds: string[] }): Promise<CreateUserResult> {
    if (input.groupIds.length > MAX_GROUP_IDS) {
      throw new OktaCallError('OKTA_TOO_MANY_GROUPS', `a user can be created in at most ${MAX_GROUP_IDS} groups at once (got ${input.groupIds.length})`, { status: null, errorCode: 'E0000093' });
    }
    const body: Loose = { profile: profileBody(input.profile) };
    if (input.passwordHash) body.credentials = { password: { hash: hashBody(input.passwordHash) } };
    if (input.groupIds.length > 0) body.groupIds = input.groupIds;
    return call('creating a user', async (): Promise<CreateUserResult> => {
      // activate=false: STAGED, no activation email (Okta's default is true).
      const user = await api.createUser({ body: body as unknown as Parameters<typeof api.createUser>[0]['body'], activate: false });
      return { outcome: 'created', user: toOktaUser(user) };
    }, T.createUser);
  }

  async function updateUserProfile(userId: string, profile: Partial<OktaUserProfile>): Promise<OktaUser> {
    // POST /api/v1/users/{id} is a partial update (PUT would replace the whole profile).
    return call('updating a user profile', async () =>
      toOktaUser(await api.updateUser({ userId, user: { profile: profileBody(profile) } as Parameters<typeof api.updateUser>[0]['user'] })));
  }

  async function withStatus(userId: string, result: ActivateResult | typeof WRONG_STATUS): Promise<ActivateResult> {
    if (result !== WRONG_STATUS) return result;
    const user = await getUser(userId);
    return { outcome: 'wrong_status', status: user?.status ?? 'DELETED' };
  }

  async function activateUser(userId: string, sendEmail: boolean): Promise<ActivateResult> {
    const result = await call('activating a user', async (): Promise<ActivateResult> => {
      const token = (await api.activateUser({ userId, sendEmail })) as unknown as Loose | undefined;
      return { outcome: 'activated', activationUrl: activationUrl(token) };
    }, T.activateUser);
    return withStatus(userId, result);
  }

  /**
   * Issues a new activation link (or email) to a PROVISIONED or RECOVERY user, e.g. one whose
   * first link was lost with Okta's answer. Okta's default is sendEmail=false:
   * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/reactivateUser
   */
  async function reactivateUser(userId: string, sendEmail: boolean): Promise<ActivateResult> {
    const result = await call('issuing a new activation link', async (): Promise<ActivateResult> => {
      const token = (await api.reactivateUser({ userId, sendEmail })) as unknown as Loose | undefined;
      return { outcome: 'activated', activationUrl: activationUrl(token) };
    }, T.reactivateUser);
    return withStatus(userId, result);
  }

  async function deactivateUser(userId: string): Promise<void> {
    await call('deactivating a user', () => api.deactivateUser({ userId, sendEmail: false }), T.deactivateUser);
  }

  async function deleteUser(userId: string): Promise<void> {
    await call('deleting a user', () => api.deleteUser({ userId, sendEmail: false }), T.deleteUser);
  }

  async function listUserGroupIds(userId: string): Promise<string[]> {
    return call("listing a user's groups", async () => {
      const ids: string[] = [];
      for await (const g of await api.listUserGroups({ userId })) {
        const id = (g as unknown as Loose | null)?.id;
        if (typeof id === 'string') ids.push(id);
      }
      return ids;
    });
  }

  return { getUser, createUser, updateUserProfile, activateUser, reactivateUser, deactivateUser, deleteUser, listUserGroupIds };
}

function activationUrl(token: Loose | undefined): string | null {
  const url = token?.activationUrl;
  return typeof url === 'string' ? url : null;
}
