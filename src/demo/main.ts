import { appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { openRuntime, type Runtime, type RuntimeOptions } from '../app/runtime.js';
import { activateUsers } from '../commands/activate-users.js';
import { createUsers } from '../commands/create-users.js';
import { exitCodeForError } from '../commands/exit-codes.js';
import { plan } from '../commands/plan.js';
import { refreshUsers } from '../commands/refresh-users.js';
import { report } from '../commands/report.js';
import { status } from '../commands/status.js';
import { syncPortals } from '../commands/sync-portals.js';
import { verify } from '../commands/verify.js';
import { describeError } from '../core/errors.js';
import { terminalLines, terminalText } from '../core/terminal-text.js';
import { attachProgress } from '../report/progress.js';
import { renderPlan } from '../cli/plan.js';
import { renderPortalSync } from '../cli/portals.js';
import { sendOptions } from '../cli/send-flags.js';
import { renderStatus } from '../cli/status.js';
import { renderActivated } from '../cli/users-activate.js';
import { renderCreated, showSnapshot } from '../cli/users-create.js';
import { renderRefreshed } from '../cli/users-refresh.js';
import { renderVerify } from '../cli/verify.js';
import { startSimulator } from '../sim/index.js';
import { generateInstallation } from './generate.js';

/**
 * `npm run demo`: the whole job on the embedded default. A generated installation (seeded, nothing read from
 * outside the repository), the Okta simulator in-process (Okta's default limits; its rate window shortened to
 * 6 s so a minute of Okta time passes in 6 s), and the library's commands (src/commands) in the order of the
 * runbook, each shown as the CLI line that runs it and rendered as the CLI renders it.
 */
const WINDOW_SECONDS = 6;
const MEANING: Record<number, string> = { 0: 'done', 1: 'done; some records need attention (invalid, conflict): they are in the report', 2: 'usage or config error', 3: 'stopped: auth or fatal error', 130: 'interrupted' };

async function step(title: string, argv: string[], run: () => Promise<number>): Promise<number> {
  process.stdout.write(`\n\x1b[1m$ efs-okta ${argv.join(' ')}\x1b[0m   # ${title}\n`);
  let code: number;
  try {
    code = await run();
  } catch (err) {
    process.stderr.write(`efs-okta: ${terminalLines(describeError(err))}\n`);
    code = exitCodeForError(err);
  }
  process.stdout.write(`(exit ${code}: ${MEANING[code] ?? 'unexpected'})\n`);
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
    /** A runtime on the demo's config for one command, closed after it; progress on stderr as the CLI shows it. */
    const withRuntime = async <T>(options: Omit<RuntimeOptions, 'configPath'>, fn: (rt: Runtime) => Promise<T>): Promise<T> => {
      const rt = await openRuntime({ configPath: inst.configFile, ...options });
      const detach = attachProgress(rt.emitter);
      try {
        return await fn(rt);
      } finally {
        detach();
        rt.close();
      }
    };
    const create = (): Promise<number> => withRuntime({ okta: true }, async (rt) => {
      const r = await createUsers(rt, { onSnapshot: showSnapshot });
      process.stdout.write(renderCreated(r.summary, rt.journal));
      return r.exitCode;
    });
    const activate = (kind: 'admins' | 'panelists', yes: boolean): Promise<number> => withRuntime({ okta: true }, async (rt) => {
      const r = await activateUsers(rt, { ...sendOptions({ yes }), kinds: [kind === 'admins' ? 'admin' : 'panelist'] });
      process.stdout.write(renderActivated(r.summary, rt.journal));
      return r.exitCode;
    });
    const reportTo = (format: 'csv' | 'html', file: string): Promise<number> => withRuntime({ okta: false, readonly: true }, async (rt) => {
      const r = await report(rt, { format, output: file });
      process.stderr.write(r.records === null ? `efs-okta: wrote the HTML report to ${terminalText(file)}\n` : `efs-okta: wrote ${r.records} records to ${terminalText(file)}\n`);
      return 0;
    });

    await step('what would happen, and how long it takes', ['plan', ...c], () => withRuntime({ okta: true, readonly: true, emptyJournalIfMissing: true }, async (rt) => {
      const s = await plan(rt);
      process.stdout.write(`${renderPlan(s, rt.config.okta).join('\n')}\n`);
      return s.exitCode;
    }));
    await step('phase 1: create everyone STAGED (no email)', ['users', 'create', ...c], create);
    appendFileSync(inst.files.panelists, 'PN00001;new.registration@example.com;Nina;Neu;2;de;active;2026-11-20\n');
    process.stdout.write('\n# a new panelist registers before go-live: the next run syncs only what changed\n');
    await step('sync what changed', ['users', 'create', ...c], create);
    await step('where it stands', ['status', ...c], () => withRuntime({ okta: false, readonly: true }, async (rt) => {
      process.stdout.write(`${renderStatus(status(rt))}\n`);
      return 0;
    }));
    await step('register the portals as OIDC apps', ['portals', 'sync', ...c], () => withRuntime({ okta: true }, async (rt) => {
      const r = await syncPortals(rt);
      process.stdout.write(renderPortalSync(r.summary));
      return r.exitCode;
    }));
    await step('phase 2, first wave: the admins', ['users', 'activate', '--kind', 'admins', ...c], () => activate('admins', false));
    await step('phase 2: the panelists (more than 50 emails: --yes)', ['users', 'activate', '--kind', 'panelists', '--yes', ...c], () => activate('panelists', true));
    // A third of the panelists follow their link and set a password (the simulator's stand-in for them).
    const emailed = sim.outbox();
    for (const m of emailed.filter((_, i) => i % 3 === 0)) {
      await fetch(`${sim.url}/__sim/activate/${m.activationUrl.slice(m.activationUrl.lastIndexOf('/') + 1)}`, {
        method: 'POST', headers: { authorization: `SSWS ${sim.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ password: 'Demo-Passw0rd!' }),
      });
    }
    process.stdout.write(`\n# ${Math.ceil(emailed.length / 3)} users follow their link and set a password\n`);
    await step('who set a password (read-only on Okta)', ['users', 'refresh', ...c], () => withRuntime({ okta: true }, async (rt) => {
      const r = await refreshUsers(rt);
      process.stdout.write(renderRefreshed(r.summary));
      return r.exitCode;
    }));
    await step('prove journal and Okta agree', ['verify', ...c], () => withRuntime({ okta: true }, async (rt) => {
      const r = await verify(rt);
      process.stdout.write(renderVerify(r.summary, false));
      return r.exitCode;
    }));
    const reportCsv = path.join(dir, 'report.csv');
    const reportHtml = path.join(dir, 'report.html');
    await step('the per-record report', ['report', '--format', 'csv', '-o', reportCsv, ...c], () => reportTo('csv', reportCsv));
    await step('the report for the customer', ['report', '--format', 'html', '-o', reportHtml, ...c], () => reportTo('html', reportHtml));
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
