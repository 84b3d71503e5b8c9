import type { Client, OpenIdConnectApplication } from '@okta/okta-sdk-nodejs';
import { describe, expect, test } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { causes, oktaError, withSharedSim } from './helpers.js';

let sim: Simulator;
let okta: Client;

withSharedSim((s, o) => {
  sim = s;
  okta = o;
});

function oidc(label: string, over: Record<string, unknown> = {}): OpenIdConnectApplication {
  return {
    name: 'oidc_client',
    signOnMode: 'OPENID_CONNECT',
    label,
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
    settings: {
      oauthClient: {
        redirect_uris: [`https://${label}.example.com/callback`],
        post_logout_redirect_uris: [`https://${label}.example.com/`],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
        application_type: 'web',
        initiate_login_uri: `https://${label}.example.com/login`,
        consent_method: 'TRUSTED',
        ...over,
      },
    },
  } as OpenIdConnectApplication;
}

const createApp = (label: string, over: Record<string, unknown> = {}) =>
  okta.applicationApi.createApplication({ application: oidc(label, over) }) as Promise<OpenIdConnectApplication>;

async function labels(q: { q?: string; filter?: string; limit?: number }): Promise<string[]> {
  const out: string[] = [];
  for await (const a of await okta.applicationApi.listApplications(q)) out.push(a?.label as string);
  return out;
}

describe('sim apps: OIDC applications', () => {
  test('create and update (PUT) return client_secret; get and list never show it; the state never holds it', async () => {
    const app = await createApp('portal-one');
    expect(app.id).toMatch(/^0oa/);
    expect(app.status).toBe('ACTIVE');
    expect(app.signOnMode).toBe('OPENID_CONNECT');
    expect(app.credentials?.oauthClient?.client_id).toBe(app.id);
    expect(app.credentials?.oauthClient?.client_secret).toMatch(/^[\w-]{40,}$/);
    expect(app.settings?.oauthClient?.redirect_uris).toEqual(['https://portal-one.example.com/callback']);
    const got = (await okta.applicationApi.getApplication({ appId: app.id as string })) as OpenIdConnectApplication;
    expect(got.credentials?.oauthClient?.client_id).toBe(app.id);
    expect(got.credentials?.oauthClient?.client_secret).toBeUndefined();
    for await (const a of await okta.applicationApi.listApplications({})) {
      expect((a as OpenIdConnectApplication).credentials?.oauthClient?.client_secret).toBeUndefined();
    }
    const updated = (await okta.applicationApi.replaceApplication({
      appId: app.id as string, application: oidc('portal-one-renamed'),
    })) as OpenIdConnectApplication;
    expect(updated.label).toBe('portal-one-renamed');
    // "The client_secret is only shown when an OAuth 2.0 client app is created or updated"
    // (Okta Management OpenAPI, ApplicationCredentialsOAuthClient).
    expect(updated.credentials?.oauthClient?.client_secret).toBe(app.credentials?.oauthClient?.client_secret);
    expect(JSON.stringify(sim.org.apps.get(app.id as string))).not.toContain(app.credentials?.oauthClient?.client_secret as string);
  });

  test('validation: missing redirect_uris, missing grant_types, bad URIs, other app types', async () => {
    const noRedirect = await oktaError(createApp('a', { redirect_uris: undefined }));
    expect(noRedirect.errorCode).toBe('E0000001');
    expect(causes(noRedirect)[0]).toMatch(/^redirect_uris: /);
    const noGrants = await oktaError(createApp('b', { grant_types: undefined }));
    expect(causes(noGrants)).toContain('grant_types: The field cannot be left blank');
    const badUri = await oktaError(createApp('c', { redirect_uris: ['not a uri'] }));
    expect(causes(badUri)).toEqual(["redirect_uris: 'not a uri' is not a valid URI"]);
    const fragment = await oktaError(createApp('d', { post_logout_redirect_uris: ['https://x.example.com/#frag'] }));
    expect(causes(fragment)[0]).toMatch(/fragment/);
    const bookmark = await oktaError(okta.applicationApi.createApplication({
      application: { name: 'bookmark', signOnMode: 'BOOKMARK', label: 'x' } as never,
    }));
    expect(bookmark.errorCode).toBe('E0000001');
  });

  test('list: q is a prefix on label or name; filter on status and name; limit pages', async () => {
    const a = await createApp('efs-portal-a');
    await createApp('efs-portal-b');
    await createApp('other');
    await okta.applicationApi.deactivateApplication({ appId: a.id as string });
    expect(await labels({ q: 'efs-portal' })).toEqual(['efs-portal-a', 'efs-portal-b']);
    expect(await labels({ q: 'oidc' })).toEqual(['efs-portal-a', 'efs-portal-b', 'other']);
    expect(await labels({ filter: 'status eq "INACTIVE"' })).toEqual(['efs-portal-a']);
    expect(await labels({ filter: 'name eq "oidc_client"', limit: 1 })).toEqual(['efs-portal-a', 'efs-portal-b', 'other']);
  });

  test('delete only when INACTIVE: an ACTIVE app answers 403 E0000056; deactivate, delete (204), then 404', async () => {
    const app = await createApp('to-delete');
    const e = await oktaError(okta.applicationApi.deleteApplication({ appId: app.id as string }));
    expect(e.errorCode).toBe('E0000056');
    await okta.applicationApi.deactivateApplication({ appId: app.id as string });
    expect((await okta.applicationApi.getApplication({ appId: app.id as string })).status).toBe('INACTIVE');
    await okta.applicationApi.activateApplication({ appId: app.id as string });
    expect((await okta.applicationApi.getApplication({ appId: app.id as string })).status).toBe('ACTIVE');
    await okta.applicationApi.deactivateApplication({ appId: app.id as string });
    await okta.applicationApi.deleteApplication({ appId: app.id as string });
    expect((await oktaError(okta.applicationApi.getApplication({ appId: app.id as string }))).errorCode).toBe('E0000007');
  });

  test('assign and unassign groups; list assigned groups', async () => {
    const app = await createApp('assigned');
    const g1 = await okta.groupApi.createGroup({ group: { profile: { name: 'g1' } } });
    const g2 = await okta.groupApi.createGroup({ group: { profile: { name: 'g2' } } });
    const as = await okta.applicationApi.assignGroupToApplication({ appId: app.id as string, groupId: g1.id as string });
    expect(as.id).toBe(g1.id);
    await okta.applicationApi.assignGroupToApplication({ appId: app.id as string, groupId: g2.id as string, applicationGroupAssignment: { priority: 5 } });
    const listed: string[] = [];
    for await (const x of await okta.applicationApi.listApplicationGroupAssignments({ appId: app.id as string, limit: 1 })) listed.push(x?.id as string);
    expect(listed).toEqual([g1.id, g2.id]);
    await okta.applicationApi.unassignApplicationFromGroup({ appId: app.id as string, groupId: g1.id as string });
    const after: string[] = [];
    for await (const x of await okta.applicationApi.listApplicationGroupAssignments({ appId: app.id as string })) after.push(x?.id as string);
    expect(after).toEqual([g2.id]);
    expect(await labels({ filter: `group.id eq "${g2.id as string}"` })).toEqual(['assigned']);
    const e = await oktaError(okta.applicationApi.assignGroupToApplication({ appId: app.id as string, groupId: '00gnope' }));
    expect(e.errorCode).toBe('E0000007');
  });
});

