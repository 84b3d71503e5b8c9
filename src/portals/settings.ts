import { createHash } from 'node:crypto';
import type { OidcApp, OidcAppInput } from '../okta/types.js';
import type { PortalRecord } from '../records/types.js';

/** The `portals` section of the config, as the phase needs it. */
export interface PortalSettings {
  callbackPath: string;
  postLogoutPath: string;
  initiateLoginPath?: string | undefined;
  tokenEndpointAuthMethod: OidcAppInput['tokenEndpointAuthMethod'];
}

/** Okta refuses app labels longer than this (E0000001 "label: The field is too long"). */
export const MAX_LABEL_LENGTH = 100;

/**
 * `EFS <installation> · <name> (<key>)`. The key makes it unique per installation, which matters:
 * Okta dropped unique app labels in 2021, so the exact label is how a crashed run finds its app
 * again (https://developer.okta.com/docs/reference/api/apps/#list-applications: `q` is a prefix
 * match on name and label). A name too long for Okta's limit is shortened, deterministically.
 */
export function portalLabel(installation: string, name: string | null, key: string): string {
  const head = `EFS ${installation} · `;
  const tail = ` (${key})`;
  const full = `${head}${name ?? key}${tail}`;
  if (full.length <= MAX_LABEL_LENGTH) return full;
  const room = MAX_LABEL_LENGTH - head.length - tail.length - 1;
  return `${head}${(name ?? key).slice(0, Math.max(room, 1))}…${tail}`;
}

/**
 * The portal's base URL with a path appended: `https://host/panel` + `/oidc/callback` →
 * `https://host/panel/oidc/callback`. Query and fragment of the base are dropped (a redirect URI
 * must match exactly and must not carry a fragment).
 */
export function joinUrl(baseUrl: string, suffix: string): string {
  const url = new URL(baseUrl);
  const basePath = url.pathname.replace(/\/+$/, '');
  const rest = suffix.startsWith('/') ? suffix : `/${suffix}`;
  url.pathname = `${basePath}${rest}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The OIDC app a valid portal record should have. */
export function portalAppInput(record: PortalRecord, settings: PortalSettings, installation: string): OidcAppInput {
  if (record.baseUrl === null) throw new Error(`portal ${record.key} has no base URL (it should have been classified invalid)`);
  return {
    label: portalLabel(installation, record.name, record.key),
    redirectUris: unique([joinUrl(record.baseUrl, settings.callbackPath), ...record.redirectUris]),
    postLogoutRedirectUris: [joinUrl(record.baseUrl, settings.postLogoutPath)],
    initiateLoginUri: settings.initiateLoginPath ? joinUrl(record.baseUrl, settings.initiateLoginPath) : null,
    tokenEndpointAuthMethod: settings.tokenEndpointAuthMethod,
  };
}

/**
 * A fingerprint of everything we send for an app. The grant and response types are fixed in the
 * gateway; the version tag changes if they ever do, so existing apps get updated then.
 */
export function settingsHash(input: OidcAppInput): string {
  const canonical = JSON.stringify({
    v: 'oidc-web-1',
    label: input.label,
    redirectUris: [...input.redirectUris].sort(),
    postLogoutRedirectUris: [...input.postLogoutRedirectUris].sort(),
    initiateLoginUri: input.initiateLoginUri,
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

/** Which of the settings Okta shows us differ from the wanted ones (empty: nothing to update). */
export function settingsDiff(app: OidcApp, input: OidcAppInput): string[] {
  const diff: string[] = [];
  if (app.label !== input.label) diff.push('label');
  if (!sameSet(app.redirectUris, input.redirectUris)) diff.push('redirect_uris');
  if (!sameSet(app.postLogoutRedirectUris, input.postLogoutRedirectUris)) diff.push('post_logout_redirect_uris');
  if ((app.initiateLoginUri ?? null) !== input.initiateLoginUri) diff.push('initiate_login_uri');
  return diff;
}
