import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../../src/dashboard/server.js';
import type { PortalCredentialEntry } from '../../src/portals/credentials-file.js';
import { startFront, startRecorder, type Reply } from './front.js';
import { installation, runCli, type CliResult, type Installation } from './harness.js';

/**
 * Secrets and safety (issue 7): the whole lifecycle runs with a recognisable API token, the client
 * secrets the simulator issues and (second test) an OAuth service app's private key and access
 * tokens. Every byte the tool writes or serves is scanned: stdout and stderr of every command
 * (including the NDJSON progress lines and the error messages of failed runs), every file in the
 * installation folder (journal, its -wal, reports, activation links; read mid-run too, while the WAL
 * is live) and the dashboard's responses. The only places a secret may be: the credentials file
 * (0600) and the files the operator gave us. The token goes to okta.orgUrl only.
 */
const TOKEN = `SSWS-CANARY-TOKEN-7f3a9c${randomBytes(12).toString('hex')}`;
let inst: Installation;
let tokenFile: string;
let credentialsFile: string;
/** Everything the tool printed, wrote or served, by where it came from. */
const corpus = new Map<string, Buffer>();
/** Every client secret Okta ever handed over during the suite. */
const clientSecrets = new Set<string>();

/** Files the operator gave us (token, private key) and the one that exists to hold secrets. */
const operatorFiles = new Set<string>();
function allowedToHoldSecrets(file: string): boolean {
  return file === credentialsFile || operatorFiles.has(file);
}

