import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { portalJournal } from '../../src/journal/portals.js';
import { openJournal } from '../../src/journal/sqlite.js';
import type { PrivateMariaDb } from '../../src/bench/mariadb-server.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { DIST_CLI } from '../helpers/installation.js';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';
import { exampleQueries, extraPanelists } from './efs-fixture.js';

/**
 * One installation directory (config, journal, credentials file) run with the built CLI
 * (`node dist/cli/main.js`, as an operator runs it) against its own simulator behind a recording
 * proxy. The same data is configured either as CSV exports or as database queries, so a test can
 * compare the two outcomes key by key.
 */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface PhaseInstallation {
  dir: string;
  configFile: string;
  journalFile: string;
  credentialsFile: string;
  sim: Simulator;
  proxy: RecordingProxy;
  cli(...args: string[]): Promise<CliRun>;
  /** Every byte of the journal (the SQLite file and its WAL/SHM companions). */
  journalBytes(): Buffer;
  close(): Promise<void>;
}

const COLUMNS = {
  admins: `columns: { key: admin_id, email: email, firstName: first_name, lastName: last_name, locale: language }
    federatedWhen: { auth: sso }`,
  panelists: `columns: { key: pcode, email: u_email, firstName: u_firstname, lastName: u_name, locale: u_language, status: p_status, lastLogin: last_login }
    include: { p_status: [active] }`,
  portals: 'columns: { key: portal_id, name: name, url: url }',
};

type Kind = keyof typeof COLUMNS;

/** `file:` lines for CSV exports, or `type: database` + the query (as a YAML literal block). */
export type SourceLocation = Record<Kind, string>;

export function csvLocations(dir: string): SourceLocation {
  const at = (kind: Kind): string => `file: ${JSON.stringify(path.join(dir, `${kind}.csv`))}\n    delimiter: ";"`;
  return { admins: at('admins'), panelists: at('panelists'), portals: at('portals') };
}

export function databaseLocations(queries: Partial<Record<Kind, string>> = {}): SourceLocation {
  const at = (kind: Kind): string => `type: database\n    query: |\n      ${queries[kind] ?? exampleQueries[kind]}`;
  return { admins: at('admins'), panelists: at('panelists'), portals: at('portals') };
}

export function configText(orgUrl: string, sources: SourceLocation, extra = ''): string {
  const source = (kind: Kind): string => `  ${kind}:\n    ${sources[kind]}\n    ${COLUMNS[kind]}`;
  return `installation: samples
okta: { orgUrl: ${JSON.stringify(orgUrl)}, share: 1, tokenShare: 1, concurrency: 4 }
sources:
${source('admins')}
${source('panelists')}
${source('portals')}
federation: { domains: [acme-corp.example] }
journal: ./samples.efs-okta.sqlite
portals: { credentialsFile: handover/portal-credentials.json }
${extra}`;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/samples', import.meta.url));

/**
 * The same person twice, which the samples only show with one of the two blocked: a panelist whose
 * email differs from P000018's only by case and spaces, and a panelist who is also admin 2.
 * Columns as in panelists.csv (pcode … last_login).
 */
export const duplicatePanelists: string[][] = [
  ['P900004', ' HANNA.Weber18@example.net', 'Hanna', 'Weber', '', 'de', 'active', ''],
  ['P900005', 'jonas.2@example.com', 'Jonas', 'Schneider', '1', 'en', 'active', '2026-03-01'],
];

/** Inserts `duplicatePanelists` into the EFS-like schema (NULL where the CSV is empty). */
export async function insertDuplicatePanelists(server: PrivateMariaDb, database: string): Promise<void> {
  const rows = duplicatePanelists.map((r) => [r[0], r[1], r[2], r[3], r[4] === '' ? null : Number(r[4]), r[5] || null, 0, r[7] || null]);
  await server.exec(`INSERT INTO \`${database}\`.panelists (pseudonym, u_email, u_firstname, u_name, u_gender, u_language, pstatus, last_login) VALUES ?`, [rows]);
}

/**
 * The CSV samples as exports, with the extra database rows the example query returns appended
 * (4-byte UTF-8 name, zero date → empty) and `duplicatePanelists`, so that both sources hold
 * exactly the same data.
 */
export function writeCsvExports(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const kind of ['admins', 'portals'] as const) writeFileSync(path.join(dir, `${kind}.csv`), readFileSync(path.join(FIXTURES, `${kind}.csv`)));
  const extra = extraPanelists
    .filter((e) => (e.pinput & 32) === 0)
    .map((e) => [e.pseudonym, e.u_email, e.u_firstname, e.u_name, '', '', 'active', e.last_login === '0000-00-00' ? '' : (e.last_login ?? '')].join(';'));
  const text = readFileSync(path.join(FIXTURES, 'panelists.csv'), 'utf8').replace(/\n*$/, '\n');
  const lines = [...extra, ...duplicatePanelists.map((r) => r.join(';'))];
  writeFileSync(path.join(dir, 'panelists.csv'), `${text}${lines.join('\n')}\n`);
}

