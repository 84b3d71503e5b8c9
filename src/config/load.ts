import { readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { isLiteralLoopback } from '../core/loopback.js';
import { gotText, INLINE_KEY_MESSAGE, looksLikeSecret } from '../core/secret-values.js';
import { configSchema, OKTA_DEFAULT_TOKEN_SHARE, type ParsedConfig } from './schema.js';

/** Values from the command line that override the file and the environment. */
export interface ConfigFlags {
  orgUrl?: string;
  share?: number;
  tokenShare?: number;
  concurrency?: number;
  journal?: string;
  tokenFile?: string;
  budgetStore?: string;
  budgetUrl?: string;
  priority?: number;
  maxDeactivateShare?: number;
}

export type BudgetStoreKind = 'local' | 'redis' | 'none';

/** okta.budget resolved: where the org's shared rate budget lives and this run's weight in it. */
export interface BudgetConfig {
  store: BudgetStoreKind;
  /** redis:// URL without a password (that comes from EFS_OKTA_REDIS_PASSWORD); null unless redis. */
  url: string | null;
  priority: number;
  /** The state directory holding the local ledger (absolute). */
  dir: string;
}

/** The resolved configuration: file < env < flags, relative paths made absolute. No secret inside. */
export interface Config extends Omit<ParsedConfig, 'okta'> {
  /** Directory of the config file; relative paths in it are relative to this. */
  baseDir: string;
  configFile: string | null;
  /** null when neither the file, OKTA_ORG_URL nor --org-url set it: commands that call Okta refuse then. */
  okta: Omit<ParsedConfig['okta'], 'orgUrl' | 'budget'> & { orgUrl: string | null; budget: BudgetConfig };
  journal: string;
  reportDir: string;
  tokenFile: string | null;
}

export const DEFAULT_CONFIG_FILE = 'efs-okta.yaml';

/** Renders zod issues as `key: problem (got value)`, one per line, naming what is allowed. */
export function formatIssues(issues: z.core.$ZodIssue[], input: unknown): string {
  return issues
    .map((issue) => {
      const key = issue.path.map(String).join('.') || '(top level)';
      const got = valueAt(input, issue.path);
      const gotPart = gotText(key, got);
      let message = issue.message;
      if (issue.code === 'unrecognized_keys') {
        const allowed = keysAt(configSchema, issue.path);
        const hint = issue.keys.map((k) => closest(k, allowed)).find((k) => k !== null);
        const allowedText = allowed.length ? `; allowed here: ${allowed.join(', ')}` : '; see the config reference in the README';
        return `${key}: unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}${allowedText}`;
      }
      if (issue.code === 'invalid_type' && got === undefined) {
        return `${key}: missing: it is required (${REQUIRED_HINT[key] ?? `a ${issue.expected}`})`;
      }
      if (issue.code === 'invalid_value' && 'values' in issue) {
        message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      }
      return `${key}: ${message}${gotPart}`;
    })
    .join('\n');
}

/** What a required key holds, for the "missing" message (the schema's own text says only "string"). */
const REQUIRED_HINT: Record<string, string> = {
  installation: 'the installation name: lower-case letters, digits, ".", "_" or "-", at most 63 characters',
  sources: 'at least one of admins, panelists, portals',
};

/** The keys a strict object of the schema allows at `path` (through defaults, optionals and unions). */
function keysAt(schema: z.core.$ZodType, keys: PropertyKey[]): string[] {
  let cur: z.core.$ZodType | undefined = schema;
  for (let i = 0; cur && i <= keys.length; ) {
    const def = cur._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType>; options?: z.core.$ZodType[] };
    if (def.innerType) cur = def.innerType;
    else if (def.type === 'union') cur = def.options?.find((o) => (o._zod.def as { type: string }).type === 'object');
    else if (def.type === 'object' && def.shape) {
      if (i === keys.length) return Object.keys(def.shape);
      cur = def.shape[String(keys[i])];
      i++;
    } else return [];
  }
  return [];
}

/** A known key one or two edits away from `key` (a typo), or null. */
function closest(key: string, allowed: string[]): string | null {
  let best: { k: string; d: number } | null = null;
  for (const k of allowed) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { k, d };
  }
  return best?.k ?? null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function valueAt(input: unknown, keys: PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

export function parseConfig(raw: unknown, where: string): ParsedConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError('CONFIG_INVALID', `${where} is not valid:\n${formatIssues(result.error.issues, raw)}`, {
      context: { file: where },
    });
  }
  return result.data;
}

export function readConfigFile(file: string): unknown {
  if (!existsSync(file)) {
    throw new ConfigError('CONFIG_MISSING', `config file ${file} not found: pass -c/--config FILE, or run "efs-okta init" to write one`, {
      context: { file },
    });
  }
  const text = readFileSync(file, 'utf8');
  try {
    return parseYaml(text);
  } catch (err) {
    const line = err instanceof YAMLParseError ? ` at line ${err.linePos?.[0]?.line ?? '?'}` : '';
    throw new ConfigError('CONFIG_YAML', `${file} is not valid YAML${line}: ${(err as Error).message.split('\n')[0]}`, {
      context: { file },
      cause: err,
    });
  }
}

