import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@okta/okta-sdk-nodejs';
import { ConfigError } from '../core/errors.js';
import { isLiteralLoopback } from '../core/loopback.js';
import { gotText, INLINE_KEY_MESSAGE, looksLikeSecret, secretFileName } from '../core/secret-values.js';
import type { CredentialHint } from './auth-messages.js';
import type { GovernedRequestExecutor } from './executor.js';
import type { DpopMode } from './oauth-token.js';

/**
 * Credentials and the SDK client. The API token comes from OKTA_API_TOKEN or --token-file; an
 * OAuth 2.0 service app (private_key_jwt, recommended by Okta) from okta.oauth in the config, its
 * private key from a file. Secrets live only in the returned object and the SDK client: never in
 * errors, events or the journal.
 */
export type OktaCredentials =
  | { mode: 'ssws'; token: string; hint: CredentialHint; warnings: string[] }
  | { mode: 'oauth'; clientId: string; privateKeyPem: string; keyId: string | null; scopes: string[]; dpop: DpopMode; hint: CredentialHint; warnings: string[] };

export interface OAuthConfig {
  clientId: string;
  privateKeyFile: string;
  keyId?: string | undefined;
  scopes?: string[] | undefined;
  /** DPoP (RFC 9449): auto = only when Okta asks for it; always; never. */
  dpop?: DpopMode | undefined;
}

export interface CredentialSources {
  /** --token-file (absolute or relative to baseDir). */
  tokenFile?: string | null;
  oauth?: OAuthConfig | null;
  env?: NodeJS.ProcessEnv;
  baseDir?: string;
}

const DEFAULT_SCOPES = ['okta.users.manage', 'okta.groups.manage', 'okta.apps.manage'];
const OAUTH_PLACEHOLDER = 'replaced-per-request-by-the-oauth-token-provider';

function readSecretFile(file: string, what: string, flag: string): { text: string; warnings: string[] } {
  const name = secretFileName(file);
  let mode: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    mode = st.mode;
  } catch (err) {
    throw new ConfigError('CREDENTIALS_FILE', `${what} file ${name} (${flag}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      context: { flag },
    });
  }
  const warnings: string[] = [];
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    warnings.push(`${what} file ${name} can be read by other users (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${name}`);
  }
  return { text: readFileSync(file, 'utf8'), warnings };
}

/**
 * Where the credentials come from, in this order: --token-file, OKTA_API_TOKEN, okta.oauth.
 * Missing credentials are a config mistake (exit 2).
 */
export function resolveCredentials(sources: CredentialSources): OktaCredentials {
  const env = sources.env ?? process.env;
  const abs = (p: string): string => (path.isAbsolute(p) ? p : path.resolve(sources.baseDir ?? process.cwd(), p));
  const warnings: string[] = [];
  if (sources.tokenFile) {
    const file = abs(sources.tokenFile);
    const { text, warnings: w } = readSecretFile(file, 'the API token', '--token-file');
    const token = text.trim();
    if (token.length === 0 || /\s/.test(token)) {
      throw new ConfigError('TOKEN_FILE_INVALID', `the token file ${file} (--token-file) must hold just the API token on one line`, { context: { file } });
    }
    return { mode: 'ssws', token, hint: { mode: 'ssws', from: 'file', file }, warnings: [...warnings, ...w] };
  }
  const envToken = env.OKTA_API_TOKEN?.trim();
  if (envToken) {
    if (/\s/.test(envToken)) throw new ConfigError('TOKEN_INVALID', 'OKTA_API_TOKEN holds spaces or line breaks: export just the token');
    if (sources.oauth) warnings.push('both OKTA_API_TOKEN and okta.oauth are set: using OKTA_API_TOKEN (unset it to use the OAuth service app)');
    return { mode: 'ssws', token: envToken, hint: { mode: 'ssws', from: 'env' }, warnings };
  }
  if (sources.oauth) {
    if (looksLikeSecret(sources.oauth.privateKeyFile)) throw new ConfigError('PRIVATE_KEY_INLINE', INLINE_KEY_MESSAGE);
    const file = abs(sources.oauth.privateKeyFile);
    const { text, warnings: w } = readSecretFile(file, 'the OAuth private key', 'okta.oauth.privateKeyFile');
    const pem = text.trim();
    if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem) && !pem.startsWith('{')) {
      throw new ConfigError('PRIVATE_KEY_INVALID', `${file} (okta.oauth.privateKeyFile) is neither a PEM private key nor a JWK`, { context: { file } });
    }
    return {
      mode: 'oauth',
      clientId: sources.oauth.clientId,
      privateKeyPem: pem,
      keyId: sources.oauth.keyId ?? null,
      scopes: sources.oauth.scopes && sources.oauth.scopes.length > 0 ? sources.oauth.scopes : DEFAULT_SCOPES,
      dpop: sources.oauth.dpop ?? 'auto',
      hint: { mode: 'oauth', clientId: sources.oauth.clientId, keyFile: file },
      warnings: [...warnings, ...w],
    };
  }
  throw new ConfigError('OKTA_TOKEN_MISSING', 'OKTA_API_TOKEN is not set: export it or pass --token-file (or configure okta.oauth for an OAuth service app)');
}

/**
 * The org URL as the SDK needs it (origin only, no trailing slash). https is required; plain http
 * only on loopback, for the simulator. The SDK itself does not check the scheme, so we do.
 */
export function normalizeOrgUrl(orgUrl: string): string {
  let u: URL;
  try {
    u = new URL(orgUrl);
  } catch {
    throw new ConfigError('ORG_URL_INVALID', `okta.orgUrl${gotText('okta.orgUrl', orgUrl)} is not a URL: use https://YOUR-ORG.okta.com`, {});
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLiteralLoopback(u.hostname))) {
    throw new ConfigError('ORG_URL_INSECURE', `okta.orgUrl must use https (got ${u.protocol}//${u.host}); plain http is accepted only for a local simulator on a loopback address (127.x.x.x, ::1 or localhost)`, { context: { orgUrl } });
  }
  if (u.username || u.password) {
    throw new ConfigError('ORG_URL_INVALID', 'okta.orgUrl must not contain a user name or password', {});
  }
  if (u.pathname !== '/' && u.pathname !== '') {
    throw new ConfigError('ORG_URL_INVALID', `okta.orgUrl must be the org's address only (got path ${u.pathname}): use ${u.origin}`, { context: { orgUrl } });
  }
  if (/-admin\./i.test(u.hostname)) {
    throw new ConfigError('ORG_URL_ADMIN', `okta.orgUrl points at the admin console (${u.hostname}): use the org URL without "-admin"`, { context: { orgUrl } });
  }
  return u.origin;
}

