import type { Client } from '@okta/okta-sdk-nodejs';
import { describe, expect, test } from 'vitest';
import { causes, oktaError, profile, withSharedSim } from './helpers.js';

let okta: Client;

withSharedSim((_sim, o) => {
  okta = o;
});

async function names(p: Promise<AsyncIterable<{ profile?: { name?: string } } | null>>): Promise<string[]> {
  const out: string[] = [];
  for await (const g of await p) out.push(g?.profile?.name as string);
  return out;
}

describe('sim groups', () => {
  test('create, get, replace; names are unique regardless of case', async () => {
    const g = await okta.groupApi.createGroup({ group: { profile: { name: 'EFS panelists', description: 'from EFS' } } });
    expect(g.id).toMatch(/^00g/);
    expect(g.type).toBe('OKTA_GROUP');
    expect((await okta.groupApi.getGroup({ groupId: g.id as string })).profile?.description).toBe('from EFS');
    const e = await oktaError(okta.groupApi.createGroup({ group: { profile: { name: 'efs PANELISTS' } } }));
    expect(e.errorCode).toBe('E0000001');
    expect(causes(e)).toEqual(['name: An object with this field already exists in the current organization']);
    const r = await okta.groupApi.replaceGroup({ groupId: g.id as string, group: { profile: { name: 'EFS panel' } } });
    expect(r.profile?.name).toBe('EFS panel');
  });

  test('list with q (prefix), filter on profile.name eq and type, and the built-in Everyone group', async () => {
    await okta.groupApi.createGroup({ group: { profile: { name: 'efs-admins' } } });
    await okta.groupApi.createGroup({ group: { profile: { name: 'efs-panelists' } } });
    await okta.groupApi.createGroup({ group: { profile: { name: 'other' } } });
    expect(await names(okta.groupApi.listGroups({}))).toEqual(['Everyone', 'efs-admins', 'efs-panelists', 'other']);
    expect(await names(okta.groupApi.listGroups({ q: 'efs-' }))).toEqual(['efs-admins', 'efs-panelists']);
    expect(await names(okta.groupApi.listGroups({ filter: 'profile.name eq "other"' }))).toEqual(['other']);
    expect(await names(okta.groupApi.listGroups({ filter: 'type eq "OKTA_GROUP"', limit: 2 }))).toEqual(['efs-admins', 'efs-panelists', 'other']);
  });

  test('add and remove members (204), list members paginated, user groups', async () => {
    const g = await okta.groupApi.createGroup({ group: { profile: { name: 'members' } } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const u = await okta.userApi.createUser({ body: { profile: profile(`m${i}@example.com`) }, activate: false });
      ids.push(u.id as string);
      await okta.groupApi.assignUserToGroup({ groupId: g.id as string, userId: u.id as string });
    }
    await okta.groupApi.assignUserToGroup({ groupId: g.id as string, userId: ids[0] as string });
    await okta.groupApi.unassignUserFromGroup({ groupId: g.id as string, userId: ids[1] as string });
    let pages = 0;
    const onResponse = (): void => {
      pages++;
    };
    okta.requestExecutor.on('response', onResponse);
    const members: string[] = [];
    try {
      for await (const u of await okta.groupApi.listGroupUsers({ groupId: g.id as string, limit: 2 })) members.push(u?.id as string);
    } finally {
      okta.requestExecutor.off('response', onResponse);
    }
    expect(members).toEqual([ids[0], ids[2], ids[3], ids[4]]);
    expect(pages).toBe(2);
    expect(await names(okta.userApi.listUserGroups({ userId: ids[2] as string }))).toEqual(['Everyone', 'members']);
    expect(await names(okta.userApi.listUserGroups({ userId: ids[1] as string }))).toEqual(['Everyone']);
  });

  test('membership of unknown users or groups answers 404 E0000007; Everyone cannot be changed', async () => {
    const g = await okta.groupApi.createGroup({ group: { profile: { name: 'x' } } });
    const e = await oktaError(okta.groupApi.assignUserToGroup({ groupId: g.id as string, userId: '00unope' }));
    expect(e.errorCode).toBe('E0000007');
    const u = await okta.userApi.createUser({ body: { profile: profile('e@example.com') }, activate: false });
    const e2 = await oktaError(okta.groupApi.assignUserToGroup({ groupId: '00gnope', userId: u.id as string }));
    expect(e2.status).toBe(404);
    const everyone = (await names(okta.groupApi.listGroups({ q: 'Every' })))[0];
    expect(everyone).toBe('Everyone');
    const all = [];
    for await (const x of await okta.groupApi.listGroups({ filter: 'type eq "BUILT_IN"' })) all.push(x);
    const e3 = await oktaError(okta.groupApi.deleteGroup({ groupId: all[0]?.id as string }));
    expect(e3.errorCode).toBe('E0000006');
  });

  test('delete a group; deleting a user removes it from its groups', async () => {
    const g = await okta.groupApi.createGroup({ group: { profile: { name: 'temp' } } });
    const u = await okta.userApi.createUser({ body: { profile: profile('t@example.com'), groupIds: [g.id as string] }, activate: false });
    await okta.userApi.deleteUser({ userId: u.id as string });
    await okta.userApi.deleteUser({ userId: u.id as string });
    const members = [];
    for await (const m of await okta.groupApi.listGroupUsers({ groupId: g.id as string })) members.push(m);
    expect(members).toEqual([]);
    await okta.groupApi.deleteGroup({ groupId: g.id as string });
    expect((await oktaError(okta.groupApi.getGroup({ groupId: g.id as string }))).errorCode).toBe('E0000007');
  });
});
