import type { OidcClientSettings } from '../store/apps.js';

/**
 * What Okta checks when an OIDC app is created or replaced
 * (https://developer.okta.com/docs/reference/api/apps/#add-oauth-2-0-client-application):
 * `name: oidc_client` with `signOnMode: OPENID_CONNECT`, a label, known grant types, redirect URIs
 * for the browser flows, valid absolute URIs without fragments, and response types that fit the
 * grant types. The simulator models only OIDC apps; other app types are refused with a clear cause.
 */
const GRANT_TYPES = [
  'authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password', 'interaction_code',
  'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:saml2-bearer', 'urn:ietf:params:oauth:grant-type:jwt-bearer',
];
const RESPONSE_TYPES = ['code', 'token', 'id_token'];
const APPLICATION_TYPES = ['web', 'native', 'browser', 'service'];
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];

export interface ValidApp {
  label: string;
  clientId: string | null;
  tokenEndpointAuthMethod: string;
  pkceRequired: boolean;
  oauthClient: OidcClientSettings;
}

function uriProblem(field: string, v: unknown, applicationType: string): string | null {
  if (typeof v !== 'string' || v === '') return `${field}: The field cannot be left blank`;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return `${field}: '${v}' is not a valid URI`;
  }
  if (u.hash !== '') return `${field}: '${v}' must not contain a fragment`;
  const web = applicationType === 'web' || applicationType === 'browser';
  if (web && u.protocol !== 'https:' && u.protocol !== 'http:') return `${field}: '${v}' must use http or https`;
  return null;
}

function stringArray(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
}

export function validateOidcApp(body: Record<string, unknown>): { app: ValidApp | null; problems: string[] } {
  const problems: string[] = [];
  if (body.name !== 'oidc_client' || body.signOnMode !== 'OPENID_CONNECT') {
    problems.push("name: only OIDC apps (name 'oidc_client', signOnMode 'OPENID_CONNECT') are supported by the simulator");
    return { app: null, problems };
  }
  const label = body.label;
  if (typeof label !== 'string' || label.trim() === '') problems.push('label: The field cannot be left blank');
  else if (label.length > 100) problems.push('label: The field is too long (maximum 100 characters)');
  const settings = (body.settings as Record<string, unknown> | undefined)?.oauthClient as Record<string, unknown> | undefined;
  const creds = (body.credentials as Record<string, unknown> | undefined)?.oauthClient as Record<string, unknown> | undefined;
  if (!settings) {
    problems.push('settings.oauthClient: The field cannot be left blank');
    return { app: null, problems };
  }
  const applicationType = typeof settings.application_type === 'string' ? settings.application_type : 'web';
  if (!APPLICATION_TYPES.includes(applicationType)) problems.push(`application_type: '${applicationType}' is not supported`);
  const grants = stringArray(settings.grant_types);
  if (!grants || grants.length === 0) problems.push('grant_types: The field cannot be left blank');
  for (const g of grants ?? []) if (!GRANT_TYPES.includes(g)) problems.push(`grant_types: '${g}' is not a valid grant type`);
  if (grants?.includes('refresh_token') && !grants.some((g) => g === 'authorization_code' || g === 'password' || g === 'interaction_code' || g.startsWith('urn:'))) {
    problems.push("grant_types: 'refresh_token' requires 'authorization_code'");
  }
  const responseTypes = stringArray(settings.response_types) ?? ['code'];
  for (const r of responseTypes) if (!RESPONSE_TYPES.includes(r)) problems.push(`response_types: '${r}' is not a valid response type`);
  if (grants?.includes('authorization_code') && !responseTypes.includes('code')) {
    problems.push("response_types: 'code' is required for the 'authorization_code' grant type");
  }
  const redirects = settings.redirect_uris === undefined ? [] : stringArray(settings.redirect_uris);
  if (redirects === null) problems.push('redirect_uris: must be an array of URIs');
  const needsRedirect = grants?.some((g) => g === 'authorization_code' || g === 'implicit' || g === 'interaction_code');
  if (needsRedirect && (redirects?.length ?? 0) === 0) {
    problems.push("redirect_uris: 'redirect_uris' must be provided for the 'authorization_code' or 'implicit' grant types");
  }
  for (const r of redirects ?? []) {
    const p = uriProblem('redirect_uris', r, applicationType);
    if (p) problems.push(p);
  }
  const logouts = settings.post_logout_redirect_uris === undefined ? [] : stringArray(settings.post_logout_redirect_uris);
  if (logouts === null) problems.push('post_logout_redirect_uris: must be an array of URIs');
  for (const r of logouts ?? []) {
    const p = uriProblem('post_logout_redirect_uris', r, applicationType);
    if (p) problems.push(p);
  }
  const initiate = settings.initiate_login_uri;
  if (initiate !== undefined && initiate !== null) {
    const p = uriProblem('initiate_login_uri', initiate, applicationType);
    if (p) problems.push(p);
    else if (!String(initiate).startsWith('https://')) problems.push('initiate_login_uri: must be an https URI');
  }
  const method = typeof creds?.token_endpoint_auth_method === 'string' ? creds.token_endpoint_auth_method : 'client_secret_basic';
  if (!AUTH_METHODS.includes(method)) problems.push(`token_endpoint_auth_method: '${method}' is not supported`);
  // consent_method: REQUIRED | TRUSTED, default TRUSTED (Okta Management OpenAPI,
  // OpenIdConnectApplicationSettingsClient / OpenIdConnectApplicationConsentMethod).
  const consent = settings.consent_method;
  if (consent !== undefined && consent !== null && consent !== 'TRUSTED' && consent !== 'REQUIRED') {
    problems.push(`consent_method: '${String(consent)}' is not supported; use TRUSTED or REQUIRED`);
  }
  const clientId = typeof creds?.client_id === 'string' && creds.client_id !== '' ? creds.client_id : null;
  if (problems.length > 0) return { app: null, problems };
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    problems,
    app: {
      label: label as string,
      clientId,
      tokenEndpointAuthMethod: method,
      pkceRequired: creds?.pkce_required === true,
      oauthClient: {
        redirect_uris: redirects ?? [],
        post_logout_redirect_uris: logouts ?? [],
        response_types: responseTypes,
        grant_types: grants ?? [],
        application_type: applicationType,
        consent_method: str(settings.consent_method) ?? 'TRUSTED',
        issuer_mode: str(settings.issuer_mode) ?? 'ORG_URL',
        initiate_login_uri: str(initiate),
        client_uri: str(settings.client_uri),
        logo_uri: str(settings.logo_uri),
        wildcard_redirect: str(settings.wildcard_redirect) ?? 'DISABLED',
      },
    },
  };
}
