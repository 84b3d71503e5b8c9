import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { REPO, runCli, scratchBase, type CliResult } from './harness.js';

/**
 * Bad configs and bad flags (issue 7): each mistake, made alone, gets ONE message (exit 2) naming
 * the key, the value and what is allowed. The configs are in test/fixtures/bad-config/; every case
 * runs the CLI's `main()` (argv parsing, commander, exit-code mapping) in-process, a few also through
 * the built binary; the journal goes to a temp dir, and the org URL is a loopback port nothing
 * listens on: no case may get as far as a network call.
 */
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'bad-config');
const TOKEN = { OKTA_API_TOKEN: 'bad-config-test-token' };

interface Case {
  name: string;
  config: string;
  args: string[];
  env?: Record<string, string>;
  /** Fragments the one message must hold: the key, the value, what is allowed. */
  says: string[];
}

const CASES: Case[] = [
  { name: 'unknown key (a typo)', config: 'unknown-key.yaml', args: ['users', 'create', '--dry-run'], says: ['okta: unknown key(s) "sharee"', 'did you mean "share"', 'allowed here: orgUrl, share, tokenShare, concurrency'] },
  { name: 'unknown top-level key', config: 'unknown-top-level-key.yaml', args: ['plan'], says: ['(top level): unknown key(s) "instalation"', 'did you mean "installation"', 'allowed here: installation, okta, sources'] },
  { name: 'wrong enum value', config: 'wrong-enum.yaml', args: ['users', 'create', '--dry-run'], says: ['onExisting', '"merge"', 'must be one of "report", "link"'] },
  { name: 'share 1.5', config: 'share-too-big.yaml', args: ['users', 'create', '--dry-run'], says: ['okta.share', '1.5', 'above 0 and at most 1'] },
  { name: 'concurrency 100', config: 'concurrency-too-big.yaml', args: ['users', 'create', '--dry-run'], says: ['okta.concurrency', '100', '<=75'] },
  { name: 'missing installation', config: 'missing-installation.yaml', args: ['users', 'create', '--dry-run'], says: ['installation', 'required', 'lower-case letters, digits'] },
  { name: 'installation that is not a slug', config: 'installation-not-a-slug.yaml', args: ['users', 'create', '--dry-run'], says: ['installation', '"Acme Corp"', 'lower-case letters, digits'] },
  { name: 'org URL that is not a URL', config: 'org-url-not-a-url.yaml', args: ['users', 'create'], says: ['okta.orgUrl', '"acme.okta.com"', 'https://acme.okta.com'] },
  { name: 'plain http to a host that is not loopback', config: 'org-url-http-not-loopback.yaml', args: ['users', 'create'], says: ['okta.orgUrl', 'http://acme.okta.com', 'must use https', 'loopback'] },
  { name: 'missing source file', config: 'missing-source-file.yaml', args: ['users', 'create', '--dry-run'], says: ['sources.panelists.file', 'no-such-export.csv', 'not found', 'relative to the config file'] },
  { name: 'mapped column missing from the CSV header', config: 'missing-mapped-column.yaml', args: ['users', 'create', '--dry-run'], says: ['sources.panelists.columns.email', '"mail_address"', 'the header has: pcode, u_email, u_firstname, u_name'] },
  { name: 'database source without a database section', config: 'database-without-section.yaml', args: ['users', 'create', '--dry-run'], says: ['sources.panelists', 'type: database', '"database" section is missing', 'add database: { host, port, database, user }'] },
  { name: 'config that is not YAML', config: 'not-yaml.yaml', args: ['users', 'create', '--dry-run'], says: ['not-yaml.yaml', 'is not valid YAML at line 4'] },
  { name: 'config file missing', config: 'no-such-config.yaml', args: ['users', 'create'], says: ['no-such-config.yaml', 'not found', '-c/--config FILE', 'efs-okta init'] },
  { name: 'no token: OKTA_API_TOKEN unset', config: 'valid.yaml', args: ['users', 'create'], env: {}, says: ['OKTA_API_TOKEN is not set', 'export it', '--token-file'] },
  { name: 'token file that does not exist', config: 'valid.yaml', args: ['users', 'create', '--token-file', 'no-such-token'], env: {}, says: ['--token-file', 'no-such-token', 'cannot be read'] },
  { name: 'conflicting flags: users create --dry-run --limit 5', config: 'valid.yaml', args: ['users', 'create', '--dry-run', '--limit', '5'], says: ["'--dry-run' cannot be used with option '--limit <n>'"] },
  { name: 'flag value out of range: --share 1.5', config: 'valid.yaml', args: ['users', 'activate', '--share', '1.5'], says: ["'--share <fraction>'", "'1.5'", 'a fraction in (0, 1]'] },
  { name: 'flag value not a number: --concurrency many', config: 'valid.yaml', args: ['users', 'create', '--concurrency', 'many'], says: ["'--concurrency <n>'", "'many'", 'a whole number'] },
  { name: 'flag value not a choice: --kind admin', config: 'valid.yaml', args: ['users', 'create', '--kind', 'admin'], says: ["'--kind <kind>'", "'admin'", 'Allowed choices are admins, panelists'] },
  { name: 'rollback without --users, --portals or --all', config: 'valid.yaml', args: ['rollback'], says: ['rollback needs --users, --portals or --all'] },
];