/** Loads, validates and resolves the config: defaults < file < env < flags. */
export function loadConfig(
  configPath: string | null,
  flags: ConfigFlags = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const file = configPath ?? DEFAULT_CONFIG_FILE;
  const raw = readConfigFile(file);
  const parsed = parseConfig(raw, file);
  return resolveConfig(parsed, { baseDir: path.dirname(path.resolve(file)), configFile: path.resolve(file) }, flags, env);
}

export function resolveConfig(
  parsed: ParsedConfig,
  where: { baseDir: string; configFile: string | null },
  flags: ConfigFlags = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const abs = (p: string): string => (path.isAbsolute(p) ? p : path.resolve(where.baseDir, p));
  const orgUrl = flags.orgUrl ?? env.OKTA_ORG_URL ?? parsed.okta.orgUrl ?? null;
  const share = flags.share ?? numberFromEnv(env, 'EFS_OKTA_SHARE') ?? parsed.okta.share;
  const concurrency = flags.concurrency ?? numberFromEnv(env, 'EFS_OKTA_CONCURRENCY') ?? parsed.okta.concurrency;
  const tokenShare = flags.tokenShare ?? numberFromEnv(env, 'EFS_OKTA_TOKEN_SHARE') ?? parsed.okta.tokenShare;
  const maxDeactivateShare = flags.maxDeactivateShare ?? numberFromEnv(env, 'EFS_OKTA_MAX_DEACTIVATE_SHARE') ?? parsed.safety.maxDeactivateShare;
  if (!(maxDeactivateShare >= 0 && maxDeactivateShare <= 1)) throw new ConfigError('CONFIG_INVALID', `the largest share of users a run may deactivate without --yes must be from 0 to 1 (got ${maxDeactivateShare}); set safety.maxDeactivateShare, EFS_OKTA_MAX_DEACTIVATE_SHARE or --max-deactivate-share`);
  if (!(share > 0 && share <= 1)) throw new ConfigError('CONFIG_INVALID', `--share must be in (0, 1] (got ${share})`);
  if (!(tokenShare > 0 && tokenShare <= 1)) throw new ConfigError('CONFIG_INVALID', `--token-share must be in (0, 1] (got ${tokenShare}): the fraction of each bucket the org admin gives this token, ${OKTA_DEFAULT_TOKEN_SHARE} by default`);
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 75)) {
    throw new ConfigError('CONFIG_INVALID', `--concurrency must be a whole number from 1 to 75 (got ${concurrency})`);
  }
  if (parsed.okta.oauth && looksLikeSecret(parsed.okta.oauth.privateKeyFile)) {
    throw new ConfigError('PRIVATE_KEY_INLINE', INLINE_KEY_MESSAGE);
  }
  const sources = { ...parsed.sources };
  for (const kind of ['admins', 'panelists', 'portals'] as const) {
    const s = sources[kind];
    if (!s) continue;
    if (s.type === 'database' || (s.query && !s.file)) {
      if (!s.query) throw new ConfigError('CONFIG_INVALID', `sources.${kind}.query is required for a database source`);
      if (!parsed.database) {
        const how = s.type === 'database' ? 'type: database' : 'a query and no file';
        throw new ConfigError('CONFIG_INVALID', `sources.${kind} reads the database (${how}), but the "database" section is missing: add database: { host, port, database, user } (the password comes from EFS_DB_PASSWORD or database.passwordFile), or set sources.${kind}.file to read an export`);
      }
      sources[kind] = { ...s, type: 'database' } as never;
    } else {
      if (!s.file) throw new ConfigError('CONFIG_INVALID', `sources.${kind}.file is required (or a query with type: database)`);
      sources[kind] = { ...s, file: abs(s.file) } as never;
    }
  }
  const journal = abs(flags.journal ?? env.EFS_OKTA_JOURNAL ?? parsed.journal ?? `${parsed.installation}.efs-okta.sqlite`);
  const tokenFile = flags.tokenFile ?? env.OKTA_API_TOKEN_FILE ?? null;
  return {
    ...parsed,
    sources,
    okta: { ...parsed.okta, orgUrl: orgUrl ? validateOrgUrl(orgUrl) : null, share, tokenShare, concurrency, budget: resolveBudget(parsed.okta.budget, flags, env, abs) },
    portals: { ...parsed.portals, credentialsFile: abs(parsed.portals.credentialsFile) },
    database: parsed.database ? resolveDatabase(parsed.database, abs) : undefined,
    federation: { domains: parsed.federation.domains.map((d) => d.trim().toLowerCase()) },
    safety: { maxDeactivateShare },
    journal,
    reportDir: abs(parsed.reportDir ?? path.join(path.dirname(journal), `${parsed.installation}-reports`)),
    tokenFile: tokenFile ? abs(tokenFile) : null,
    baseDir: where.baseDir,
    configFile: where.configFile,
  };
}

