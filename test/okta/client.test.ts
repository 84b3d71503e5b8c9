import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { AuthError, ConfigError, OktaCallError } from '../../src/core/errors.js';
import { CoreEmitter } from '../../src/core/events.js';
import { normalizeOrgUrl, resolveCredentials } from '../../src/okta/client.js';
import { GovernedRequestExecutor } from '../../src/okta/executor.js';
import { openOktaGateway } from '../../src/app/okta-gateway.js';
import { Governor } from '../../src/okta/governor.js';

/**
 * Credentials, the org URL rules, and the executor's guard rails. The simulator speaks SSWS and
 * static Bearer tokens but has no /oauth2/v1/token, so the OAuth flow (private_key_jwt, token
 * renewal on 401) runs against a minimal node:http org inside this file.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'efs-okta-client-'));
const servers: Server[] = [];

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push(`${req.method} ${req.url}`);
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

let served = 0;
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const reset = String(Math.ceil(Date.now() / 1000) + 60);
  res.writeHead(status, {
    'content-type': 'application/json', 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': String(599 - served++), 'x-rate-limit-reset': reset, ...headers,
  });
  res.end(body === null ? '' : JSON.stringify(body));
}

describe('okta credentials', () => {
  it('okta credentials: missing token is a config error (exit 2) saying what to do', () => {
    let err: unknown = null;
    try {
      resolveCredentials({ env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as ConfigError).message).toContain('OKTA_API_TOKEN is not set: export it or pass --token-file');
  });

  it('okta credentials: --token-file wins, must exist, and is flagged when others can read it', () => {
    const file = path.join(dir, 'token');
    writeFileSync(file, 'file-token-abc\n');
    chmodSync(file, 0o600);
    const ok = resolveCredentials({ tokenFile: file, env: { OKTA_API_TOKEN: 'env-token' } });
    expect(ok).toMatchObject({ mode: 'ssws', token: 'file-token-abc', hint: { mode: 'ssws', from: 'file', file }, warnings: [] });
    chmodSync(file, 0o644);
    expect(resolveCredentials({ tokenFile: file }).warnings[0]).toContain('chmod 600');
    expect(() => resolveCredentials({ tokenFile: path.join(dir, 'nope') })).toThrow(/cannot be read: ENOENT/);
    const env = resolveCredentials({ env: { OKTA_API_TOKEN: ' env-token ' } });
    expect(env).toMatchObject({ mode: 'ssws', token: 'env-token', hint: { mode: 'ssws', from: 'env' } });
  });

  it('okta credentials: okta.oauth reads the private key file and keeps the default scopes', () => {
    const keyFile = path.join(dir, 'key.pem');
    writeFileSync(keyFile, 'not a key');
    chmodSync(keyFile, 0o600);
    expect(() => resolveCredentials({ env: {}, oauth: { clientId: '0oa1', privateKeyFile: keyFile } })).toThrow(/neither a PEM private key nor a JWK/);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const c = resolveCredentials({ env: {}, oauth: { clientId: '0oa1', privateKeyFile: keyFile, keyId: 'kid1' } });
    expect(c).toMatchObject({ mode: 'oauth', clientId: '0oa1', keyId: 'kid1', scopes: ['okta.users.manage', 'okta.groups.manage', 'okta.apps.manage'] });
  });

  it('okta credentials: the org URL must be https, except loopback http for the simulator', () => {
    expect(normalizeOrgUrl('https://acme.okta.com/')).toBe('https://acme.okta.com');
    expect(normalizeOrgUrl('http://127.0.0.1:8017')).toBe('http://127.0.0.1:8017');
    expect(normalizeOrgUrl('http://localhost:8017/')).toBe('http://localhost:8017');
    expect(() => normalizeOrgUrl('http://acme.okta.com')).toThrow(/must use https/);
    expect(() => normalizeOrgUrl('https://acme-admin.okta.com')).toThrow(/admin console/);
    expect(() => normalizeOrgUrl('https://acme.okta.com/api/v1')).toThrow(/address only/);
    expect(() => normalizeOrgUrl('acme.okta.com')).toThrow(/not a URL/);
  });
});

describe('okta executor', () => {
  function executor(orgUrl: string): GovernedRequestExecutor {
    const governor = new Governor({ clock: systemClock, emitter: new CoreEmitter(), share: 1, concurrency: 4, maxAttempts: 3, credentials: { mode: 'ssws', from: 'env' } });
    return new GovernedRequestExecutor({ governor, orgUrl });
  }

  it('okta executor does not follow a redirect, so the token never reaches another host', async () => {
    const other = await listen((_req, res) => send(res, 200, {}));
    const org = await listen((_req, res) => send(res, 302, null, { location: `${other.url}/api/v1/users/x` }));
    const gw = openOktaGateway({
      orgUrl: org.url, share: 1, concurrency: 2, maxAttempts: 2, credentials: { env: { OKTA_API_TOKEN: 'secret-token' } }, clock: systemClock, emitter: new CoreEmitter(),
    });
    const err = await gw.getUser('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaCallError);
    expect(err).toMatchObject({ code: 'OKTA_REDIRECT', status: 302 });
    expect(other.hits).toEqual([]);
  });

  it('okta executor refuses any URL outside okta.orgUrl (e.g. a Link header pointing elsewhere)', async () => {
    const other = await listen((_req, res) => send(res, 200, []));
    const ex = executor('http://127.0.0.1:1');
    const request = { url: `${other.url}/api/v1/users?after=x`, method: 'GET', headers: { Authorization: 'SSWS secret' } } as Parameters<typeof ex.fetch>[0];
    const err = await ex.fetch(request).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OKTA_FOREIGN_HOST' });
    expect(other.hits).toEqual([]);
  });
});

describe('okta oauth', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'service-app.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  chmodSync(keyFile, 0o600);

  async function oauthOrg(options: { tokenError?: string; rejectAll?: boolean } = {}) {
    const state = { issued: 0, valid: new Set<string>() };
    const server = await listen((req, res, body) => {
      if (req.url === '/oauth2/v1/token') {
        const form = new URLSearchParams(body);
        if (options.tokenError) return send(res, 401, { error: options.tokenError, error_description: 'The client_assertion signature is invalid.' });
        if (form.get('grant_type') !== 'client_credentials' || !form.get('client_assertion')) return send(res, 400, { error: 'invalid_request' });
        const token = `at-${++state.issued}`;
        if (!options.rejectAll) state.valid.add(token);
        return send(res, 200, { token_type: 'Bearer', expires_in: 3600, access_token: token, scope: form.get('scope') });
      }
      const auth = req.headers.authorization ?? '';
      if (!state.valid.has(auth.replace(/^Bearer /, ''))) return send(res, 401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorCauses: [] });
      return send(res, 404, { errorCode: 'E0000007', errorSummary: 'Not found', errorCauses: [] });
    });
    const gw = openOktaGateway({
      orgUrl: server.url, share: 1, concurrency: 2, maxAttempts: 2, clock: systemClock, emitter: new CoreEmitter(),
      credentials: { env: {}, oauth: { clientId: '0oa-service', privateKeyFile: keyFile, keyId: 'kid-1' } },
    });
    return { gw, state, hits: server.hits };
  }

  it('okta oauth gets a private_key_jwt access token and renews it when Okta says it expired', async () => {
    const { gw, state, hits } = await oauthOrg();
    expect(await gw.getUser('a@acme.example')).toBeNull();
    state.valid.clear(); // the hour is over
    expect(await gw.getUser('b@acme.example')).toBeNull();
    expect(hits.filter((h) => h.startsWith('POST /oauth2/v1/token'))).toHaveLength(2);
    expect(gw.governor.fatal).toBeNull();
  });

  it('okta oauth stops the run when a fresh access token is refused', async () => {
    const { gw } = await oauthOrg({ rejectAll: true });
    const err = await gw.getUser('a@acme.example').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toContain('0oa-service');
    expect((err as AuthError).message).toContain('401 E0000011');
  });

  it('okta oauth names the client id and key file when the token endpoint refuses the client', async () => {
    const { gw } = await oauthOrg({ tokenError: 'invalid_client' });
    const err = await gw.getUser('a@acme.example').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toMatch(/OAuth client credentials of service app 0oa-service \(invalid_client.*service-app\.pem/);
  });
});
