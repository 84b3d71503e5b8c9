import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A sample installation with its own seeded data (generated, no file outside the repository): admins, panelists and portals as
 * EFS exports them (semicolon-separated, UTF-8), with the imperfections real exports have.
 */
export interface DemoInstallation {
  dir: string;
  configFile: string;
  files: { admins: string; panelists: string; portals: string };
  counts: { admins: number; panelists: number; portals: number };
}

/** Mulberry32: a tiny seeded PRNG, so the demo is the same on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hannes', 'Ida', 'Jonas', 'Karla', 'Lukas', 'Mia', 'Noah', 'Olivia', 'Paul', 'Renée', 'Zoë', 'José', 'Øystein'];
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', "O'Brien", 'van der Berg', 'García'];
const DOMAINS = ['example.com', 'example.net', 'mail.example.org', 'panel.example.de'];
const STATUSES = ['active', 'active', 'active', 'active', 'active', 'active', 'inactive', 'deleted', 'blocked'];

function ascii(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ø/g, 'o').replace(/Ø/g, 'O').replace(/[^A-Za-z]/g, '').toLowerCase();
}

export function panelistRow(i: number, rnd: () => number): string[] {
  const first = FIRST[Math.floor(rnd() * FIRST.length)] as string;
  const last = LAST[Math.floor(rnd() * LAST.length)] as string;
  const domain = DOMAINS[Math.floor(rnd() * DOMAINS.length)] as string;
  const status = STATUSES[Math.floor(rnd() * STATUSES.length)] as string;
  const day = String(1 + Math.floor(rnd() * 28)).padStart(2, '0');
  const month = String(1 + Math.floor(rnd() * 11)).padStart(2, '0');
  return [`P${String(i).padStart(7, '0')}`, `${ascii(first)}.${ascii(last)}${i}@${domain}`, first, last, rnd() < 0.5 ? '1' : '2', rnd() < 0.5 ? 'de' : 'en', status, `2026-${month}-${day}`];
}

function csv(rows: string[][]): string {
  return `${rows.map((r) => r.map((c) => (/[;"\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(';')).join('\n')}\n`;
}

export function generateInstallation(dir: string, options: { panelists?: number; seed?: number; orgUrl: string; installation?: string }): DemoInstallation {
  const rnd = seeded(options.seed ?? 42);
  const n = options.panelists ?? 300;
  const installation = options.installation ?? 'demo';
  mkdirSync(dir, { recursive: true });
  const admins: string[][] = [['admin_id', 'username', 'email', 'first_name', 'last_name', 'language', 'auth']];
  admins.push(['1', 'mia', 'mia.weber@example.com', 'Mia', 'Weber', 'de', 'password']);
  admins.push(['2', 'jonas', 'jonas.schneider@example.com', 'Jonas', 'Schneider', 'en', 'password']);
  admins.push(['3', 'oystein', 'oystein.schmidt@acme-corp.example', 'Øystein', 'Schmidt', 'en', 'sso']);
  admins.push(['4', 'root', '', 'System', 'Administrator', 'en', 'password']);
  admins.push(['5', 'clara', 'clara.koch@example.com', 'Clara', 'Koch', 'de', 'password']);
  const panelists: string[][] = [['pcode', 'u_email', 'u_firstname', 'u_name', 'u_gender', 'u_language', 'p_status', 'last_login']];
  for (let i = 1; i <= n; i++) panelists.push(panelistRow(i, rnd));
  // The imperfections of real exports.
  panelists.push(['PX00001', 'not-an-email', 'Broken', 'Address', '1', 'de', 'active', '']);
  panelists.push(['PX00002', 'no.firstname@example.com', '', 'Becker', '2', 'de', 'active', '']);
  panelists.push(['PX00003', 'long.name@example.com', 'Hanna', 'X'.repeat(60), '1', 'de', 'active', '']);
  panelists.push(['PX00004', '  MIA.WEBER@EXAMPLE.COM ', 'Mia', 'Weber', '1', 'de', 'active', '2026-10-01']);
  panelists.push(['PX00005', 'zoë.umlaut@example.com', 'Zoë', 'Umlaut', '1', 'de', 'active', '']);
  panelists.push(['PX00006', 'emma.federated@acme-corp.example', 'Emma', 'Wagner', '2', 'en', 'active', '']);
  panelists.push(['PX00007', 'quoted@example.com', 'Quoted; Name', 'Meyer', '1', 'en', 'active', '']);
  panelists.push(['PX00008', 'Anna.Muller@Example.com', 'Anna', 'Müller', '1', 'de', 'active', '2026-01-05']);
  panelists.push(['PX00009', 'anna.müller@example.com', 'Anna', 'Müller', '1', 'de', 'active', '2026-09-05']);
  const portals = [
    ['portal_id', 'name', 'url', 'type'],
    ['1', 'Consumer Panel', 'https://panel.example.com/', 'panel'],
    ['2', 'Employee Portal', 'https://survey.example.com/employee', 'employee'],
    ['3', 'Customer Community', 'https://community.example.org', 'community'],
    ['4', 'Legacy Site', 'http://legacy.example.org/*', 'panel'],
  ];
  const files = { admins: path.join(dir, 'admins.csv'), panelists: path.join(dir, 'panelists.csv'), portals: path.join(dir, 'portals.csv') };
  writeFileSync(files.admins, csv(admins));
  writeFileSync(files.panelists, csv(panelists));
  writeFileSync(files.portals, csv(portals));
  const configFile = path.join(dir, 'efs-okta.yaml');
  writeFileSync(configFile, demoConfig(installation, options.orgUrl));
  return { dir, configFile, files, counts: { admins: admins.length - 1, panelists: panelists.length - 1, portals: portals.length - 1 } };
}

function demoConfig(installation: string, orgUrl: string): string {
  return `installation: ${installation}
okta:
  orgUrl: ${orgUrl}
  share: 0.8
  tokenShare: 0.5     # Okta's default per-token limit: half of each bucket
  concurrency: 8
  budget: { dir: state }   # the shared rate budget's ledger stays in the demo's folder
sources:
  admins:
    file: admins.csv
    delimiter: ";"
    columns: { key: admin_id, email: email, firstName: first_name, lastName: last_name, locale: language }
    federatedWhen: { auth: sso }
  panelists:
    file: panelists.csv
    delimiter: ";"
    columns: { key: pcode, email: u_email, firstName: u_firstname, lastName: u_name, locale: u_language, status: p_status, lastLogin: last_login }
    include: { p_status: [active] }
  portals:
    file: portals.csv
    delimiter: ";"
    columns: { key: portal_id, name: name, url: url }
federation:
  domains: [acme-corp.example]
missingName: invalid
onExisting: report
journal: ./${installation}.efs-okta.sqlite
`;
}
