import type { AppRec, SecretRec } from './store/apps.js';
import type { GroupRec } from './store/groups.js';
import type { UserRec } from './store/users.js';
import { iso } from './org.js';

/**
 * JSON shapes as Okta answers them (User, Group, Application, OAuth2ClientSecret in the Okta
 * Management OpenAPI spec), so the SDK's deserializers see what they expect.
 */
export const DEFAULT_USER_TYPE_ID = 'oty1simdefaultusrtyp';

export function userJson(u: UserRec, base: string): Record<string, unknown> {
  // A user whose password was imported as a hash has provider IMPORT until first sign-in
  // (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/, AuthenticationProviderType).
  const provider = u.credential === 'provider' ? u.providerType : u.credential === 'hash' ? 'IMPORT' : 'OKTA';
  const credentials: Record<string, unknown> = { provider: { type: provider, name: provider } };
  if (u.credential === 'password' || u.credential === 'hash' || u.credential === 'hook') credentials.password = {};
  return {
    id: u.id,
    status: u.status,
    transitioningToStatus: u.transitionTo,
    created: iso(u.created),
    activated: iso(u.activated),
    statusChanged: iso(u.statusChanged),
    lastLogin: null,
    lastUpdated: iso(u.lastUpdated),
    passwordChanged: iso(u.passwordChanged),
    type: { id: DEFAULT_USER_TYPE_ID },
    profile: {
      firstName: u.firstName,
      lastName: u.lastName,
      mobilePhone: null,
      secondEmail: null,
      ...(u.extra ?? {}),
      login: u.login,
      email: u.email,
    },
    credentials,
    _links: { self: { href: `${base}/api/v1/users/${u.id}` } },
  };
}

export function groupJson(g: GroupRec, base: string): Record<string, unknown> {
  return {
    id: g.id,
    created: iso(g.created),
    lastUpdated: iso(g.lastUpdated),
    lastMembershipUpdated: iso(g.lastMembershipUpdated),
    objectClass: ['okta:user_group'],
    type: g.type,
    profile: { name: g.name, description: g.description },
    _links: {
      self: { href: `${base}/api/v1/groups/${g.id}` },
      users: { href: `${base}/api/v1/groups/${g.id}/users` },
      apps: { href: `${base}/api/v1/groups/${g.id}/apps` },
    },
  };
}

/** `clientSecret` is set only in the answer to a create or an update (never on GET or in a list). */
export function appJson(a: AppRec, base: string, clientSecret: string | null = null): Record<string, unknown> {
  const oauthClient: Record<string, unknown> = {
    autoKeyRotation: true,
    client_id: a.clientId,
    token_endpoint_auth_method: a.tokenEndpointAuthMethod,
    pkce_required: a.pkceRequired,
  };
  if (clientSecret !== null) oauthClient.client_secret = clientSecret;
  return {
    id: a.id,
    name: a.name,
    label: a.label,
    status: a.status,
    lastUpdated: iso(a.lastUpdated),
    created: iso(a.created),
    accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
    visibility: { autoSubmitToolbar: false, hide: { iOS: true, web: true }, appLinks: { oidc_client_link: true } },
    features: [],
    signOnMode: a.signOnMode,
    credentials: {
      userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
      signing: { kid: `sim-${a.id}` },
      oauthClient,
    },
    settings: {
      app: {},
      notifications: { vpn: { network: { connection: 'DISABLED' }, message: null, helpUrl: null } },
      oauthClient: { ...a.oauthClient },
    },
    _links: {
      self: { href: `${base}/api/v1/apps/${a.id}` },
      groups: { href: `${base}/api/v1/apps/${a.id}/groups` },
      users: { href: `${base}/api/v1/apps/${a.id}/users` },
      deactivate: { href: `${base}/api/v1/apps/${a.id}/lifecycle/deactivate` },
    },
  };
}

export function assignmentJson(appId: string, groupId: string, priority: number, lastUpdated: number, base: string): Record<string, unknown> {
  return {
    id: groupId,
    lastUpdated: iso(lastUpdated),
    priority,
    profile: {},
    _links: {
      app: { href: `${base}/api/v1/apps/${appId}` },
      self: { href: `${base}/api/v1/apps/${appId}/groups/${groupId}` },
      group: { href: `${base}/api/v1/groups/${groupId}` },
    },
  };
}

/**
 * `secret` is the plain value, given only in the answer to its creation; otherwise Okta shows
 * an undisclosed value, here the last four characters behind asterisks.
 */
export function secretJson(appId: string, s: SecretRec, base: string, secret: string | null = null): Record<string, unknown> {
  return {
    id: s.id,
    status: s.status,
    client_secret: secret ?? `****************${s.lastFour}`,
    secret_hash: s.hash,
    created: iso(s.created),
    lastUpdated: iso(s.lastUpdated),
    _links: {
      activate: { href: `${base}/api/v1/apps/${appId}/credentials/secrets/${s.id}/lifecycle/activate`, hints: { allow: ['POST'] } },
      deactivate: { href: `${base}/api/v1/apps/${appId}/credentials/secrets/${s.id}/lifecycle/deactivate`, hints: { allow: ['POST'] } },
      delete: { href: `${base}/api/v1/apps/${appId}/credentials/secrets/${s.id}`, hints: { allow: ['DELETE'] } },
    },
  };
}