export interface CreateClientOptions {
  orgUrl: string;
  executor: GovernedRequestExecutor;
  credentials?: OktaCredentials;
  token?: string;
  oauth?: { clientId: string; privateKeyPem: string; keyId?: string | null; scopes?: string[] };
}

/**
 * The SDK client, with our executor and the SDK's cache off (it would keep every single-entity GET
 * in memory without expiry, and hand back stale users after our own writes).
 */
export function createOktaClient(options: CreateClientOptions): Client {
  const orgUrl = normalizeOrgUrl(options.orgUrl);
  const creds = options.credentials;
  const oauth = creds?.mode === 'oauth' ? creds : options.oauth ?? null;
  const token = creds?.mode === 'ssws' ? creds.token : options.token ?? null;
  // Every key is given explicitly: the SDK also reads OKTA_CLIENT_* variables and okta.yaml files,
  // which must not change what this tool does.
  const base = { orgUrl, requestExecutor: options.executor, cacheMiddleware: null, clientId: '', scopes: [] as string[], privateKey: '', keyId: '', token: '' };
  try {
    if (oauth) {
      // The SDK's own OAuth cannot do Okta's DPoP (see oauth-token.ts): the executor's token
      // provider sets Authorization (and DPoP) on every request, replacing this placeholder, which
      // therefore never leaves the process.
      if (!options.executor.hasTokenProvider) throw new ConfigError('OKTA_CLIENT', 'an OAuth service app needs the executor\'s token provider (openOktaGateway wires it)');
      return new Client({ ...base, authorizationMode: 'SSWS', token: OAUTH_PLACEHOLDER });
    }
    if (!token) throw new ConfigError('OKTA_TOKEN_MISSING', 'OKTA_API_TOKEN is not set: export it or pass --token-file');
    return new Client({ ...base, authorizationMode: 'SSWS', token });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // The SDK's own messages name config keys, never the secret values.
    throw new ConfigError('OKTA_CLIENT', `the Okta SDK refused its configuration: ${(err as Error).message.split('\n').slice(0, 3).join('; ')}`, { cause: err });
  }
}
