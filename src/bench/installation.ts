import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { panelistRow, seeded } from '../demo/generate.js';

/** Writes a panelists.csv of `rows` generated rows (streamed) plus a config for it; returns the config path. */
export async function writeBenchInstallation(dir: string, rows: number, orgUrl: string, extraConfig = ''): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(path.join(dir, 'panelists.csv'));
  const rnd = seeded(7);
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('pcode;u_email;u_firstname;u_name;u_gender;u_language;p_status;last_login\n');
  for (let i = 1; i <= rows; i++) {
    const r = panelistRow(i, rnd);
    r[6] = 'active';
    await write(`${r.join(';')}\n`);
  }
  out.end();
  await once(out, 'finish');
  const config = path.join(dir, 'efs-okta.yaml');
  writeFileSync(config, `installation: bench
okta: { orgUrl: ${JSON.stringify(orgUrl)} }
sources:
  panelists:
    file: panelists.csv
    delimiter: ";"
    columns: { key: pcode, email: u_email, firstName: u_firstname, lastName: u_name, locale: u_language, status: p_status, lastLogin: last_login }
    include: { p_status: [active] }
${extraConfig}`);
  return config;
}
