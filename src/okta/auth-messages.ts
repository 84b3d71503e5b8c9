import { AuthError } from '../core/errors.js';
import { scopeFor, type GovernorBucket } from './buckets.js';

/**
 * Where the credentials came from, so that a 401/403 message names what to fix. Never the secret.
 */
export type CredentialHint =
  | { mode: 'ssws'; from: 'env' }
  | { mode: 'ssws'; from: 'file'; file: string }
  | { mode: 'oauth'; clientId: string; keyFile: string | null };

export interface AuthFailure {
  status: number;
  code: string | null;
  summary: string | null;
  method: string;
  /** Templated path (no ids, no query). */
  path: string;
  bucket: GovernorBucket;
}

const FAMILY: Partial<Record<GovernorBucket, string>> = {
  users: 'users', user: 'users', 'user-get': 'users', groups: 'groups', group: 'groups', apps: 'applications', app: 'applications',
};

const ROLE: Record<string, string> = {
  users: 'Super Administrator, Organization Administrator, or Group Administrator over the installation\'s groups',
  groups: 'Super Administrator, Organization Administrator, or Group Administrator',
  applications: 'Super Administrator or Application Administrator',
};

function what(f: AuthFailure): string {
  const label = f.code === 'E0000011' ? 'invalid token' : f.code === 'E0000004' ? 'authentication failed' : f.code === 'E0000006' ? 'access denied' : f.summary ?? 'refused';
  return `Okta answered ${f.status}${f.code ? ` ${f.code}` : ''} (${label}) to ${f.method.toUpperCase()} ${f.path}`;
}

function tokenPlace(hint: CredentialHint): string {
  if (hint.mode === 'ssws' && hint.from === 'file') return `the API token in ${hint.file} (--token-file)`;
  return 'the API token in OKTA_API_TOKEN (or --token-file)';
}

export function authMessage(f: AuthFailure, hint: CredentialHint): string {
  if (f.bucket === 'oauth' && hint.mode === 'oauth') {
    const err = f.code ?? 'error';
    if (err === 'invalid_scope') {
      return `Okta refused the OAuth scopes of service app ${hint.clientId} (invalid_scope${f.summary ? `: ${f.summary}` : ''}): grant okta.users.manage, okta.groups.manage and okta.apps.manage in Okta Admin > Applications > (the app) > Okta API Scopes, and list only granted scopes in okta.oauth.scopes`;
    }
    return `Okta refused the OAuth client credentials of service app ${hint.clientId} (${err}${f.summary ? `: ${f.summary}` : ''}): check okta.oauth.clientId, that the app uses "Public key / Private key" client authentication, and that the public key of ${hint.keyFile ?? 'okta.oauth.privateKeyFile'} (and okta.oauth.keyId) is registered on it`;
  }
  if (f.code === 'invalid_dpop_proof' || f.code === 'use_dpop_nonce') {
    return `${what(f)}: Okta refused the DPoP proof of this call${f.summary ? ` (${f.summary})` : ''}: check that this machine's clock is right, and report the call to the efs-okta maintainers; as a workaround turn off "Require DPoP" on the service app in Okta Admin > Applications`;
  }
  if (f.status === 401) {
    if (hint.mode === 'oauth') {
      return `${what(f)}: a fresh access token of OAuth service app ${hint.clientId} was refused: check that the app is active, that it is the org of okta.orgUrl, and that its key matches okta.oauth.privateKeyFile`;
    }
    return `${what(f)}: ${tokenPlace(hint)} is wrong, expired or revoked: create a new one in Okta Admin > Security > API > Tokens`;
  }
  const family = FAMILY[f.bucket];
  const scope = scopeFor(f.bucket);
  const role = family ? ROLE[family] : 'an admin role that allows this call';
  if (hint.mode === 'oauth') {
    const scopeText = scope ? `grant the scope ${scope} to service app ${hint.clientId} (Okta Admin > Applications > the app > Okta API Scopes) and include it in okta.oauth.scopes; ` : '';
    return `${what(f)}: ${scopeText}the service app also needs an admin role that may manage ${family ?? 'this resource'} (${role}; Admin > Applications > the app > Admin roles)`;
  }
  return `${what(f)}: an API token has the permissions of the admin who created it; that admin needs a role that may manage ${family ?? 'this resource'} (${role}${scope ? `; an OAuth service app would need the scope ${scope}` : ''}); or create the token as such an admin`;
}

export function authError(f: AuthFailure, hint: CredentialHint): AuthError {
  const code = f.status === 401 ? 'OKTA_UNAUTHORIZED' : f.bucket === 'oauth' ? 'OKTA_OAUTH_REFUSED' : 'OKTA_FORBIDDEN';
  return new AuthError(code, authMessage(f, hint), {
    context: { status: f.status, errorCode: f.code, method: f.method.toUpperCase(), path: f.path, scope: scopeFor(f.bucket) },
  });
}