function collectFiles(label: string, dir: string = inst.dir): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) collectFiles(label, file);
    else if (entry.isFile() && !allowedToHoldSecrets(file) && !entry.name.startsWith('.portal-credentials.json')) {
      try {
        corpus.set(`${label}: ${path.relative(inst.dir, file)}`, readFileSync(file));
      } catch (err) {
        // A WAL may be checkpointed away between readdir and read.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
}

function noteSecrets(): void {
  if (!existsSync(credentialsFile)) return;
  for (const e of Object.values(JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, PortalCredentialEntry>)) clientSecrets.add(e.clientSecret);
}

/** Runs a command, adds its output (and, once mid-run, every file) to the corpus. */
async function run(label: string, args: string[], env: Record<string, string | undefined> = { OKTA_API_TOKEN: TOKEN }, midRun?: () => boolean): Promise<CliResult> {
  let snapped = false;
  const r = await inst.cli(args, {
    env,
    watch: midRun
      ? () => {
          if (!snapped && midRun()) {
            snapped = true;
            collectFiles(`${label} (mid-run)`);
          }
        }
      : undefined,
  });
  if (midRun) expect(snapped, `${label}: the mid-run snapshot was taken`).toBe(true);
  corpus.set(`${label}: stdout`, Buffer.from(r.stdout));
  corpus.set(`${label}: stderr`, Buffer.from(r.stderr));
  collectFiles(label);
  noteSecrets();
  return r;
}

/** The secret, and the forms it could take on its way out (base64, URL-encoded, JSON-escaped). */
function forms(secret: string): string[] {
  return [...new Set([secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

function expectNowhere(secrets: Iterable<string>, what: string): void {
  const leaks: string[] = [];
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      for (const [where, bytes] of corpus) if (bytes.includes(form)) leaks.push(`${what} in ${where}`);
    }
  }
  expect(leaks).toEqual([]);
}

beforeAll(async () => {
  inst = await installation({ panelists: 120, sim: { token: TOKEN, latencyMs: 3, jitterMs: 2, seed: 53 } });
  tokenFile = path.join(inst.dir, 'okta-token');
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  operatorFiles.add(tokenFile);
  credentialsFile = path.join(inst.dir, 'portal-credentials.json');
}, 30_000);
afterAll(async () => {
  await inst?.cleanup();
});

describe('robustness: secrets never leave their place', () => {
  it('the whole lifecycle with a recognisable token and the issued client secrets: none in any output, file, report or dashboard response; secret files are 0600', async () => {
    const env = { OKTA_API_TOKEN: TOKEN };
    const viaFile = { OKTA_API_TOKEN: undefined };
    expect((await run('plan', ['plan'])).code).toBe(0);
    expect((await run('users create', ['users', 'create'], env, () => inst.sim.org.users.size >= 20)).stdout).toMatch(/failed 0 in/);
    const activate = await run('users activate --no-email', ['users', 'activate', '--no-email', '--yes', '--token-file', tokenFile], viaFile, () => inst.sim.org.users.countByStatus().PROVISIONED !== undefined);
    expect(activate.code, activate.stderr).toBe(0);
    expect(activate.stdout).toMatch(/activation links: .*activation-links-.*\.csv/);
    expect((await run('portals sync', ['portals', 'sync'], env, () => inst.sim.org.apps.size >= 2)).stdout).toContain('created 3');
    const before = new Set(clientSecrets);
    expect((await run('portals sync --rotate-secret 2', ['portals', 'sync', '--rotate-secret', '2'])).stdout).toMatch(/1 client secret/);
    expect(clientSecrets.size).toBe(before.size + 1);
    expect((await run('status', ['status'])).code).toBe(0);
    expect((await run('verify', ['verify', '--token-file', tokenFile], viaFile)).code).toBe(0);
    expect((await run('verify --json -o', ['verify', '--json', '-o', 'verify.csv'])).code).toBe(0);
    expect((await run('report csv', ['report', '--format', 'csv'])).code).toBe(0);
    expect((await run('report json -o', ['report', '--format', 'json', '-o', 'report.json'])).code).toBe(0);
    expect((await run('report html -o', ['report', '--format', 'html', '-o', 'report.html'])).code).toBe(0);
    expect((await run('report html --unmasked', ['report', '--format', 'html', '--unmasked'])).code).toBe(0);
    // Runs that fail: a refused token, a token with a line break, a token file with two lines.
    inst.sim.revokeToken();
    const refused = await run('verify (token revoked)', ['verify']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('401 E0000011');
    inst.sim.setToken(TOKEN);
    expect((await run('token with a line break', ['users', 'create'], { OKTA_API_TOKEN: `${TOKEN}\nsecond-line` })).code).toBe(2);
    const twoLines = path.join(inst.dir, 'two-lines-token');
    operatorFiles.add(twoLines);
    writeFileSync(twoLines, `${TOKEN}\n${TOKEN}\n`, { mode: 0o600 });
    expect((await run('token file of two lines', ['users', 'create', '--token-file', twoLines], viaFile)).code).toBe(2);

    // The dashboard: page, assets, JSON status and one server-sent event.
    const dashboard = await startDashboard({ journals: [inst.journalFile], port: 0 });
    const base = dashboard.url.replace(/\/$/, '');
    try {
      // A request target that is no URL ("//", which any page can make a browser send) gets a 404.
      expect((await fetch(`${base}//`)).status).toBe(404);
      for (const p of ['/', '/dashboard.js', '/dashboard.css', '/api/status']) {
        const res = await fetch(`${base}${p}`);
        expect(res.status, p).toBe(200);
        corpus.set(`dashboard ${p}`, Buffer.from(await res.text()));
      }
      const controller = new AbortController();
      const res = await fetch(`${base}/events`, { signal: controller.signal });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let frame = '';
      while (!frame.includes('\n\n')) frame += Buffer.from((await reader.read()).value ?? new Uint8Array()).toString('utf8');
      controller.abort();
      expect(frame).toContain('event: status');
      corpus.set('dashboard /events', Buffer.from(frame));
    } finally {
      await dashboard.stop();
    }

    // What was scanned, so that an empty scan cannot pass.
    const names = [...corpus.keys()];
    expect(names.some((n) => /mid-run\): demo\.efs-okta\.sqlite-wal$/.test(n)), names.join('\n')).toBe(true);
    expect(names.some((n) => /activation-links-.*\.csv$/.test(n))).toBe(true);
    expect(names.some((n) => n.endsWith('report.html'))).toBe(true);
    expect(corpus.get('users create: stderr')?.toString()).toContain('{"type":"progress"');
    expect(clientSecrets.size).toBe(4);

    expectNowhere([TOKEN], 'the API token');
    expectNowhere(clientSecrets, 'a client secret');
    // The simulator keeps only hashes; the credentials file holds the current secrets, readable by its owner only.
    const creds = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, PortalCredentialEntry>;
    expect(Object.keys(creds).sort()).toEqual(['1', '2', '3']);
    // Positive control: the same search finds them where they belong.
    const credBytes = readFileSync(credentialsFile);
    for (const e of Object.values(creds)) expect(credBytes.includes(e.clientSecret) && clientSecrets.has(e.clientSecret)).toBe(true);
    expect(readFileSync(tokenFile).includes(TOKEN)).toBe(true);
    for (const file of [credentialsFile, path.join(inst.dir, 'verify.csv'), path.join(inst.dir, 'report.json'), path.join(inst.dir, 'report.html')]) {
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
    const links = names.filter((n) => /activation-links-.*\.csv$/.test(n)).map((n) => path.join(inst.dir, n.split(': ')[1] as string));
    for (const file of new Set(links)) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    console.info(`secrets: ${corpus.size} outputs, files and responses scanned (${[...corpus.values()].reduce((n, b) => n + b.length, 0)} bytes); token and ${clientSecrets.size} client secrets found nowhere`);
  }, 120_000);

  it('an OAuth service app: neither its private key nor its access tokens appear anywhere; the key file is only read', async () => {
    const ACCESS = `CANARY-ACCESS-TOKEN-${randomBytes(12).toString('hex')}`;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyFile = path.join(inst.dir, 'service-app.pem');
    operatorFiles.add(keyFile);
    writeFileSync(keyFile, pem);
    chmodSync(keyFile, 0o600);
    let issued = 0;
    // The org's token endpoint (the simulator has none): a client_credentials grant with a signed assertion.
    const front = await startFront(inst.sim.url, {
      intercept: (req) => {
        if (req.url !== '/oauth2/v1/token') return null;
        const form = new URLSearchParams(req.body);
        if (form.get('grant_type') !== 'client_credentials' || !form.get('client_assertion')) return { status: 400, body: { error: 'invalid_request' } };
        issued++;
        return { status: 200, body: { token_type: 'Bearer', expires_in: 3600, access_token: ACCESS, scope: form.get('scope') } };
      },
    });
    inst.sim.setToken(ACCESS);
    const oauthConfig = path.join(inst.dir, 'oauth.yaml');
    writeFileSync(oauthConfig, readFileSync(inst.configFile, 'utf8').replace(/ {2}orgUrl: .*\n/, `  orgUrl: ${front.url}\n  oauth: { clientId: 0oa-canary-service, privateKeyFile: service-app.pem, keyId: kid-1 }\n`));
    const oauthRuns: CliResult[] = [];
    try {
      for (const args of [['users', 'create'], ['verify'], ['portals', 'sync']]) {
        const r = await runCli([...args, '-c', oauthConfig], { cwd: inst.dir });
        oauthRuns.push(r);
        corpus.set(`oauth ${args.join(' ')}: stdout`, Buffer.from(r.stdout));
        corpus.set(`oauth ${args.join(' ')}: stderr`, Buffer.from(r.stderr));
      }
    } finally {
      await front.close();
      inst.sim.setToken(TOKEN);
    }
    expect(issued).toBeGreaterThan(0);
    expect(front.seen.filter((s) => s.authorization === `Bearer ${ACCESS}`).length).toBeGreaterThan(0);
    collectFiles('after the OAuth runs');
    const keyLines = pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
    expectNowhere(keyLines, 'a line of the private key');
    expectNowhere([ACCESS], 'the OAuth access token');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toBe(pem);
    // users create and portals sync: 1 for the demo's invalid records and portal; verify: 0.
    expect(oauthRuns.map((r) => r.code), oauthRuns.map((r) => r.stderr).join('\n')).toEqual([1, 0, 1]);
  }, 60_000);

  it('the token goes to okta.orgUrl only: redirects (301/302/307/308) to another host or port and a Link header pointing elsewhere are not followed', async () => {
    // Users and groups to list (a no-op when the lifecycle test ran first).
    expect((await inst.cli(['users', 'create'], { env: { OKTA_API_TOKEN: TOKEN } })).stdout).toMatch(/failed 0 in/);
    const otherHost = await startRecorder('127.0.0.2');
    const otherPort = await startRecorder('127.0.0.1');
    let redirect: { match: RegExp; status: number; to: string } | null = null;
    let linkTo: string | null = null;
    const front = await startFront(inst.sim.url, {
      intercept: (req): Reply | null => (redirect && redirect.match.test(`${req.method} ${req.url}`) ? { status: redirect.status, headers: { Location: `${redirect.to}${req.url}` } } : null),
      rewrite: (req, headers) => (linkTo && /^GET \/api\/v1\/groups\/[^/]+\/users/.test(`${req.method} ${req.url}`) ? { ...headers, link: `<${linkTo}${req.url.replace(/\?.*$/, '')}?after=x>; rel="next"` } : headers),
    });
    const viaFront = async (label: string, args: string[]): Promise<CliResult> => {
      const r = await inst.cli([...args, '--org-url', front.url], { env: { OKTA_API_TOKEN: TOKEN } });
      corpus.set(`${label}: stderr`, Buffer.from(r.stderr));
      corpus.set(`${label}: stdout`, Buffer.from(r.stdout));
      return r;
    };
    try {
      // Exit 3 where the call stops the run; portals sync records each portal as failed (exit 1).
      const cases: [string, string[], { match: RegExp; status: number; to: string }, number][] = [
        ['plan, users probe 307 to 127.0.0.2', ['plan'], { match: /^GET \/api\/v1\/users/, status: 307, to: otherHost.url }, 3],
        ['verify, group members 302 to another port', ['verify'], { match: /^GET \/api\/v1\/groups\/[^/]+\/users/, status: 302, to: otherPort.url }, 3],
        ['portals sync, app 308 to 127.0.0.2', ['portals', 'sync'], { match: /^GET \/api\/v1\/apps/, status: 308, to: otherHost.url }, 1],
        ['verify, group members 301 to 127.0.0.2', ['verify'], { match: /^GET \/api\/v1\/groups\/[^/]+\/users/, status: 301, to: otherHost.url }, 3],
      ];
      for (const [label, args, r, code] of cases) {
        redirect = r;
        const result = await viaFront(label, args);
        expect(result.code, `${label}: ${result.stderr}`).toBe(code);
        expect(result.stderr + result.stdout, label).toMatch(/redirect/i);
      }
      redirect = null;
      linkTo = otherHost.url;
      const link = await viaFront('verify, Link rel="next" to 127.0.0.2', ['verify']);
      expect(link.code, link.stderr).toBe(3);
      expect(link.stderr).toContain(`credentials go only to okta.orgUrl (${front.url})`);
    } finally {
      await front.close();
      await otherHost.close();
      await otherPort.close();
    }
    // The front (the org) did see the token; the other hosts saw nothing at all.
    expect(front.seen.filter((x) => x.authorization === `SSWS ${TOKEN}`).length).toBeGreaterThanOrEqual(5);
    expect(otherHost.seen).toEqual([]);
    expect(otherPort.seen).toEqual([]);
    expectNowhere([TOKEN], 'the API token');
  }, 60_000);
});
