import type { Client } from '@okta/okta-sdk-nodejs';
import { isNotFound, unexpected } from '../okta/okta-errors.js';
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

export function appOps(client: Client) {
  const api = client.applicationApi;
  const secrets = client.applicationSSOPublicKeysApi;
  type AppBody = Parameters<typeof api.createApplication>[0]['application'];

  async function getRaw(appId: string): Promise<Loose | null> {
    try {
      return obj(await api.getApplication({ appId }));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw unexpected(err, 'reading an app');
    }
  }

  async function getApp(appId: string): Promise<OidcApp | null> {
    const raw = await getRaw(appId);
    return raw ? toOidcApp(raw) : null;
  }

  async function findAppsByLabelPrefix(prefix: string): Promise<OidcApp[]> {
    try {
      const out: OidcApp[] = [];
      for await (const a of await api.listApplications({ q: prefix, limit: PAGE_LIMIT })) {
        if (a) out.push(toOidcApp(a));
      }
      return out;
    } catch (err) {
      throw unexpected(err, 'listing apps by label');
    }
  }

  async function createOidcApp(input: OidcAppInput): Promise<OidcApp> {
    try {
      const app = await api.createApplication({ application: oidcAppBody(input) as unknown as AppBody, activate: true });
      return toOidcApp(app);
    } catch (err) {
      throw unexpected(err, `creating app "${input.label}"`);
    }
  }

  async function updateOidcApp(appId: string, input: OidcAppInput): Promise<OidcApp> {
    // PUT replaces the whole app: start from what Okta has, change only our fields.
    const current = await getRaw(appId);
    if (current === null) throw unexpected({ status: 404, errorCode: 'E0000007', errorSummary: 'Not found' }, 'updating an app');
    delete current._links;
    delete current._embedded;
    try {
      const app = await api.replaceApplication({ appId, application: oidcAppBody(input, current) as unknown as AppBody });
      return toOidcApp(app);
    } catch (err) {
      throw unexpected(err, `updating app "${input.label}"`);
    }
  }

  async function deactivateApp(appId: string): Promise<void> {
    try {
      await api.deactivateApplication({ appId });
    } catch (err) {
      if (isNotFound(err)) return;
      throw unexpected(err, 'deactivating an app');
    }
  }

  async function deleteApp(appId: string): Promise<void> {
    try {
      await api.deleteApplication({ appId });
    } catch (err) {
      if (isNotFound(err)) return;
      throw unexpected(err, 'deleting an app');
    }
  }

  async function assignGroupToApp(appId: string, groupId: string): Promise<void> {
    try {
      await api.assignGroupToApplication({ appId, groupId, applicationGroupAssignment: {} as never });
    } catch (err) {
      throw unexpected(err, 'assigning a group to an app');
    }
  }

  async function listAppGroupIds(appId: string): Promise<string[]> {
    try {
      const ids: string[] = [];
      for await (const g of await api.listApplicationGroupAssignments({ appId, limit: PAGE_LIMIT })) {
        const id = obj(g).id;
        if (typeof id === 'string') ids.push(id);
      }
      return ids;
    } catch (err) {
      throw unexpected(err, "listing an app's groups");
    }
  }

  async function listClientSecrets(appId: string): Promise<ClientSecret[]> {
    try {
      const out: ClientSecret[] = [];
      for await (const s of await secrets.listOAuth2ClientSecrets({ appId })) if (s) out.push(toSecret(s));
      return out;
    } catch (err) {
      throw unexpected(err, "listing an app's client secrets");
    }
  }

  async function createClientSecret(appId: string): Promise<ClientSecret> {
    try {
      return toSecret(await secrets.createOAuth2ClientSecret({ appId }));
    } catch (err) {
      throw unexpected(err, 'creating a client secret');
    }
  }

  async function deactivateClientSecret(appId: string, secretId: string): Promise<void> {
    try {
      await secrets.deactivateOAuth2ClientSecret({ appId, secretId });
    } catch (err) {
      throw unexpected(err, 'deactivating a client secret');
    }
  }

  async function deleteClientSecret(appId: string, secretId: string): Promise<void> {
    try {
      await secrets.deleteOAuth2ClientSecret({ appId, secretId });
    } catch (err) {
      if (isNotFound(err)) return;
      throw unexpected(err, 'deleting a client secret');
    }
  }

  return {
    getApp, findAppsByLabelPrefix, createOidcApp, updateOidcApp, deactivateApp, deleteApp, assignGroupToApp, listAppGroupIds,
    listClientSecrets, createClientSecret, deactivateClientSecret, deleteClientSecret,
  };
}