describe('sim apps: client secrets (rotation)', () => {
  test('create a second secret (shown once), deactivate and delete the old one', async () => {
    const app = await createApp('rotate');
    const appId = app.id as string;
    const keys = okta.applicationSSOPublicKeysApi;
    const initial: { id?: string; status?: string; client_secret?: string }[] = [];
    for await (const s of await keys.listOAuth2ClientSecrets({ appId })) initial.push(s as never);
    expect(initial).toHaveLength(1);
    expect(initial[0]?.status).toBe('ACTIVE');
    expect(initial[0]?.client_secret).not.toBe(app.credentials?.oauthClient?.client_secret);
    expect(initial[0]?.client_secret).toMatch(/^\*+.{4}$/);

    const fresh = await keys.createOAuth2ClientSecret({ appId });
    expect(fresh.status).toBe('ACTIVE');
    expect(fresh.client_secret).toMatch(/^[\w-]{40,}$/);
    expect((await keys.getOAuth2ClientSecret({ appId, secretId: fresh.id as string })).client_secret).not.toBe(fresh.client_secret);

    const third = await oktaError(keys.createOAuth2ClientSecret({ appId }));
    expect(third.errorCode).toBe('E0000001');

    const oldId = initial[0]?.id as string;
    const activeDelete = await oktaError(keys.deleteOAuth2ClientSecret({ appId, secretId: oldId }));
    expect(activeDelete.errorCode).toBe('E0000001');
    expect((await keys.deactivateOAuth2ClientSecret({ appId, secretId: oldId })).status).toBe('INACTIVE');
    const lastActive = await oktaError(keys.deactivateOAuth2ClientSecret({ appId, secretId: fresh.id as string }));
    expect(causes(lastActive)[0]).toMatch(/only active/);
    expect((await keys.activateOAuth2ClientSecret({ appId, secretId: oldId })).status).toBe('ACTIVE');
    await keys.deactivateOAuth2ClientSecret({ appId, secretId: oldId });
    await keys.deleteOAuth2ClientSecret({ appId, secretId: oldId });
    const left: string[] = [];
    for await (const s of await keys.listOAuth2ClientSecrets({ appId })) left.push(s?.id as string);
    expect(left).toEqual([fresh.id]);
  });

  test('a caller-supplied secret is accepted when long enough', async () => {
    const app = await createApp('byo');
    const keys = okta.applicationSSOPublicKeysApi;
    const e = await oktaError(keys.createOAuth2ClientSecret({ appId: app.id as string, oAuth2ClientSecretRequestBody: { client_secret: 'short' } }));
    expect(e.errorCode).toBe('E0000001');
    const s = await keys.createOAuth2ClientSecret({
      appId: app.id as string, oAuth2ClientSecretRequestBody: { client_secret: 'a-long-enough-caller-secret-value' },
    });
    expect(s.client_secret).toBe('a-long-enough-caller-secret-value');
  });
});
