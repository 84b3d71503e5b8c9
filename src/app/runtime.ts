import { systemClock, type Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { CoreEmitter } from '../core/events.js';
import type { UserKind } from '../core/types.js';
import { loadConfig, type Config, type ConfigFlags } from '../config/load.js';
import { openJournal, type SqliteJournal } from '../journal/sqlite.js';
import type { OktaGateway } from '../okta/types.js';
import type { UserSourceSpec } from '../users/plan.js';
import { buildUserRules } from '../config/user-rules.js';
import { openRowSource } from '../source/open.js';
import { terminalText } from '../core/terminal-text.js';
import { recordActivity } from './activity.js';
import type { ConnectedOkta } from './connect-okta.js';

/**
 * The composition root: config, journal, sources and the Okta gateway, wired for one command.
 * The CLI, the demo and the tests build a Runtime; the phases receive its parts.
 */
export interface Runtime {
  config: Config;
  journal: SqliteJournal;
  emitter: CoreEmitter;
  clock: Clock;
  okta: OktaGateway | null;
  close(): void;
}

export interface RuntimeOptions {
  configPath: string | null;
  flags?: ConfigFlags;
  /** Connect to Okta (needs credentials). */
  okta: boolean;
  /** Hold the journal lock under this command name (runs that write). */
  lock?: string;
  readonly?: boolean;
  /** With readonly: a journal file that does not exist yet is an empty one in memory (plan leaves no trace). */
  emptyJournalIfMissing?: boolean;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  /** Already-loaded config (tests, demo). */
  config?: Config;
  /** Where warnings found while opening go (a token file others can read): stderr by default. */
  warn?: (message: string) => void;
}

function warnOnStderr(message: string): void {
  process.stderr.write(`efs-okta: warning: ${terminalText(message)}\n`);
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const config = options.config ?? loadConfig(options.configPath, options.flags ?? {}, options.env ?? process.env);
  const clock = options.clock ?? systemClock;
  const emitter = new CoreEmitter();
  // Credential warnings are emitted while the gateway opens, before any command listens: shown here.
  const warn = options.warn ?? warnOnStderr;
  const offWarning = emitter.on('warning', (w) => warn(w.message));
  let connected: ConnectedOkta | null = null;
  try {
    // Loaded only when needed: the SDK is most of the start-up time of read-only commands.
    connected = options.okta ? await (await import('./connect-okta.js')).connectOkta(config, { emitter, clock, env: options.env ?? process.env }) : null;
  } finally {
    offWarning();
  }
  const okta: OktaGateway | null = connected?.okta ?? null;
  let journal: SqliteJournal;
  try {
    journal = openJournal(config.journal, { installation: config.installation, readonly: options.readonly ?? false, emptyIfMissing: options.emptyJournalIfMissing ?? false });
  } catch (err) {
    await connected?.close();
    throw err;
  }
  let detach: (() => void) | null = null;
  try {
    if (options.lock) journal.acquireLock(options.lock);
    if (!options.readonly) detach = recordActivity(emitter, journal, clock);
  } catch (err) {
    journal.close();
    await connected?.close();
    throw err;
  }
  return {
    config,
    journal,
    emitter,
    clock,
    okta,
    close: () => {
      detach?.();
      journal.close();
      // Leaving the budget is fire and forget: the process stays up until the store has answered.
      void connected?.close().catch(() => undefined);
    },
  };
}

/** The configured user sources, in the order they are read (admins first: they win merges). */
export function userSourceSpecs(config: Config): UserSourceSpec[] {
  const specs: UserSourceSpec[] = [];
  const pairs: [UserKind, 'admins' | 'panelists'][] = [['admin', 'admins'], ['panelist', 'panelists']];
  for (const [kind, name] of pairs) {
    const sourceConfig = config.sources[name];
    if (!sourceConfig) continue;
    specs.push({ kind, source: openRowSource(name, sourceConfig, config), rules: buildUserRules(kind, sourceConfig, config) });
  }
  if (specs.length === 0) {
    throw new ConfigError('NO_USER_SOURCES', `${config.configFile ?? 'the config'} has no user source: add sources.admins and/or sources.panelists (see "Config file reference" in the README)`);
  }
  return specs;
}
