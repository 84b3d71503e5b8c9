import { appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { main as cli } from '../cli/main.js';
import { startSimulator } from '../sim/index.js';
import { generateInstallation } from './generate.js';

/**
 * `npm run demo`: the whole job on the embedded default. A generated installation (seeded, nothing read from
 * outside the repository), the Okta simulator in-process (Okta's default limits; its rate window shortened to
 * 6 s so a minute of Okta time passes in 6 s), and the real CLI verbs, in the order of the runbook.
 */
const WINDOW_SECONDS = 6;

async function step(title: string, argv: string[]): Promise<number> {
  process.stdout.write(`\n\x1b[1m$ efs-okta ${argv.join(' ')}\x1b[0m   # ${title}\n`);
  const code = await cli(['node', 'efs-okta', ...argv]);
  process.exitCode = undefined;
  const meaning: Record<number, string> = { 0: 'done', 1: 'done; some records need attention (invalid, conflict): they are in the report', 2: 'usage or config error', 3: 'stopped: auth or fatal error', 130: 'interrupted' };
  process.stdout.write(`(exit ${code}: ${meaning[code] ?? 'unexpected'})\n`);
  return code;
}

async function run(): Promise<void> {
  const dir = path.resolve(process.env.EFS_OKTA_DEMO_DIR ?? 'demo-output');
  rmSync(dir, { recursive: true, force: true });
  const sim = await startSimulator({ windowSeconds: WINDOW_SECONDS, latencyMs: 20, jitterMs: 10, seed: 1 });
  try {
    process.env.OKTA_API_TOKEN = sim.token;
    const inst = generateInstallation(dir, { orgUrl: sim.url, panelists: 300 });
    process.stdout.write(`efs-okta demo\n  simulated Okta org: ${sim.url} (rate window ${WINDOW_SECONDS}s instead of 60s)\n  installation: ${inst.dir} (${inst.counts.admins} admins, ${inst.counts.panelists} panelists, ${inst.counts.portals} portals)\n`);
    const c = ['-c', inst.configFile];
    await step('what would happen, and how long it takes', ['plan', ...c]);
    await step('phase 1: create everyone STAGED (no email)', ['users', 'create', ...c]);
    appendFileSync(inst.files.panelists, 'PN00001;new.registration@example.com;Nina;Neu;2;de;active;2026-11-20\n');
    process.stdout.write('\n# a new panelist registers before go-live: the next run syncs only what changed\n');
    await step('sync what changed', ['users', 'create', ...c]);
    await step('where it stands', ['status', ...c]);
    await step('register the portals as OIDC apps', ['portals', 'sync', ...c]);
    await step('phase 2, first wave: the admins', ['users', 'activate', '--kind', 'admins', ...c]);
    await step('phase 2: the panelists (more than 50 emails: --yes)', ['users', 'activate', '--kind', 'panelists', '--yes', ...c]);
    // A third of the panelists follow their link and set a password (the simulator's stand-in for them).
    const emailed = sim.outbox();
    for (const m of emailed.filter((_, i) => i % 3 === 0)) {
      await fetch(`${sim.url}/__sim/activate/${m.activationUrl.slice(m.activationUrl.lastIndexOf('/') + 1)}`, {
        method: 'POST', headers: { authorization: `SSWS ${sim.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ password: 'Demo-Passw0rd!' }),
      });
    }
    process.stdout.write(`\n# ${Math.ceil(emailed.length / 3)} users follow their link and set a password\n`);
    await step('who set a password (read-only on Okta)', ['users', 'refresh', ...c]);
    await step('prove journal and Okta agree', ['verify', ...c]);
    const reportCsv = path.join(dir, 'report.csv');
    const reportHtml = path.join(dir, 'report.html');
    await step('the per-record report', ['report', '--format', 'csv', '-o', reportCsv, ...c]);
    await step('the report for the customer', ['report', '--format', 'html', '-o', reportHtml, ...c]);
    process.stdout.write(`\nactivation emails sent by the simulated org: ${sim.outbox().length}\n`);
    process.stdout.write(`portal credentials (mode 0600): ${path.join(dir, 'portal-credentials.json')}\n`);
    process.stdout.write(`report: ${reportCsv}\nreport for the customer: ${reportHtml}\n`);
  } finally {
    await sim.stop();
  }
}

run().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
