import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, samplesConfig } from '../helpers/installation.js';

/**
 * The package as a library: package.json's main and types are the built dist/index.js and its
 * declarations, and a command called through them runs (`npm test` builds dist/ first).
 */
type Library = typeof import('../../src/index.js');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { main: string; types: string };

let lib: Library;
let sim: Awaited<ReturnType<Library['startSimulator']>>;
let dir: string;
let configFile: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  lib = (await import(pathToFileURL(path.join(REPO, pkg.main)).href)) as Library;
  sim = await lib.startSimulator({ token: 'test-token-library-0001', seed: 5, noLimits: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-library-'));
  configFile = path.join(dir, 'efs-okta.yaml');
  writeFileSync(configFile, samplesConfig(sim.url));
  env = { OKTA_API_TOKEN: sim.token, EFS_OKTA_BUDGET_STORE: 'none' };
});
afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('index: the library package.json points at', () => {
  it('main and types exist after the build', () => {
    expect(existsSync(path.join(REPO, pkg.main))).toBe(true);
    expect(existsSync(path.join(REPO, pkg.types))).toBe(true);
  });

  it('plan against the simulator: read-only, no journal file made', async () => {
    const rt = await lib.openRuntime({ configPath: configFile, okta: true, readonly: true, emptyJournalIfMissing: true, env });
    try {
      const s = await lib.plan(rt, { env });
      expect(s.installation).toBe('samples');
      expect(s.plan.toCreate).toBeGreaterThan(0);
      expect(s.plan.rate?.limit).toBeGreaterThan(0);
      expect(s.exitCode).toBe(lib.EXIT_CODES.done);
      expect(s.journalInMemory).toBe(true);
    } finally {
      rt.close();
    }
    expect(existsSync(path.join(dir, 'samples.efs-okta.sqlite'))).toBe(false);
  });

  it('createUsers on the sample installation: typed summary, exit code and a run record', async () => {
    const rt = await lib.openRuntime({ configPath: configFile, okta: true, env });
    try {
      const r = await lib.createUsers(rt, { kinds: ['admin'] });
      expect(r.summary.created).toBeGreaterThan(0);
      expect(r.outcome).toBe('done');
      // The samples hold invalid admins on purpose: records need attention.
      expect(r.exitCode).toBe(lib.EXIT_CODES.attention);
      expect(rt.journal.lastRuns(1)[0]).toMatchObject({ id: r.runId, phase: 'create', outcome: 'done' });
      await expect(lib.createUsers(rt, { kinds: ['admin'] })).resolves.toMatchObject({ summary: { created: 0 } });
    } finally {
      rt.close();
    }
  }, 60_000);
});
