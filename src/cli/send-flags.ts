import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { UserState } from '../core/lifecycle/user.js';
import type { UserKind } from '../core/types.js';
import type { Journal } from '../journal/types.js';
import { describeUnmatched, matchList, parseListText, type ListMatch } from '../users/selection.js';
import { confirmSending, describeSendPlan, type SendPlan } from '../users/send-guard.js';
import { jsonText, terminalText } from '../core/terminal-text.js';

/** The flags `users activate` and `users reactivate` share: who, when, and the confirmation. */
export interface SendFlags {
  only?: string;
  exclude?: string;
  ignoreUnmatched?: boolean;
  yes?: boolean;
  startAt?: string;
}

export function withSendFlags(cmd: Command): Command {
  return cmd
    .option('--only <file>', 'only the logins or source keys listed in FILE (one per line)')
    .option('--exclude <file>', 'never the logins or source keys listed in FILE (one per line)')
    .option('--ignore-unmatched', 'go ahead even if lines of --only/--exclude match nobody this command could send to')
    .option('--yes', 'confirm sending more emails than activation.confirmAbove without a terminal')
    .addOption(new Option('--start-at <time>', 'wait until this time before the first email (06:00 or an ISO time)'));
}

function readList(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError('LIST_FILE', `${flag} ${terminalText(file)}: ${terminalText((err as Error).message)}`, { cause: err });
  }
}

export interface Selection {
  only?: Set<string>;
  exclude?: Set<string>;
}

/**
 * Matches --only and --exclude against the journal. Every line that selects nobody is printed
 * with its reason; unless --ignore-unmatched, that stops the command before anything is sent.
 */
export function selectFromLists(journal: Journal, flags: SendFlags, kinds: UserKind[], sendable: readonly UserState[], out: NodeJS.WritableStream = process.stdout): Selection {
  const result: Selection = {};
  const problems: string[] = [];
  const use = (flag: '--only' | '--exclude', file: string | undefined): ListMatch | null => {
    if (!file) return null;
    const m = matchList(journal, parseListText(readList(flag, file)), kinds, sendable);
    if (m.unmatched.length) {
      problems.push(`${flag} ${terminalText(file)}: ${m.unmatched.length} line(s) match nobody this command could send to:\n${describeUnmatched(terminalText(file), m.unmatched.map((u) => ({ ...u, value: jsonText(u.value), detail: terminalText(u.detail) })))}`);
    }
    return m;
  };
  const only = use('--only', flags.only);
  // --exclude names users to leave alone: any record counts, whatever its state.
  const exclude = flags.exclude ? matchList(journal, parseListText(readList('--exclude', flags.exclude)), kinds, 'any') : null;
  if (exclude?.unmatched.length) problems.push(`--exclude ${terminalText(flags.exclude)}: ${exclude.unmatched.length} line(s) match no record:\n${describeUnmatched(terminalText(flags.exclude), exclude.unmatched.map((u) => ({ ...u, value: jsonText(u.value), detail: terminalText(u.detail) })))}`);
  if (only) result.only = only.ids;
  if (exclude) result.exclude = exclude.ids;
  if (problems.length) {
    out.write(`${problems.join('\n')}\n`);
    if (!flags.ignoreUnmatched) throw new UsageError('UNMATCHED', 'lines of the list file(s) above match nobody: fix them, or run again with --ignore-unmatched; nothing was sent');
  }
  return result;
}


/** Prints what will be sent and asks for the confirmation the count needs. */
export async function guardSending(plan: SendPlan, now: number, o: { yes?: boolean; confirmAbove: number }): Promise<void> {
  process.stdout.write(`${describeSendPlan(plan, now)}\n`);
  // Links written to a file (--no-email) reach nobody's mailbox: only emails need the confirmation.
  await confirmSending(plan.sendEmail ? plan.count : 0, {
    yes: o.yes ?? false,
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    confirmAbove: o.confirmAbove,
    ask: async (q) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(q);
      } finally {
        rl.close();
      }
    },
  });
}