let dir: string;
const results = new Map<string, CliResult>();
const binary = new Map<string, CliResult>();
/** Run through the built binary as well (a process of its own: exit status, stderr); the rest in-process. */
const THROUGH_BINARY = ['unknown key (a typo)', 'no token: OKTA_API_TOKEN unset', 'conflicting flags: users create --dry-run --limit 5', 'mapped column missing from the CSV header'];
const CLEAN_ENV = ['OKTA_API_TOKEN', 'OKTA_API_TOKEN_FILE', 'OKTA_ORG_URL', 'EFS_OKTA_SHARE', 'EFS_OKTA_CONCURRENCY', 'EFS_OKTA_JOURNAL'];

function argsFor(c: Case, i: number): string[] {
  return [...c.args, '-c', path.join(FIXTURES, c.config), '--journal', path.join(dir, `journal-${i}.sqlite`)];
}

/** `main()` of the CLI in this process, with its output captured and only the case's variables set. */
async function inProcess(c: Case, i: number): Promise<CliResult> {
  const saved = Object.fromEntries(CLEAN_ENV.map((k) => [k, process.env[k]]));
  for (const k of CLEAN_ENV) delete process.env[k];
  Object.assign(process.env, c.env ?? TOKEN);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const started = performance.now();
  try {
    const code = await main(['node', 'efs-okta', ...argsFor(c, i)]);
    return { code, signal: null, stdout, stderr, ms: performance.now() - started, killed: false };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
    for (const k of CLEAN_ENV) delete process.env[k];
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(scratchBase(), 'efs-okta-bad-config-'));
  const viaBinary = Promise.all(
    CASES.map(async (c, i) => {
      if (THROUGH_BINARY.includes(c.name)) binary.set(c.name, await runCli(argsFor(c, 100 + i), { cwd: FIXTURES, env: c.env ?? TOKEN, timeoutMs: 45_000 }));
    }),
  );
  for (const [i, c] of CASES.entries()) results.set(c.name, await inProcess(c, i));
  await viaBinary;
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The message lines: without commander's usage hint and the "FILE is not valid:" heading of schema issues. */
function messageLines(stderr: string): string[] {
  return stderr
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('(run with --help') && !/ is not valid:$/.test(l));
}

describe('robustness: bad configs and flags, one message each naming key, value and what is allowed (exit 2)', () => {
  for (const c of CASES) {
    it(`${c.name}`, () => {
      const r = results.get(c.name) as CliResult;
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = messageLines(r.stderr);
      expect(lines, r.stderr).toHaveLength(1);
      for (const fragment of c.says) expect(lines[0]).toContain(fragment);
      expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
      const b = binary.get(c.name);
      if (b) expect([b.code, b.stdout, messageLines(b.stderr)]).toEqual([2, '', lines]);
    });
  }

  it('runs the cases through the built binary too (exit status 2, the same one message)', () => {
    expect([...binary.keys()].sort()).toEqual([...THROUGH_BINARY].sort());
  });

  it('leaves nothing behind in the fixtures folder (no journal, no report)', () => {
    expect(existsSync(path.join(FIXTURES, 'acme.efs-okta.sqlite'))).toBe(false);
    expect(existsSync(path.join(FIXTURES, 'acme-reports'))).toBe(false);
  });
});
