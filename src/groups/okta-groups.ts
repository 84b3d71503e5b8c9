import type { Client } from '@okta/okta-sdk-nodejs';
import { apiFailure, isAlreadyExists, isNotFound, unexpected } from '../okta/okta-errors.js';
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

export function groupOps(client: Client) {
  const api = client.groupApi;

  async function findGroupByName(name: string): Promise<OktaGroup | null> {
    try {
      const candidates: OktaGroup[] = [];
      for await (const g of await api.listGroups({ q: name, limit: PAGE_LIMIT })) {
        const group = toOktaGroup(g);
        if (group.name === name) return group;
        candidates.push(group);
      }
      // Okta compares group names without regard to case.
      return candidates.find((g) => g.name.toLowerCase() === name.toLowerCase()) ?? null;
    } catch (err) {
      throw unexpected(err, 'looking up a group by name');
    }
  }

  async function createGroup(name: string, description: string): Promise<OktaGroup> {
    try {
      const g = await api.createGroup({ group: { profile: { name, description } } as Parameters<typeof api.createGroup>[0]['group'] });
      return toOktaGroup(g);
    } catch (err) {
      const f = apiFailure(err);
      // A retry after a lost answer, or another run: the group is there, use it.
      if (f && isAlreadyExists(f)) {
        const existing = await findGroupByName(name);
        if (existing) return existing;
      }
      throw unexpected(err, `creating group "${name}"`);
    }
  }

  async function addUserToGroup(groupId: string, userId: string): Promise<void> {
    try {
      await api.assignUserToGroup({ groupId, userId });
    } catch (err) {
      throw unexpected(err, 'adding a user to a group');
    }
  }

  async function removeUserFromGroup(groupId: string, userId: string): Promise<void> {
    try {
      await api.unassignUserFromGroup({ groupId, userId });
    } catch (err) {
      if (isNotFound(err)) return;
      throw unexpected(err, 'removing a user from a group');
    }
  }

  async function* listGroupMembers(groupId: string): AsyncGenerator<OktaUser> {
    let collection;
    try {
      collection = await api.listGroupUsers({ groupId, limit: PAGE_LIMIT });
    } catch (err) {
      throw unexpected(err, 'listing group members');
    }
    const it = collection[Symbol.asyncIterator]();
    for (;;) {
      let step;
      try {
        step = await it.next();
      } catch (err) {
        throw unexpected(err, 'listing group members');
      }
      if (step.done || step.value === null || step.value === undefined) {
        if (step.done) return;
        continue;
      }
      yield toOktaUser(step.value);
    }
  }

  async function deleteGroup(groupId: string): Promise<void> {
    try {
      await api.deleteGroup({ groupId });
    } catch (err) {
      if (isNotFound(err)) return;
      throw unexpected(err, 'deleting a group');
    }
  }

  return { findGroupByName, createGroup, addUserToGroup, removeUserFromGroup, listGroupMembers, deleteGroup };
}
