import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { main } from '../../src/cli/main.js';
import { startSimulator, type SimOptions, type Simulator } from '../../src/sim/index.js';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';

/**
 * One installation directory (config, portals CSV, journal, credentials file) in front of a real
 * simulator over loopback, with a recording proxy between the two. `sync()` runs the real CLI
 * (`efs-okta portals sync ...`) in-process and captures what it prints.
 */
export const SAMPLES_CONFIG = fileURLToPath(new URL('../fixtures/samples.efs-okta.yaml', import.meta.url));

export interface PortalHarness {
  dir: string;
  sim: Simulator;
  proxy: RecordingProxy;
  configFile: string;
  csv: string;
  journalFile: string;
  credentialsFile: string;
  tokenFile: string;
  sync(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Every byte of the journal (the SQLite file and its WAL/SHM companions). */
  journalBytes(): Buffer;
  close(): Promise<void>;
}

export async function startPortalHarness(options: { portals?: Record<string, unknown>; sim?: SimOptions } = {}): Promise<PortalHarness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-portals-'));
  const sim = await startSimulator(options.sim ?? { noLimits: true, seed: 7 });
  const proxy = await startRecordingProxy(sim.url);
  // The portal source as the samples config maps it; journal and credentials file in the temp dir.
  const fixture = parseYaml(readFileSync(SAMPLES_CONFIG, 'utf8')) as { sources: { portals: { file: string } & Record<string, unknown> } };
  const csv = path.join(dir, 'portals.csv');
  copyFileSync(path.resolve(path.dirname(SAMPLES_CONFIG), fixture.sources.portals.file), csv);
  const config = {
    installation: 'acme',
    sources: { portals: { ...fixture.sources.portals, file: 'portals.csv' } },
    journal: 'acme.efs-okta.sqlite',
    portals: { credentialsFile: 'handover/portal-credentials.json', initiateLoginPath: '/login', ...options.portals },
  };
  const configFile = path.join(dir, 'efs-okta.yaml');
  writeFileSync(configFile, stringifyYaml(config));
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, `${sim.token}\n`, { mode: 0o600 });
  const journalFile = path.join(dir, 'acme.efs-okta.sqlite');
  return {
    dir,
    sim,
    proxy,
    configFile,
    csv,
    journalFile,
    credentialsFile: path.join(dir, 'handover', 'portal-credentials.json'),
    tokenFile,
    async sync(...args: string[]) {
      let stdout = '';
      let stderr = '';
      const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        stdout += String(chunk);
        return true;
      });
      const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        stderr += String(chunk);
        return true;
      });
      try {
        const code = await main(['node', 'efs-okta', 'portals', 'sync', '-c', configFile, '--org-url', proxy.url, '--token-file', tokenFile, ...args]);
        return { code, stdout, stderr };
      } finally {
        out.mockRestore();
        err.mockRestore();
        process.exitCode = undefined;
      }
    },
    journalBytes() {
      const base = path.basename(journalFile);
      return Buffer.concat(readdirSync(dir).filter((f) => f.startsWith(base)).map((f) => readFileSync(path.join(dir, f))));
    },
    async close() {
      await proxy.stop();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CredentialsEntry {
  clientId: string;
  clientSecret: string;
  appId: string;
  label: string;
  issuedAt: string;
}

export function readCredentials(file: string): Record<string, CredentialsEntry> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, CredentialsEntry>) : {};
}
