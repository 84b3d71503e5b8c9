import type { Client } from '@okta/okta-sdk-nodejs';
import { call, notFound, type Outcomes } from '../okta/call.js';
import type { ClientSecret, OidcApp, OidcAppInput } from '../okta/types.js';

/**
 * OIDC apps (one per EFS portal) and their client secrets:
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/
 * The client secret comes back when an app is created or updated (PUT), or a secret added, never on
 * GET: it is handed to the caller and never logged.
 */
type Loose = Record<string, unknown>;

const PAGE_LIMIT = 200;

function obj(v: unknown): Loose {
  return typeof v === 'object' && v !== null ? (v as Loose) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function toOidcApp(raw: unknown): OidcApp {
  const a = obj(raw);
  const client = obj(obj(a.credentials).oauthClient);
  const settings = obj(obj(a.settings).oauthClient);
  return {
    id: String(a.id ?? ''),
    label: String(a.label ?? ''),
    status: String(a.status ?? 'ACTIVE'),
    clientId: String(client.client_id ?? a.id ?? ''),
    clientSecret: typeof client.client_secret === 'string' ? client.client_secret : null,
    redirectUris: strings(settings.redirect_uris),
    postLogoutRedirectUris: strings(settings.post_logout_redirect_uris),
    initiateLoginUri: typeof settings.initiate_login_uri === 'string' ? settings.initiate_login_uri : null,
  };
}

function toSecret(raw: unknown): ClientSecret {
  const s = obj(raw);
  return {
    id: String(s.id ?? ''),
    status: s.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    secret: typeof s.client_secret === 'string' ? s.client_secret : null,
  };
}

/** The create/replace body Okta expects for a web OIDC app (authorization code + refresh token). */
export function oidcAppBody(input: OidcAppInput, current?: Loose): Loose {
  const currentCreds = obj(obj(current?.credentials).oauthClient);
  const currentSettings = obj(current?.settings);
  const oauthClient: Loose = {
    ...obj(currentSettings.oauthClient),
    redirect_uris: input.redirectUris,
    post_logout_redirect_uris: input.postLogoutRedirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
    application_type: 'web',
    // TRUSTED is Okta's default for first-party apps; REQUIRED would show panelists a consent screen
    // (Okta Management OpenAPI, OpenIdConnectApplicationSettingsClient.consent_method).
    consent_method: 'TRUSTED',
  };
  if (input.initiateLoginUri) oauthClient.initiate_login_uri = input.initiateLoginUri;
  else delete oauthClient.initiate_login_uri;
  return {
    ...(current ?? {}),
    name: 'oidc_client',
    label: input.label,
    signOnMode: 'OPENID_CONNECT',
    credentials: {
      ...obj(current?.credentials),
      oauthClient: {
        ...currentCreds,
        // Never send a secret back in a replace: Okta would keep or reset it as it sees fit.
        client_secret: undefined,
        token_endpoint_auth_method: input.tokenEndpointAuthMethod,
      },
    },
    settings: { ...currentSettings, oauthClient },
  };
}

/** What each app operation makes of Okta's failed answers; the rows are tried in order. */
export const APP_OUTCOMES: {
  getApp: Outcomes<null>;
  deactivateApp: Outcomes<void>;
  deleteApp: Outcomes<void>;
  deleteClientSecret: Outcomes<void>;
} = {
  getApp: [notFound(null, 'no app has this id (deleted by hand, or never created)')],
  deactivateApp: [notFound(undefined, 'the app is already deleted')],
  deleteApp: [notFound(undefined, 'the app is already deleted')],
  deleteClientSecret: [notFound(undefined, 'the secret (or its app) is already deleted')],
};

export function appOps(client: Client) {
  const api = client.applicationApi;
  const secrets = client.applicationSSOPublicKeysApi;
  type AppBody = Parameters<typeof api.createApplication>[0]['application'];
  const T = APP_OUTCOMES;

  async function getApp(appId: string): Promise<OidcApp | null> {
    return call('reading an app', async () => toOidcApp(await api.getApplication({ appId })), T.getApp);
  }

  async function findAppsByLabelPrefix(prefix: string): Promise<OidcApp[]> {
    return call('listing apps by label', async () => {
      const out: OidcApp[] = [];
      for await (const a of await api.listApplications({ q: prefix, limit: PAGE_LIMIT })) {
        if (a) out.push(toOidcApp(a));
      }
      return out;
    });
  }

  async function createOidcApp(input: OidcAppInput): Promise<OidcApp> {
    return call(`creating app "${input.label}"`, async () =>
      toOidcApp(await api.createApplication({ application: oidcAppBody(input) as unknown as AppBody, activate: true })));
  }

  async function updateOidcApp(appId: string, input: OidcAppInput): Promise<OidcApp> {
    // PUT replaces the whole app: start from what Okta has, change only our fields. An app that is
    // gone fails the update (no outcome row for 404).
    const current = obj(await call('updating an app', () => api.getApplication({ appId })));
    delete current._links;
    delete current._embedded;
    return call(`updating app "${input.label}"`, async () =>
      toOidcApp(await api.replaceApplication({ appId, application: oidcAppBody(input, current) as unknown as AppBody })));
  }

  async function deactivateApp(appId: string): Promise<void> {
    await call('deactivating an app', () => api.deactivateApplication({ appId }), T.deactivateApp);
  }

  async function deleteApp(appId: string): Promise<void> {
    await call('deleting an app', () => api.deleteApplication({ appId }), T.deleteApp);
  }

  async function assignGroupToApp(appId: string, groupId: string): Promise<void> {
    await call('assigning a group to an app', () => api.assignGroupToApplication({ appId, groupId, applicationGroupAssignment: {} as never }));
  }

  async function listAppGroupIds(appId: string): Promise<string[]> {
    return call("listing an app's groups", async () => {
      const ids: string[] = [];
      for await (const g of await api.listApplicationGroupAssignments({ appId, limit: PAGE_LIMIT })) {
        const id = obj(g).id;
        if (typeof id === 'string') ids.push(id);
      }
      return ids;
    });
  }

  async function listClientSecrets(appId: string): Promise<ClientSecret[]> {
    return call("listing an app's client secrets", async () => {
      const out: ClientSecret[] = [];
      for await (const s of await secrets.listOAuth2ClientSecrets({ appId })) if (s) out.push(toSecret(s));
      return out;
    });
  }

  async function createClientSecret(appId: string): Promise<ClientSecret> {
    return call('creating a client secret', async () => toSecret(await secrets.createOAuth2ClientSecret({ appId })));
  }

  async function deactivateClientSecret(appId: string, secretId: string): Promise<void> {
    await call('deactivating a client secret', () => secrets.deactivateOAuth2ClientSecret({ appId, secretId }));
  }

  async function deleteClientSecret(appId: string, secretId: string): Promise<void> {
    await call('deleting a client secret', () => secrets.deleteOAuth2ClientSecret({ appId, secretId }), T.deleteClientSecret);
  }

  return {
    getApp, findAppsByLabelPrefix, createOidcApp, updateOidcApp, deactivateApp, deleteApp, assignGroupToApp, listAppGroupIds,
    listClientSecrets, createClientSecret, deactivateClientSecret, deleteClientSecret,
  };
}
