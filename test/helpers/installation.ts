import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRuntime, userSourceSpecs, type Runtime } from '../../src/app/runtime.js';
import { FakeClock, type Clock } from '../../src/core/clock.js';
import { createUsers, type CreateOptions, type CreateSummary } from '../../src/users/create.js';
import { snapshotUsers } from '../../src/users/plan.js';
import { startSimulator, type SimOptions, type Simulator } from '../../src/sim/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');
export const SAMPLES = path.join(REPO, 'test', 'fixtures', 'samples');
export const DIST_CLI = path.join(REPO, 'dist', 'cli', 'main.js');

/** The sample installation's config (test/fixtures/samples, or copies of them in `dir`), pointed at a simulator. */
export function samplesConfig(orgUrl: string, extra = '', dir = SAMPLES): string {
  return `installation: samples
okta: { orgUrl: ${JSON.stringify(orgUrl)}, share: 1, tokenShare: 1, concurrency: 4 }
sources:
  admins:
    file: ${JSON.stringify(path.join(dir, 'admins.csv'))}
    delimiter: ";"
    columns: { key: admin_id, email: email, firstName: first_name, lastName: last_name, locale: language }
    federatedWhen: { auth: sso }
  panelists:
    file: ${JSON.stringify(path.join(dir, 'panelists.csv'))}
    delimiter: ";"
    columns: { key: pcode, email: u_email, firstName: u_firstname, lastName: u_name, locale: u_language, status: p_status, lastLogin: last_login }
    include: { p_status: [active] }
  portals:
    file: ${JSON.stringify(path.join(dir, 'portals.csv'))}
    delimiter: ";"
    columns: { key: portal_id, name: name, url: url }
federation: { domains: [acme-corp.example] }
journal: ./samples.efs-okta.sqlite
${extra}`;
}

export interface TestInstallation {
  dir: string;
  configFile: string;
  sim: Simulator;
  env: NodeJS.ProcessEnv;
  open(options?: { clock?: Clock; lock?: string }): Promise<Runtime>;
  /** Snapshot the sources into the journal and run phase 1 in-process. */
  create(options?: Partial<CreateOptions> & { rt?: Runtime }): Promise<CreateSummary>;
  cleanup(): Promise<void>;
}

export async function testInstallation(options: { sim?: SimOptions; configText?: (orgUrl: string) => string; extraConfig?: string } = {}): Promise<TestInstallation> {
  const sim = await startSimulator({ token: 'test-token-installation-0001', seed: 3, noLimits: true, ...options.sim });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-inst-'));
  const configFile = path.join(dir, 'efs-okta.yaml');
  writeFileSync(configFile, options.configText ? options.configText(sim.url) : samplesConfig(sim.url, options.extraConfig));
  // In-process runs here share no budget (their clocks may be fake); the budget suites test sharing.
  const env = { OKTA_API_TOKEN: sim.token, EFS_OKTA_BUDGET_STORE: 'none' } as NodeJS.ProcessEnv;
  const inst: TestInstallation = {
    dir, configFile, sim, env,
    open: async (o = {}) => {
      return openRuntime({ configPath: configFile, okta: true, env, clock: o.clock, lock: o.lock });
    },
    create: async (o = {}) => {
      const rt = o.rt ?? (await inst.open());
      try {
        const snap = await snapshotUsers(rt.journal, userSourceSpecs(rt.config));
        snap.apply(rt.clock.now());
        snap.discard();
        return await createUsers(
          { journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: rt.clock },
          { installation: rt.config.installation, kinds: ['admin', 'panelist'], onExisting: rt.config.onExisting, concurrency: rt.config.okta.concurrency, groupNames: rt.config.groups, ...o },
        );
      } finally {
        if (!o.rt) rt.close();
      }
    },
    cleanup: async () => {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return inst;
}

/** Users in the simulated org, by lower-cased login (to count duplicates). */
export function oktaLogins(sim: Simulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const u of sim.org.users.iterateFrom(0)) {
    const k = u.login.toLowerCase();
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

export { FakeClock };
