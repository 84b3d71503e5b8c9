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

/**
 * The same, written by a child process: generating a million rows leaves garbage in the heap of the
 * process that wrote them, and a bench measuring the tool's peak RSS must not count it.
 */
export async function writeBenchInstallationElsewhere(dir: string, rows: number, orgUrl: string, extraConfig = ''): Promise<string> {
  const { spawn } = await import('node:child_process');
  const self = new URL(import.meta.url).href;
  const script = `import(${JSON.stringify(self)}).then((m) => m.writeBenchInstallation(${JSON.stringify(dir)}, ${rows}, ${JSON.stringify(orgUrl)}, ${JSON.stringify(extraConfig)})).then((f) => process.stdout.write(f))`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`writing the bench installation failed (exit ${code})`))));
  });
}
