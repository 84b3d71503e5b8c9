import type { Client } from '@okta/okta-sdk-nodejs';
import type { FailedAnswer } from '../okta/answer.js';
import { answerError, call, notFound, type Outcomes } from '../okta/call.js';
import { epochMs, toOktaUser } from '../okta/user-shape.js';
import type { OktaGroup, OktaUser } from '../okta/types.js';

/**
 * Groups: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/
 * Looked up by name with `q` (prefix match on the name, read from the database) and an exact
 * comparison of our own: `search` is eventually consistent and could miss a group created a
 * moment ago, which would make us create it twice.
 */
type Loose = Record<string, unknown>;

/** Okta's page size maximum for group members and group lists. */
export const PAGE_LIMIT = 200;

export function toOktaGroup(raw: unknown): OktaGroup {
  const g = (raw ?? {}) as Loose;
  const profile = (g.profile ?? {}) as Loose;
  return {
    id: String(g.id ?? ''),
    name: String(profile.name ?? ''),
    description: typeof profile.description === 'string' ? profile.description : null,
    created: epochMs(g.created),
  };
}

/** Okta says the name is taken: the group is looked up and used. */
interface NameTaken {
  nameTaken: FailedAnswer;
}

/** What each group operation makes of Okta's failed answers; the rows are tried in order. */
export const GROUP_OUTCOMES: {
  createGroup: Outcomes<NameTaken>;
  removeUserFromGroup: Outcomes<void>;
  deleteGroup: Outcomes<void>;
} = {
  createGroup: [
    {
      status: 400, errorCode: 'E0000001', cause: /already exists/i, outcome: (answer) => ({ nameTaken: answer }),
      why: 'Okta answers 400 E0000001 with errorCauses "name: An object with this field already exists in the current organization" (group names are unique): a retry after a lost answer, or another run made it',
      doc: 'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/addGroup',
    },
  ],
  removeUserFromGroup: [notFound(undefined, 'the user or the group is gone, so the user is not a member')],
  deleteGroup: [notFound(undefined, 'the group is already deleted')],
};

export function groupOps(client: Client) {
  const api = client.groupApi;
  const T = GROUP_OUTCOMES;

  async function findGroupByName(name: string): Promise<OktaGroup | null> {
    return call('looking up a group by name', async () => {
      const candidates: OktaGroup[] = [];
      for await (const g of await api.listGroups({ q: name, limit: PAGE_LIMIT })) {
        const group = toOktaGroup(g);
        if (group.name === name) return group;
        candidates.push(group);
      }
      // Okta compares group names without regard to case.
      return candidates.find((g) => g.name.toLowerCase() === name.toLowerCase()) ?? null;
    });
  }

  async function createGroup(name: string, description: string): Promise<OktaGroup> {
    const op = `creating group "${name}"`;
    const result = await call(op, async () =>
      toOktaGroup(await api.createGroup({ group: { profile: { name, description } } as Parameters<typeof api.createGroup>[0]['group'] })), T.createGroup);
    if (!('nameTaken' in result)) return result;
    const existing = await findGroupByName(name);
    if (existing) return existing;
    throw answerError(op, result.nameTaken);
  }

  async function addUserToGroup(groupId: string, userId: string): Promise<void> {
    await call('adding a user to a group', () => api.assignUserToGroup({ groupId, userId }));
  }

  async function removeUserFromGroup(groupId: string, userId: string): Promise<void> {
    await call('removing a user from a group', () => api.unassignUserFromGroup({ groupId, userId }), T.removeUserFromGroup);
  }

  async function* listGroupMembers(groupId: string): AsyncGenerator<OktaUser> {
    const collection = await call('listing group members', () => api.listGroupUsers({ groupId, limit: PAGE_LIMIT }));
    const it = collection[Symbol.asyncIterator]();
    for (;;) {
      const step = await call('listing group members', () => it.next());
      if (step.done || step.value === null || step.value === undefined) {
        if (step.done) return;
        continue;
      }
      yield toOktaUser(step.value);
    }
  }

  async function deleteGroup(groupId: string): Promise<void> {
    await call('deleting a group', () => api.deleteGroup({ groupId }), T.deleteGroup);
  }

  return { findGroupByName, createGroup, addUserToGroup, removeUserFromGroup, listGroupMembers, deleteGroup };
}
