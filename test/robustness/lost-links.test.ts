import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installation, rng, type Installation } from './harness.js';

/**
 * `users activate --no-email` killed (SIGKILL) while activations are in flight: Okta has carried
 * some of them out (the users are PROVISIONED) but their links never reached the links file. Such a
 * record is never counted as activated: `status` and `verify` show it, and the next run issues a
 * new link (POST /lifecycle/reactivate?sendEmail=false). No email is ever sent.
 */
let inst: Installation;

beforeAll(async () => {
  inst = await installation({ panelists: 900, seed: 51, sim: { latencyMs: 8, jitterMs: 4, seed: 23 } });
  const create = await inst.cli(['users', 'create']);
  expect(create.stdout).toMatch(/failed 0 in/);
}, 60_000);
afterAll(async () => {
  await inst?.cleanup();
});

/** Every links file the runs wrote (oldest first): okta id → the newest link handed over. */
function linksOnFile(): Map<string, string> {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/^activation-links-.*\.csv$/.test(name)) files.push(full);
    }
  };
  walk(inst.dir);
  files.sort();
  const idByKey = new Map(inst.rows().map((r) => [`${r.kind}:${r.key}`, r.oktaId]));
  const links = new Map<string, string>();
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      if (!line.trim()) continue;
      const [kind, key, , url] = line.split(',');
      const id = idByKey.get(`${kind}:${key}`);
      if (id && url) links.set(id, url);
    }
  }
  return links;
}

function provisioned(): string[] {
  return [...inst.sim.org.users.iterateFrom(0)].filter((u) => u.status === 'PROVISIONED').map((u) => u.id);
}

describe('robustness: users activate --no-email killed while links are in flight', () => {
  it('a PROVISIONED user whose link is on no file is never counted as activated; status and verify show it; the next run issues a new link (no email)', async () => {
    const r = rng(9005);
    let lost: string[] = [];
    // Kill until a kill lands between Okta's answer and the links file (the first one almost always does).
    for (let kill = 0; kill < 6 && lost.length === 0; kill++) {
      const target = provisioned().length + r.int(30, 90);
      const run = await inst.cli(['users', 'activate', '--no-email'], { killWhen: () => provisioned().length >= target });
      expect(run.killed, run.stderr).toBe(true);
      const onFile = linksOnFile();
      lost = provisioned().filter((id) => !onFile.has(id));
    }
    expect(lost.length, 'activations whose link was lost by the kill').toBeGreaterThan(0);

    // Never counted as activated: the journal says the link is pending (lost), not active.
    const byId = new Map(inst.rows().map((row) => [row.oktaId, row]));
    for (const id of lost) expect(byId.get(id), id).toMatchObject({ state: 'activating', activation: 'link', reason: 'activation.link_pending' });

    const status = await inst.cli(['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/needs attention:[\s\S]*activation\.link_pending: \d+/);

    const verify = await inst.cli(['verify']);
    expect(verify.stdout).toMatch(/activation_link_lost/);
    expect(verify.code).not.toBe(0);

    const report = await inst.cli(['report', '--format', 'json']);
    expect(report.code, report.stderr).toBe(0);
    const reported = new Map((JSON.parse(report.stdout) as { okta_id: string | null; state: string; reason: string | null }[]).map((x) => [x.okta_id, x]));
    for (const id of lost) expect(reported.get(id), id).toMatchObject({ state: 'activating', reason: 'activation.link_pending' });

    const resumed = await inst.cli(['users', 'activate', '--no-email'], { timeoutMs: 120_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    const links = linksOnFile();
    const live = inst.rows().filter((row) => ['staged', 'activating', 'active'].includes(row.state));
    expect(live.filter((row) => row.state !== 'active').map((row) => `${row.key}:${row.state}:${row.reason}`)).toEqual([]);
    // Every activated user has a link on file; the lost ones a new one from this run.
    for (const row of live) expect(links.has(row.oktaId as string), `${row.kind}:${row.key} has a link`).toBe(true);
    const now = new Map(inst.rows().map((row) => [row.oktaId, row]));
    for (const id of lost) expect(now.get(id), id).toMatchObject({ state: 'active', reason: 'activation.link' });
    for (const u of inst.sim.org.users.iterateFrom(0)) expect(u.status).toBe('PROVISIONED');
    expect(inst.sim.outbox()).toEqual([]);
    const after = await inst.cli(['verify']);
    expect(after.code, after.stdout).toBe(0);
    console.info(`lost links: ${lost.length} after the kill, each issued anew; ${live.length} users activated`);
  }, 180_000);
});
