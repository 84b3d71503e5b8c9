import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import type { UserState } from '../core/lifecycle/user.js';
import type { UserKind } from '../core/types.js';
import { jsonText, terminalText } from '../core/terminal-text.js';
import type { Journal } from '../journal/types.js';
import { describeUnmatched, matchList, parseListText, type ListMatch } from '../users/selection.js';
import { LinksFile } from '../report/links-file.js';
import { confirmSending, waitUntil, type SendPlan } from '../users/send-guard.js';

/** Who a sending command (activate, reminders) may reach, and the confirmation its count needs. */
export interface SendOptions {
  /** A file of logins or source keys (one per line): only these. */
  only?: string;
  /** A file of logins or source keys: never these. */
  exclude?: string;
  /** Go ahead even if lines of `only`/`exclude` match nobody the command could send to. */
  ignoreUnmatched?: boolean;
  /** Confirms sending more emails than activation.confirmAbove. */
  yes?: boolean;
  /** Wait until this time before the first email (06:00 or an ISO time). */
  startAt?: string;
  /** Shown the lines of `only`/`exclude` that select nobody, with their reason (escaped text). */
  onUnmatched?: (text: string) => void;
  /**
   * Shown the plan before anything is sent; resolves to go ahead, throws to stop (the CLI prints it
   * and asks at a terminal). Without it: more than confirmAbove emails need `yes`.
   */
  confirm?: (plan: SendPlan, now: number, confirmAbove: number) => Promise<void>;
}

export interface Selection {
  only?: Set<string>;
  exclude?: Set<string>;
}

function readList(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError('LIST_FILE', `${flag} ${terminalText(file)}: ${terminalText((err as Error).message)}`, { cause: err });
  }
}

/**
 * Matches `only` and `exclude` against the journal. Every line that selects nobody is reported
 * with its reason; unless `ignoreUnmatched`, that stops the command before anything is sent.
 */
export function selectFromLists(journal: Journal, o: SendOptions, kinds: UserKind[], sendable: readonly UserState[]): Selection {
  const result: Selection = {};
  const problems: string[] = [];
  const use = (flag: '--only', file: string | undefined): ListMatch | null => {
    if (!file) return null;
    const m = matchList(journal, parseListText(readList(flag, file)), kinds, sendable);
    if (m.unmatched.length) {
      problems.push(`${flag} ${terminalText(file)}: ${m.unmatched.length} line(s) match nobody this command could send to:\n${describeUnmatched(terminalText(file), m.unmatched.map((u) => ({ ...u, value: jsonText(u.value), detail: terminalText(u.detail) })))}`);
    }
    return m;
  };
  const only = use('--only', o.only);
  // --exclude names users to leave alone: any record counts, whatever its state.
  const exclude = o.exclude ? matchList(journal, parseListText(readList('--exclude', o.exclude)), kinds, 'any') : null;
  if (exclude?.unmatched.length) problems.push(`--exclude ${terminalText(o.exclude)}: ${exclude.unmatched.length} line(s) match no record:\n${describeUnmatched(terminalText(o.exclude), exclude.unmatched.map((u) => ({ ...u, value: jsonText(u.value), detail: terminalText(u.detail) })))}`);
  if (only) result.only = only.ids;
  if (exclude) result.exclude = exclude.ids;
  if (problems.length) {
    o.onUnmatched?.(`${problems.join('\n')}\n`);
    if (!o.ignoreUnmatched) throw new UsageError('UNMATCHED', 'lines of the list file(s) above match nobody: fix them, or run again with --ignore-unmatched; nothing was sent');
  }
  return result;
}

/** The confirmation a send plan needs: the caller's, or (no terminal to ask at) `yes` above confirmAbove. */
async function confirmPlan(plan: SendPlan, now: number, o: SendOptions, confirmAbove: number): Promise<void> {
  if (o.confirm) return o.confirm(plan, now, confirmAbove);
  // Links written to a file (--no-email) reach nobody's mailbox: only emails need the confirmation.
  await confirmSending(plan.sendEmail ? plan.count : 0, { yes: o.yes ?? false, isTTY: false, confirmAbove, ask: () => Promise.resolve('') });
}

/**
 * Everything before the first send of `users activate` and `users reactivate`: the confirmation,
 * the wait for --start-at (nothing is sent if it is interrupted), and with --no-email the links
 * file, named `<linksName>-<time>.csv` in reportDir.
 */
export async function readyToSend(
  plan: SendPlan,
  o: SendOptions & { signal?: AbortSignal | undefined },
  at: { clock: Clock; confirmAbove: number; reportDir: string; linksName: string },
): Promise<LinksFile | null> {
  await confirmPlan(plan, at.clock.now(), o, at.confirmAbove);
  await waitUntil(at.clock, plan.startAt, o.signal).catch((err: unknown) => {
    if (o.signal?.aborted) throw new InterruptedError('INTERRUPTED', 'interrupted while waiting for --start-at: nothing was sent; run the same command again');
    throw err;
  });
  if (plan.sendEmail) return null;
  return new LinksFile(path.join(at.reportDir, `${at.linksName}-${new Date(at.clock.now()).toISOString().replace(/[:.]/g, '-')}.csv`));
}
