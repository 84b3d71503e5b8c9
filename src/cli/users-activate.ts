import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import { activateUsers, countActivatable } from '../phases/activate.js';
import { LinksFile } from '../report/links-file.js';
import { attachProgress } from '../report/progress.js';
import { stateSummary } from '../report/summary.js';
import { configFlags, parseUserKinds, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { interruptController } from './signals.js';
import { dashboardOption, startRunDashboard } from './dashboard.js';

interface ActivateFlags extends ConfigOptionValues {
  kind?: string;
  only?: string;
  max?: number;
  perHour?: number;
  dryRun?: boolean;
  email: boolean;
  dashboard?: boolean | string;
}

/** Logins or source keys, one per line (# comments and blank lines ignored). */
export function readOnlyFile(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError('ONLY_FILE', `--only ${file}: ${(err as Error).message}`, { cause: err });
  }
  const set = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line && !line.startsWith('#')) set.add(line.includes('@') ? line.toLowerCase() : line);
  }
  return set;
}

export function registerActivate(users: Command): void {
  withConfigOptions(
    users
      .command('activate')
      .description('phase 2: activate the STAGED users this journal created (Okta emails each a link to set a password)')
      .addOption(new Option('--kind <kind>', 'only this kind').choices(['admins', 'panelists']))
      .option('--only <file>', 'only the logins or source keys listed in FILE (one per line)')
      .addOption(new Option('--max <n>', 'activate at most N users in this run').argParser(parseWhole))
      .addOption(new Option('--per-hour <n>', 'spread activations (and emails) evenly: at most N per hour').argParser(parseWhole))
      .option('--dry-run', 'show how many would be activated; call nothing')
      .option('--no-email', 'send no email: write activation links to a file readable only by you')
      .addOption(dashboardOption()),
  ).action(async (o: ActivateFlags) => {
    const kinds = parseUserKinds(o.kind);
    if (o.perHour === 0) throw new UsageError('USAGE', '--per-hour must be at least 1');
    const only = o.only ? readOnlyFile(o.only) : undefined;
    // Phase 2 activates what phase 1 created: before any users create there is nothing to activate,
    // and opening the journal for writing would create an empty one.
    const before = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true, emptyJournalIfMissing: true });
    try {
      if (before.journal.countByState(kinds).length === 0) {
        throw new UsageError('NOTHING_CREATED', `the journal ${before.journal.path} has no ${kinds.join(' or ')} records yet: run "efs-okta users create" first (it creates the STAGED users that users activate activates)`);
      }
    } finally {
      before.close();
    }
    if (o.dryRun) {
      const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true });
      try {
        const { staged, wouldActivate: n } = await countActivatable(rt.journal, { kinds, only, max: o.max });
        const hours = o.perHour ? n / o.perHour : null;
        process.stdout.write(`dry run: would activate ${n} of ${staged} staged users${only ? ` (those of ${o.only})` : ''}${o.email ? ', each receiving an activation email' : ', writing activation links to a file'}${hours !== null ? `, over about ${hours.toFixed(1)} h` : ''}\n`);
      } finally {
        rt.close();
      }
      return;
    }
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: true, lock: 'users activate' });
    const interrupt = interruptController();
    const detach = attachProgress(rt.emitter);
    const links = o.email ? null : new LinksFile(path.join(rt.config.reportDir, `activation-links-${new Date(rt.clock.now()).toISOString().replace(/[:.]/g, '-')}.csv`));
    let dashboard: Awaited<ReturnType<typeof startRunDashboard>> = null;
    try {
      dashboard = await startRunDashboard(o.dashboard, rt);
      const runId = rt.journal.startRun('activate', rt.clock.now());
      const summary = await activateUsers(
        { journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: rt.clock },
        {
          installation: rt.config.installation, kinds, only, max: o.max, perHour: o.perHour, sendEmail: o.email,
          concurrency: rt.config.okta.concurrency, signal: interrupt.signal,
          onLink: links ? (row, url) => links.write(row.kind, row.key, row.login ?? '', url) : undefined,
        },
      );
      rt.journal.finishRun(runId, summary.interrupted ? 'interrupted' : 'done', { ...summary, interrupted: summary.interrupted ? 1 : 0 }, rt.clock.now());
      process.stdout.write(`\nactivated ${summary.activated} (${summary.emailed} emailed, ${summary.links} links), new links for lost ones ${summary.reissued}, reactivated ${summary.reactivated}, already active ${summary.alreadyActive}, failed ${summary.failed}\n`);
      if (links && links.count > 0) process.stdout.write(`activation links: ${links.file} (readable only by you; hand them over securely, then delete the file)\n`);
      process.stdout.write(`\n${stateSummary(rt.journal, kinds)}\n`);
      if (summary.interrupted) throw new InterruptedError('INTERRUPTED', 'interrupted: run the same command again to continue');
      process.exitCode = summary.failed > 0 ? 1 : 0;
    } finally {
      await dashboard?.stop();
      links?.close();
      detach();
      interrupt.dispose();
      rt.close();
    }
  });
}
