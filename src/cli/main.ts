#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { startHeapTrim } from '../app/heap-trim.js';
import { isEfsOktaError } from '../core/errors.js';
import { EXIT_CODES, exitCodeForError } from '../commands/exit-codes.js';
import { loadVerbs, type RegisterVerb } from './verbs.js';
import { terminalLines } from '../core/terminal-text.js';
import { damagedJournalCode, damagedJournalError } from '../journal/open-errors.js';

/**
 * The CLI is thin: one small file per verb (registered in verbs.ts) that parses flags, opens the
 * runtime, calls the library (src/commands) and renders its summary. Exit codes, one table for all
 * (commands/exit-codes.ts): 0 done; 1 finished with invalid/conflict/failed records; 2 usage or
 * config error; 3 auth, permission or fatal error; 130 interrupted.
 */
function packageVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const pkg = JSON.parse(readFileSync(path.join(here, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(verbs: RegisterVerb[]): Command {
  const program = new Command('efs-okta')
    .description('Migrate an EFS installation (admins, panelists, portals) onto Okta for Tivian Access')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of verbs) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(await loadVerbs(argv));
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // Thrown by an option parser called from an action, not by commander's own parsing: not shown yet.
    if (err instanceof InvalidArgumentError) {
      process.stderr.write(`efs-okta: ${terminalLines(err.message)}\n`);
      return EXIT_CODES.usage;
    }
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_CODES.done;
      return EXIT_CODES.usage;
    }
    // A journal damaged in a page read only after it opened (a truncated file passes the open).
    const failure = damagedJournalCode(err) ? damagedJournalError(null, err) : err;
    if (isEfsOktaError(failure)) {
      process.stderr.write(`efs-okta: ${terminalLines(failure.message)}\n`);
      return exitCodeForError(failure);
    }
    process.stderr.write(`efs-okta: unexpected error: ${terminalLines(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    return EXIT_CODES.fatal;
  }
}

function isMainModule(): boolean {
  const arg = process.argv[1];
  if (arg === undefined) return false;
  try {
    // npm links the bin (node_modules/.bin/efs-okta -> dist/cli/main.js): compare real paths.
    return realpathSync(arg) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

const invokedDirectly = isMainModule();
if (invokedDirectly) {
  // The process is ours: keep its heap near what it holds while it streams a million rows (see
  // app/heap-trim.ts). Not for the simulator, whose heap is its org and only grows.
  const trim = process.argv.slice(2).find((a) => !a.startsWith('-')) === 'sim' ? null : startHeapTrim();
  main(process.argv).then(
    (code) => {
      trim?.stop();
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`efs-okta: ${String(err)}\n`);
      process.exitCode = 3;
    },
  );
}