export function assertCliBuilt(): void {
  if (!existsSync(DIST_CLI)) throw new Error(`${DIST_CLI} is missing: run "npm run build" first (npm test does)`);
}

export async function startPhaseInstallation(sources: SourceLocation, env: NodeJS.ProcessEnv, extraConfig = ''): Promise<PhaseInstallation> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-db-phases-'));
  const sim = await startSimulator({ token: 'test-token-db-phases-0001', seed: 5, noLimits: true });
  const proxy = await startRecordingProxy(sim.url);
  const configFile = path.join(dir, 'efs-okta.yaml');
  writeFileSync(configFile, configText(proxy.url, sources, extraConfig));
  const journalFile = path.join(dir, 'samples.efs-okta.sqlite');
  // Only what the CLI needs: no OKTA_ORG_URL or EFS_DB_PASSWORD of the developer's shell leaks in.
  // The shared rate budget's ledger stays in the test's directory, not the user's home.
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, OKTA_API_TOKEN: sim.token, EFS_OKTA_STATE_DIR: path.join(dir, 'state'), ...env };
  return {
    dir,
    configFile,
    journalFile,
    credentialsFile: path.join(dir, 'handover', 'portal-credentials.json'),
    sim,
    proxy,
    cli: (...args) => runCli([...args, '-c', configFile], childEnv, dir),
    journalBytes: () => Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('samples.efs-okta.sqlite')).map((f) => readFileSync(path.join(dir, f)))),
    close: async () => {
      await proxy.stop();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawned, not spawnSync: the simulator answers from this process's event loop. */
function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DIST_CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What a record ended as, per `kind:key`, without the line (a file line is not a row number). */
export function userOutcomes(journalFile: string): Map<string, Record<string, unknown>> {
  const journal = openJournal(journalFile, { readonly: true });
  try {
    const out = new Map<string, Record<string, unknown>>();
    for (const r of journal.all()) {
      out.set(`${r.kind}:${r.key}`, {
        state: r.state, reason: r.reason, duplicateOf: r.duplicateOf, login: r.login, email: r.email, firstName: r.firstName,
        lastName: r.lastName, locale: r.locale, status: r.status, lastLogin: r.lastLogin, groups: r.groups, ours: r.ours, sourceHash: r.sourceHash,
      });
    }
    return out;
  } finally {
    journal.close();
  }
}

export function portalOutcomes(journalFile: string): Map<string, Record<string, unknown>> {
  const journal = openJournal(journalFile, { readonly: true });
  try {
    return new Map(portalJournal(journal).all().map((r) => [r.key, { state: r.state, reason: r.reason, label: r.label }]));
  } finally {
    journal.close();
  }
}

/** The simulated org's users by login (ids differ between two orgs; what was created must not). */
export function oktaUsers(sim: Simulator): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const u of sim.org.users.iterateFrom(0)) out.set(u.login, { status: u.status, email: u.email, firstName: u.firstName, lastName: u.lastName });
  return out;
}