const BUDGET_STORES: readonly BudgetStoreKind[] = ['local', 'redis', 'none'];

/** okta.budget: defaults < file < env (EFS_OKTA_BUDGET_STORE, _URL, EFS_OKTA_PRIORITY, EFS_OKTA_STATE_DIR) < flags. */
function resolveBudget(b: ParsedConfig['okta']['budget'], flags: ConfigFlags, env: NodeJS.ProcessEnv, abs: (p: string) => string): BudgetConfig {
  const store = flags.budgetStore ?? (env.EFS_OKTA_BUDGET_STORE || undefined) ?? b.store;
  if (!(BUDGET_STORES as readonly string[]).includes(store)) {
    throw new ConfigError('CONFIG_INVALID', `--budget-store must be one of ${BUDGET_STORES.join(', ')} (got ${JSON.stringify(store)}): local shares the org's rate limits with the runs on this machine, redis with every machine using the same Redis, none with no one`);
  }
  const priority = flags.priority ?? numberFromEnv(env, 'EFS_OKTA_PRIORITY') ?? b.priority;
  if (!(priority > 0 && priority <= 100)) throw new ConfigError('CONFIG_INVALID', `--priority must be a weight above 0 and at most 100 (got ${priority}): runs share the org in proportion to it`);
  const url = flags.budgetUrl ?? (env.EFS_OKTA_BUDGET_URL || undefined) ?? b.url ?? null;
  if (store === 'redis') {
    if (!url) throw new ConfigError('CONFIG_INVALID', 'okta.budget.store is redis but no URL is set: set okta.budget.url (redis://host:6379), EFS_OKTA_BUDGET_URL or --budget-url');
    validateRedisUrl(url);
  }
  const dir = env.EFS_OKTA_STATE_DIR ? abs(env.EFS_OKTA_STATE_DIR) : b.dir ? abs(b.dir) : defaultStateDir(env);
  return { store: store as BudgetStoreKind, url: store === 'redis' ? url : null, priority, dir };
}

/** redis:// or rediss://, no password inside (a config file is not the place for a secret). */
function validateRedisUrl(value: string): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError('CONFIG_INVALID', 'okta.budget.url is not a URL: write redis://host:6379 (or rediss:// for TLS)');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new ConfigError('CONFIG_INVALID', `okta.budget.url must start with redis:// or rediss:// (got ${u.protocol}//…)`);
  if (u.password) throw new ConfigError('CONFIG_INVALID', 'okta.budget.url holds a password: remove it from the URL and export EFS_OKTA_REDIS_PASSWORD instead');
}

/** $XDG_STATE_HOME/efs-okta, else ~/.local/state/efs-okta (the XDG base directory default). */
function defaultStateDir(env: NodeJS.ProcessEnv): string {
  if (env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)) return path.join(env.XDG_STATE_HOME, 'efs-okta');
  return path.join(env.HOME || os.homedir(), '.local', 'state', 'efs-okta');
}

/** passwordFile and a tls.ca path are relative to the config file; a tls.ca holding the PEM text itself is kept as is. */
function resolveDatabase(db: NonNullable<ParsedConfig['database']>, abs: (p: string) => string): NonNullable<ParsedConfig['database']> {
  const out = { ...db };
  if (db.passwordFile) out.passwordFile = abs(db.passwordFile);
  if (db.tls?.ca && !db.tls.ca.includes('-----BEGIN')) out.tls = { ...db.tls, ca: abs(db.tls.ca) };
  return out;
}

function numberFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ConfigError('CONFIG_INVALID', `${name} must be a number${gotText(name, v)}`);
  return n;
}

export function requireOrgUrl(config: Config): string {
  if (!config.okta.orgUrl) {
    throw new ConfigError('ORG_URL_MISSING', 'the Okta org URL is not set: set okta.orgUrl in the config, export OKTA_ORG_URL or pass --org-url');
  }
  return config.okta.orgUrl;
}

/** https is required, except on loopback (the simulator). */
export function validateOrgUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('ORG_URL_INVALID', `okta.orgUrl${gotText('okta.orgUrl', value)} is not a URL: use e.g. https://acme.okta.com`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLiteralLoopback(url.hostname))) {
    throw new ConfigError('ORG_URL_INVALID', `okta.orgUrl must use https (http only for a local simulator on a loopback address: 127.x.x.x, ::1 or localhost)${gotText('okta.orgUrl', value)}`);
  }
  if (url.username || url.password) throw new ConfigError('ORG_URL_INVALID', 'okta.orgUrl must not contain credentials');
  return url.origin;
}

/**
 * The fraction of each bucket a run paces to: our own `share`, but never above what Okta lets the
 * token use (`tokenShare`, 50 % by default: https://developer.okta.com/docs/reference/rl2-token-oauth/).
 * Pacing to the token's ceiling from the first request means no 429 is needed to discover it.
 */
export function effectiveShare(okta: { share: number; tokenShare: number }): number {
  return Math.min(okta.share, okta.tokenShare);
}
