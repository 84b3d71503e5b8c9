import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { ConfigFlags } from '../config/load.js';

/** The options every verb that reads the config shares: -c, --journal, --org-url, --token-file, … */
export function withConfigOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'the installation config file', 'efs-okta.yaml')
    .option('--journal <file>', 'the journal (SQLite) file; default from the config')
    .option('--org-url <url>', 'Okta org URL (overrides okta.orgUrl and OKTA_ORG_URL)')
    .option('--token-file <file>', 'read the Okta API token from this file instead of OKTA_API_TOKEN')
    .addOption(new Option('--share <fraction>', 'fraction of each Okta rate-limit bucket this run may use (0–1]').argParser(parseFraction))
    .addOption(new Option('--token-share <fraction>', "fraction of each bucket Okta lets this token use (0–1]; Okta's default is 0.5").argParser(parseFraction))
    .addOption(new Option('--concurrency <n>', 'at most this many Okta requests at once (1–75)').argParser(parseWhole))
    .addOption(new Option('--budget-store <store>', "share the org's rate limits with other runs: local (this machine), redis (every machine on --budget-url), none").choices(['local', 'redis', 'none']))
    .option('--budget-url <url>', 'the Redis of okta.budget.store redis (redis://host:6379; the password comes from EFS_OKTA_REDIS_PASSWORD)')
    .addOption(new Option('--priority <weight>', "this run's weight in the org's shared rate budget (default 1; 2 = twice a run of 1)").argParser(parsePositive));
}

export interface ConfigOptionValues {
  config: string;
  journal?: string;
  orgUrl?: string;
  tokenFile?: string;
  share?: number;
  tokenShare?: number;
  concurrency?: number;
  budgetStore?: string;
  budgetUrl?: string;
  priority?: number;
  maxDeactivateShare?: number;
}

export function configFlags(o: ConfigOptionValues): ConfigFlags {
  const flags: ConfigFlags = {};
  if (o.orgUrl !== undefined) flags.orgUrl = o.orgUrl;
  if (o.share !== undefined) flags.share = o.share;
  if (o.tokenShare !== undefined) flags.tokenShare = o.tokenShare;
  if (o.concurrency !== undefined) flags.concurrency = o.concurrency;
  if (o.journal !== undefined) flags.journal = o.journal;
  if (o.tokenFile !== undefined) flags.tokenFile = o.tokenFile;
  if (o.budgetStore !== undefined) flags.budgetStore = o.budgetStore;
  if (o.budgetUrl !== undefined) flags.budgetUrl = o.budgetUrl;
  if (o.priority !== undefined) flags.priority = o.priority;
  if (o.maxDeactivateShare !== undefined) flags.maxDeactivateShare = o.maxDeactivateShare;
  return flags;
}

/**
 * Option value parsers. They throw commander's InvalidArgumentError, so that commander names the
 * option and the value ("option '--share <fraction>' argument '1.5' is invalid. …"); main.ts
 * prints one that escapes from an action (a value parsed there, e.g. --dashboard's optional port).
 */
export function parseWhole(value: string, _prev?: unknown): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** A share from 0 to 1 inclusive (0 means: every deactivation needs --yes). */
export function parseShare(value: string, _prev?: unknown): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError(`expected a fraction from 0 to 1 (e.g. 0.05 for 5 %), got ${JSON.stringify(value)}`);
  return n;
}

export function parseFraction(value: string, _prev?: unknown): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError(`expected a fraction in (0, 1] (e.g. 0.5), got ${JSON.stringify(value)}`);
  return n;
}

export function parsePositive(value: string, _prev?: unknown): number {
  const n = Number(value);
  if (!(n > 0 && n <= 100)) throw new InvalidArgumentError(`expected a number above 0 and at most 100, got ${JSON.stringify(value)}`);
  return n;
}

/** `--kind admins|panelists` → the user kinds to work on. */
export function parseUserKinds(value: string | undefined): ('admin' | 'panelist')[] {
  if (value === undefined) return ['admin', 'panelist'];
  const map: Record<string, 'admin' | 'panelist'> = { admins: 'admin', admin: 'admin', panelists: 'panelist', panelist: 'panelist' };
  const kinds = value.split(',').map((v) => {
    const k = map[v.trim()];
    if (!k) throw new UsageError('USAGE', `--kind must be admins or panelists (got ${JSON.stringify(v)})`);
    return k;
  });
  return [...new Set(kinds)];
}
